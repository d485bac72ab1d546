/** Viewer registration: the form a viewer fills in when the event asks viewers to register. */
import { z } from 'zod';

const Field = (max: number) => z.string().trim().min(1).max(max);

/** What a viewer sends to register (`POST /api/registrations`). */
export const NewRegistration = z.strictObject({
  name: Field(100),
  email: z.string().trim().max(254).pipe(z.email()).transform((e) => e.toLowerCase()),
  organisation: Field(120),
  country: Field(80),
  /** The viewer agreed that the organiser keeps these details for the event: must be true. */
  consent: z.literal(true),
});
export type NewRegistration = z.infer<typeof NewRegistration>;

/** The answer to a registration: a viewer token to connect with (kept by the browser). */
export interface RegistrationResult {
  token: string;
  /** ISO time the token stops working. */
  expiresAt: string;
}

/** One registration, as admins see it. */
export interface RegistrationInfo {
  id: string;
  name: string;
  email: string;
  organisation: string;
  country: string;
  /** ISO time of registering. */
  registeredAt: string;
}
