import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import type { Logger } from '../../logger';

/** A phrase heard in the program: its words, and the wall-clock moment it ended. */
export interface Phrase {
  text: string;
  endMs: number;
  words: number;
}

/** What an engine listens to: a channel's program, and where its private files go. */
export interface ListenOptions {
  /** The router the program's producers live on. */
  router: types.Router;
  /** The program's producers (a channel's `ProgramBus.producers`); the engine takes the audio. */
  producers: Readonly<Record<MediaKind, types.Producer>>;
  /** Where the SDP an ffmpeg reads the program with is written. */
  sdpFile: string;
  logger: Logger;
  onPhrase: (phrase: Phrase) => void;
}

/** An engine listening to one program, until it ends by itself (`ended`) or is closed. */
export interface Listening {
  readonly ended: boolean;
  close(): void;
}

/**
 * A speech recognizer, behind which engines plug in: the program's audio in, English phrases out.
 * The one built in is Debian's pocketsphinx through ffmpeg's `asr` filter (PocketsphinxEngine). A
 * stronger engine, such as an HTTP service, implements `listen` by taking the program the same way
 * (ProgramToFfmpeg, ffmpeg writing PCM) and posting the audio to it.
 */
export interface SpeechEngine {
  /** What it is, as its drafts' author ("pocketsphinx"). */
  readonly name: string;
  listen(options: ListenOptions): Promise<Listening>;
}
