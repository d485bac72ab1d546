import type { Language, RecordingInfo } from '@hybrid-stage/shared';
import type { CaptionPipeline } from '../captions/CaptionPipeline';

/** A caption cue of a recording, with times from the recording's start (ms into its file). */
export interface RecordingCue {
  id: string;
  language: Language;
  startMs: number;
  endMs: number;
  text: string;
}

/**
 * A recording's captions, corrections included, at their offsets from its start: as a re-run
 * replays them (ReRunPlayer), as its WebVTT files and its HLS subtitle tracks give them.
 */
export async function recordingCues(captions: CaptionPipeline, recording: Pick<RecordingInfo, 'channelId' | 'startedAtMs' | 'durationMs'>): Promise<RecordingCue[]> {
  const end = recording.startedAtMs + (recording.durationMs ?? Date.now() - recording.startedAtMs);
  return (await captions.recorded(recording.channelId, recording.startedAtMs, end)).map((c) => ({
    id: c.id,
    language: c.language,
    startMs: c.startMs - recording.startedAtMs,
    endMs: c.endMs - recording.startedAtMs,
    text: c.text,
  }));
}
