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
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Language, Role, type Grant } from '@hybrid-stage/shared';
import { AccessTokens } from '../access/AccessTokens';
import { DEFAULT_INVITE_HOURS, mintInvite } from '../access/mintInvite';
import { loadConfig } from '../config';
import { StartupError } from '../errors';
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
function standIds(dataDir: string): Set<string> | undefined {
  const file = join(dataDir, 'hybrid-stage.db');
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

  let grant: Grant;
  switch (role.data) {
    case 'producer':
    case 'admin':
      need(0);
      grant = { role: role.data };
      break;
    case 'studio':
    case 'guest': {
      need(1);
      const studioId = scope[0]!;
      if (!event.studios.some((s) => s.id === studioId)) throw new UsageError(`no studio "${studioId}"; studios: ${event.studios.map((s) => s.id).join(', ')}`);
      grant = { role: role.data, studioId };
      break;
    }
    case 'captioner': {
      need(2);
      const channelId = scope[0]!;
      if (!event.channels.some((c) => c.id === channelId)) throw new UsageError(`no channel "${channelId}"; channels: ${event.channels.map((c) => c.id).join(', ')}`);
      const languages = scope[1]!.split(',').map((l) => l.trim());
      for (const l of languages) if (!Language.safeParse(l).success) throw new UsageError(`"${l}" is not a caption language`);
      grant = { role: 'captioner', channelId, languages };
      break;
    }
    case 'exhibitor': {
      need(1);
      const standId = scope[0]!;
      const stands = standIds(config.DATA_DIR);
      if (stands && !stands.has(standId)) throw new UsageError(`no stand "${standId}"; stands: ${[...stands].join(', ')}`);
      grant = { role: 'exhibitor', standId };
      break;
    }
  }
  const hours = hoursText === undefined ? DEFAULT_INVITE_HOURS[grant.role] : Number(hoursText);
  if (!Number.isInteger(hours) || hours < 1 || hours > 366 * 24) throw new UsageError('--hours takes a whole number of hours, at most a year');
  const { path, expiresAt } = await mintInvite(AccessTokens.inDataDir(config.DATA_DIR), grant, hours);
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
