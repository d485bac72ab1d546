import type { RecordingRegistry } from '../recording/RecordingRegistry';
import type { ReRunScheduler } from '../reruns/ReRunScheduler';
import type { Handlers } from './handlers';

/** The console's recording controls and re-run schedule (producers only; see permissions.ts). */
export function recordingHandlers(
  recordings: RecordingRegistry,
  reruns: ReRunScheduler,
): Handlers<'recording:start' | 'recording:stop' | 'recording:list' | 'recording:delete' | 'rerun:create' | 'rerun:plan' | 'rerun:update' | 'rerun:delete'> {
  return {
    'recording:start': async ({ channelId }) => recordings.start(channelId),
    'recording:stop': async ({ channelId }) => recordings.stop(channelId),
    'recording:list': async () => recordings.list(),
    'recording:delete': async ({ recordingId }) => {
      await reruns.deleteRecording(recordingId);
      return {};
    },
    'rerun:create': async (request) => reruns.create(request),
    'rerun:plan': async (request) => reruns.plan(request),
    'rerun:update': async ({ rerunId, ...changes }) => reruns.update(rerunId, changes),
    'rerun:delete': async ({ rerunId }) => {
      await reruns.delete(rerunId);
      return {};
    },
  };
}
