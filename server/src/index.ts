export { loadConfig, type Config } from './config';
export { startServer, type RunningServer } from './server';
export type { Services } from './services';
export { mintTurnCredential } from './media/TurnCredentials';
