// Startup wiring: configuration, the server, and a clean stop on SIGINT/SIGTERM.
import { loadConfig } from './config';
import { StartupError } from './errors';
import { createLogger } from './logger';
import { startServer } from './server';
import { mintInvite } from './access/mintInvite';
import type { Grant } from '@hybrid-stage/shared';

/** Runs `start`, turning a StartupError into a one-line message and exit code 1. */
async function orExit<T>(start: () => T | Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`Hybrid Stage cannot start: ${error.message}`);
    process.exit(1);
  }
}

// Whatever this process and its children (ffmpeg's recordings, SQLite's journals) create is the
// server user's alone: the files hold personal data (see files/privateFiles).
process.umask(0o077);
const config = await orExit(() => loadConfig());
const logger = createLogger(config.LOG_LEVEL);
const server = await orExit(() => startServer(config, logger));
const link = async (grant: Grant) => `${server.url}${(await mintInvite(server.access, grant)).path}`;

/** The startup banner, with fresh invite links for every role when `withLinks`. */
async function banner(withLinks: boolean): Promise<string> {
  const head = `
Hybrid Stage is running.
  Watch:     ${server.url}/
  Health:    ${server.url}/health
  WebRTC:    UDP+TCP ports ${config.RTC_PORT}-${config.RTC_PORT + config.WORKERS - 1}, announced as ${config.ANNOUNCED_IP}
`;
  if (!withLinks) {
    return `${head}
Invite links are not printed into a log (the output is not a terminal): make them with
npm run invite -- <role> … on this machine, or set PRINT_INVITES=true. Press Ctrl+C to stop.
`;
  }
  const producerLink = await link({ role: 'producer' });
  const firstChannel = server.channels.list()[0]!;
  const captionerLink = await link({ role: 'captioner', channelId: firstChannel.id, languages: ['en'] });
  const studioLinks = await Promise.all(server.feeds.studios.map(async (s) => `  ${`${s.name}:`.padEnd(11)}${await link({ role: 'studio', studioId: s.id })}`));
  const firstStudio = server.feeds.studios[0]!;
  const guestLink = await link({ role: 'guest', studioId: firstStudio.id });
  const adminLink = await link({ role: 'admin' });
  const firstStand = (await server.exhibition.stands.list())[0];
  const exhibitorLink = firstStand && (await link({ role: 'exhibitor', standId: firstStand.id }));
  return `${head}
Invite links (valid 30 days, the guest's 48 hours; signed with the key in ${config.DATA_DIR}):
  Producer console:
    ${producerLink}
  Studios:
${studioLinks.join('\n')}
  A remote guest joining ${firstStudio.name} (camera from home, goes on air when the producer takes it):
    ${guestLink}
  English captions of ${firstChannel.name} (more desks: Invite in the console):
    ${captionerLink}
  Admin page (invite links for every role, registered viewers; the exhibition's admin view):
    ${adminLink}${exhibitorLink ? `\n  Exhibitor of ${firstStand!.exhibitor} (edit the stand, moderate comments):\n    ${exhibitorLink}` : ''}
More links: npm run invite -- <role> … (see the README). Press Ctrl+C to stop.
`;
}

// Links are admin and producer powers: into a terminal, yes; into a log that others read, only when asked.
console.log(await banner(config.PRINT_INVITES ?? process.stdout.isTTY === true));

/** A stop that takes longer than this (a stuck ffmpeg, a hung client) is cut short, within the usual 10 s of orchestrators. */
const STOP_DEADLINE_MS = 8000;

let stopping = false;
/** Drains and stops the server (clients told `reason`), then exits with `code`; at most once. */
function stop(reason: 'shutdown' | 'restart', code: number): void {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'stopping took too long; exiting anyway');
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  server.close(reason).then(
    () => process.exit(code),
    (err) => {
      logger.error({ err }, 'error while stopping');
      process.exit(1);
    },
  );
}

// SIGTERM is what a deploy or `docker restart` sends: clients are told the server is restarting.
for (const [signal, reason] of [['SIGINT', 'shutdown'], ['SIGTERM', 'restart']] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    stop(reason, 0);
  });
}

// A promise nobody awaited failed (a write on a full disk, a bug): Node would exit at once, cutting
// recordings and clients off. The state is unknown, so the server still stops, but by draining:
// recordings are finished, clients told to reconnect (to the restarted server), and the exit code
// says it failed, for the supervisor to restart it.
process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled promise rejection: draining and stopping');
  stop('restart', 1);
});

// Another origin took the lease (this one was stalled past it): two origins must never run one
// event, so this one drains and stops; its supervisor starts it again, as the standby.
server.originLease?.onLost((holder) => {
  logger.fatal({ holder }, 'another node is the active origin now: stopping');
  stop('restart', 1);
});
