/**
 * `npm run invite -- <role> [scope…] [--hours N] [--base URL]`: mints an invite link with the
 * server's signing key (DATA_DIR/access-token.key), for admins working from a shell. The server
 * need not run; the link works on it as soon as it does.
 *
 *   npm run invite -- producer
 *   npm run invite -- admin
 *   npm run invite -- studio london
 *   npm run invite -- guest moscow --hours 48
 *   npm run invite -- captioner main ja,es
 *   npm run invite -- exhibitor nordlicht-systems
 */
import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { Requests, Role, type Grant, type RequestOf } from '@hybrid-stage/shared';
import { inviteGrant, type InviteScopes } from '../access/inviteGrant';
import { AccessTokens } from '../access/AccessTokens';
import { mintInvite } from '../access/mintInvite';
import { loadConfig, type Config } from '../config';
import { StandStore } from '../exhibition/StandStore';
import { createLogger } from '../logger';
import { Database, storageTarget } from '../persistence/Database';
import { NotFoundError, StartupError } from '../errors';
import { DEMO_EVENT } from '../studios/demoEvent';
import { loadEventConfig } from '../studios/eventConfig';

const USAGE = `usage: npm run invite -- <role> [scope…] [--hours N] [--base URL]
  producer | admin            the console / the admin page (invite links, registrations)
  studio <studio>             a studio operator        guest <studio>   a remote guest
  captioner <channel> <languages, comma-separated, e.g. ja,es>
  exhibitor <stand>`;

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

/** The stand ids in the database, if it exists yet (the demo seeds them at first start). */
async function standIds(config: Config): Promise<Set<string> | undefined> {
  const target = storageTarget(config);
  if (target.engine === 'postgres') {
    const db = await Database.open(target, createLogger('silent'));
    try {
      const ids = (await new StandStore(db).list()).map((s) => s.id);
      return ids.length > 0 ? new Set(ids) : undefined;
    } finally {
      await db.close();
    }
  }
  // A SQLite file is only read: the CLI neither creates nor migrates it.
  const { file } = target;
  if (!existsSync(file)) return undefined;
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return new Set(db.prepare('SELECT id FROM stands').pluck().all() as string[]);
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

/** A scope that does not exist, said with what there is. */
function unknownScope(request: RequestOf<'invite:create'>, scopes: InviteScopes, stands: Set<string> | undefined): string {
  switch (request.role) {
    case 'studio':
    case 'guest':
      return `no studio "${request.studioId}"; studios: ${scopes.studioIds.join(', ')}`;
    case 'captioner':
      return `no channel "${request.channelId}"; channels: ${scopes.channelIds.join(', ')}`;
    case 'exhibitor':
      return `no stand "${request.standId}"; stands: ${[...(stands ?? [])].join(', ')}`;
    default:
      return `nothing to invite to for ${request.role}`;
  }
}

/** The schema's refusal in the shell's words: the argument at fault. */
function refusal(error: z.ZodError, fields: Record<string, unknown>): string {
  const path = error.issues[0]?.path ?? [];
  if (path[0] === 'hours') return '--hours takes a whole number of hours, at most a year';
  if (path[0] === 'languages' && typeof path[1] === 'number') return `"${String((fields.languages as string[])[path[1]])}" is not a caption language`;
  return z.prettifyError(error);
}

async function main(argv: string[]): Promise<string> {
  const args = [...argv];
  const config = loadConfig();
  const hoursText = option(args, '--hours');
  const base = option(args, '--base') ?? `http://${config.ANNOUNCED_IP}:${config.PORT}`;
  const [roleText, ...scope] = args;
  const role = Role.safeParse(roleText);
  if (!role.success || role.data === 'viewer') throw new UsageError(roleText ? `unknown role "${roleText}"` : 'which role?');
  const event = config.EVENT_FILE ? loadEventConfig(config.EVENT_FILE) : DEMO_EVENT;
  const need = (count: number) => {
    if (scope.length !== count) throw new UsageError(`${role.data} takes ${count === 0 ? 'no' : count} argument${count === 1 ? '' : 's'}`);
  };

  // The same request the console and the admin page send, checked by the same schema and scoped
  // by the same function; only the wording of a refusal is the shell's own.
  const fields: Record<string, unknown> = {};
  if (role.data === 'studio' || role.data === 'guest') {
    need(1);
    fields.studioId = scope[0];
  } else if (role.data === 'captioner') {
    need(2);
    Object.assign(fields, { channelId: scope[0], languages: scope[1]!.split(',').map((l) => l.trim()) });
  } else if (role.data === 'exhibitor') {
    need(1);
    fields.standId = scope[0];
  } else need(0);
  if (hoursText !== undefined) fields.hours = Number(hoursText);
  const request = Requests['invite:create'].safeParse({ role: role.data, ...fields });
  if (!request.success) throw new UsageError(refusal(request.error, fields));
  const stands = await standIds(config);
  const scopes: InviteScopes = {
    studioIds: event.studios.map((s) => s.id),
    channelIds: event.channels.map((c) => c.id),
    // Before the first start there are no stands in the database yet: the server checks then.
    hasStand: (standId) => !stands || stands.has(standId),
  };
  let grant: Grant;
  try {
    grant = await inviteGrant(request.data, scopes);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new UsageError(unknownScope(request.data, scopes, stands));
  }
  const { path, expiresAt } = await mintInvite(AccessTokens.fromConfig(config), grant, request.data.hours);
  return `${base.replace(/\/$/, '')}${path}\n(valid until ${expiresAt})`;
}

main(process.argv.slice(2)).then(
  (link) => console.log(link),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else if (error instanceof StartupError) console.error(error.message);
    else throw error;
    process.exit(2);
  },
);
