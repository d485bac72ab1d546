// Startup wiring: configuration, the server, and a clean stop on SIGINT/SIGTERM.
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './server';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config.LOG_LEVEL);
const server = await startServer(config, logger);
console.log(`
Hybrid Stage is running.
  Open:      ${server.url}/
  Health:    ${server.url}/health
  WebRTC:    UDP+TCP ports ${config.RTC_PORT}-${config.RTC_PORT + config.WORKERS - 1}, announced as ${config.ANNOUNCED_IP}
Press Ctrl+C to stop.
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  });
}
