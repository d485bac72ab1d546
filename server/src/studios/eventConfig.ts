/**
 * The event's setup: its name, studios and channels. The demo event is built in; `EVENT_FILE`
 * points at a JSON file of the same shape to run another event (more studios, other channels).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TimeZone, ViewerAccess } from '@hybrid-stage/shared';
import { StartupError } from '../errors';
import { DEMO_EVENT } from './demoEvent';

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, at most 40');

/** The schema of an event file. */
export const EventConfig = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    /** IANA time zone the agenda is planned in. */
    timeZone: TimeZone,
    /** `anonymous`: anyone watches. `registered`: viewers fill in a form first and get a viewer token. */
    viewers: ViewerAccess.default('anonymous'),
    studios: z.array(z.strictObject({ id: Slug, name: z.string().trim().min(1).max(60), timeZone: TimeZone })).min(1).max(50),
    channels: z
      .array(
        z.strictObject({
          id: Slug,
          name: z.string().trim().min(1).max(60),
          kind: z.enum(['main', 'regional', 'breakout']),
          /** The studio whose test pattern is on air at startup. */
          startsOn: Slug.optional(),
          /** The studio whose test pattern is the backup at startup. */
          backup: Slug.optional(),
        }),
      )
      .min(1)
      .max(50),
    /** The agenda. Without it the demo event lays out its own programme from the time it starts. */
    sessions: z
      .array(
        z.strictObject({
          id: Slug,
          channelId: Slug,
          title: z.string().trim().min(1).max(200),
          startsAt: z.iso.datetime({ offset: true }),
          endsAt: z.iso.datetime({ offset: true }),
          speakers: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
        }),
      )
      .max(2000)
      .optional(),
  })
  .superRefine((event, ctx) => {
    const studios = new Set(event.studios.map((s) => s.id));
    const unique = (ids: string[], what: string) => {
      if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: `${what} ids must be unique` });
    };
    unique(event.studios.map((s) => s.id), 'studio');
    unique(event.channels.map((c) => c.id), 'channel');
    const channels = new Set(event.channels.map((c) => c.id));
    for (const s of event.sessions ?? []) {
      if (!channels.has(s.channelId)) ctx.addIssue({ code: 'custom', message: `session ${s.id} is on unknown channel ${s.channelId}` });
      if (Date.parse(s.endsAt) <= Date.parse(s.startsAt)) ctx.addIssue({ code: 'custom', message: `session ${s.id} ends before it starts` });
    }
    for (const c of event.channels) {
      for (const studio of [c.startsOn, c.backup]) {
        if (studio && !studios.has(studio)) ctx.addIssue({ code: 'custom', message: `channel ${c.id} names unknown studio ${studio}` });
      }
    }
  });
export type EventConfig = z.infer<typeof EventConfig>;

/** The event to run: the file's when `file` is set, else the demo. */
export function loadEventConfig(file: string | undefined): EventConfig {
  if (!file) return DEMO_EVENT;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StartupError(`EVENT_FILE=${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  const parsed = EventConfig.safeParse(raw);
  if (!parsed.success) throw new StartupError(`EVENT_FILE=${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
