/** The virtual exhibition: stands, their content, comments, gifts and visit analytics. */
import { z } from 'zod';
import { MAX_COMMENT_AUTHOR, MAX_COMMENT_TEXT, MAX_GIFT_STOCK, REGIONS } from './vocabulary';

/** A region: one of {@link REGIONS}. */
export const Region = z.enum(REGIONS);
export type Region = z.infer<typeof Region>;

/** A stand id: lower-case letters, digits and dashes, as in URLs. */
export const StandId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower-case letters, digits and dashes, at most 48');

/**
 * A visitor id as it may arrive: its shape only. Ids are issued and signed by the server
 * (`POST /api/visitors`), kept by the browser in localStorage; whether one was really issued is
 * checked by the server (INVALID_VISITOR), so the loose shape lets an old client-made id be told
 * to renew rather than refused as malformed.
 */
export const VisitorId = z.string().regex(/^[A-Za-z0-9._-]{8,64}$/, '8 to 64 letters, digits, ".", "-" or "_"');

/** The answer to `POST /api/visitors`: a new visitor id, signed by the server. */
export interface IssuedVisitorId {
  visitorId: string;
}

/** A web address: http(s) only, so nothing like javascript: reaches a link. */
const WebUrl = z.url({ protocol: /^https?$/ }).max(500);
const Text = (max: number) => z.string().trim().min(1).max(max);
const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

/** One product shown at a stand. */
export const StandProduct = z.strictObject({ name: Text(80), description: z.string().trim().max(600) });
export type StandProduct = z.infer<typeof StandProduct>;

/** A link from a stand (brochure, website). */
export const StandLink = z.strictObject({ label: Text(60), url: WebUrl });
export type StandLink = z.infer<typeof StandLink>;

/** A person of the stand's regional team. */
export const TeamMember = z.strictObject({
  name: Text(80),
  role: z.string().trim().max(80),
  email: z.email().max(120),
  phone: z.string().trim().max(40),
});
export type TeamMember = z.infer<typeof TeamMember>;

/** What a stand gives each visitor once. */
export const StandGift = z.strictObject({
  title: Text(80),
  description: z.string().trim().max(300),
  /** How many vouchers there are in all. */
  stock: z.number().int().min(0).max(MAX_GIFT_STOCK),
});
export type StandGift = z.infer<typeof StandGift>;

/** Everything an exhibitor fills in about their stand. */
export const StandContent = z.strictObject({
  exhibitor: Text(80),
  region: Region,
  /** Walls and header (primary), counter and trims (accent). */
  colours: z.strictObject({ primary: Colour, accent: Colour }),
  /** The text of the logo on the stand's header. */
  logoText: Text(24),
  tagline: z.string().trim().max(120),
  products: z.array(StandProduct).max(8),
  /** A video to play in the panel ('' for none). */
  videoUrl: z.union([z.literal(''), WebUrl]),
  links: z.array(StandLink).max(6),
  team: z.array(TeamMember).max(8),
  gift: StandGift,
});
export type StandContent = z.infer<typeof StandContent>;

/** Where a stand stands in the hall: its centre in metres and the way its open front faces. */
export const StandPlacement = z.strictObject({
  x: z.number().min(-50).max(50),
  z: z.number().min(-50).max(50),
  /** Degrees; 0 faces +x, 90 faces -z, 180 faces -x, 270 faces +z. */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
});
export type StandPlacement = z.infer<typeof StandPlacement>;

/** A new stand, as an admin adds it. */
export const NewStand = z.strictObject({ id: StandId, content: StandContent, placement: StandPlacement });
export type NewStand = z.infer<typeof NewStand>;

/** A stand as every visitor sees it. */
export interface StandInfo extends StandContent {
  id: string;
  placement: StandPlacement;
  /** Vouchers not yet claimed. */
  giftsLeft: number;
}

/** A new comment on a stand. */
export const NewComment = z.strictObject({ author: Text(MAX_COMMENT_AUTHOR), text: Text(MAX_COMMENT_TEXT) });
export type NewComment = z.infer<typeof NewComment>;

/** What a moderator changes on a comment. */
export const CommentModeration = z.strictObject({ hidden: z.boolean() });

/** A comment as shown (hidden ones only to the stand's exhibitor and admins). */
export interface StandComment {
  id: string;
  standId: string;
  author: string;
  text: string;
  /** ISO time. */
  createdAt: string;
  hidden: boolean;
}

/** A visitor's gift voucher from a stand. */
export interface GiftVoucher {
  standId: string;
  code: string;
  title: string;
  description: string;
  /** ISO time of the first claim. */
  claimedAt: string;
}

/** Visits, dwell time, comments and gifts of one stand or one region. */
export interface VisitFigures {
  /** Times a visitor opened the stand. */
  visits: number;
  /** Different visitors. */
  visitors: number;
  /** Total time visitors spent at the stand, in milliseconds. */
  dwellMs: number;
  comments: number;
  giftsClaimed: number;
}

/** Visit analytics as exhibitors (their stand and region) and admins (everything) see them. */
export interface ExhibitionAnalytics {
  stands: (VisitFigures & { standId: string; exhibitor: string; region: Region })[];
  regions: (VisitFigures & { region: Region })[];
}

/** How many visitors are at each stand right now (stands with nobody are left out). */
export type StandPresenceCounts = Record<string, number>;
