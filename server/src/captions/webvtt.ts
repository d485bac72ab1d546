/** WebVTT (https://www.w3.org/TR/webvtt1/): writing a session's captions, reading uploaded files. */
import webvtt, { type VttNode } from 'webvtt-parser';
import htmlEntities from 'webvtt-parser/html-entities.json' with { type: 'json' };
import { z } from 'zod';
import { FileCue, MAX_VTT_CUES } from '@hybrid-stage/shared';
import { AppError } from '../errors';

/** A cue with times relative to the start of its file. */
export interface VttCue {
  startMs: number;
  endMs: number;
  text: string;
}

/** hh:mm:ss.ttt */
function timestamp(ms: number): string {
  const clamped = Math.max(0, Math.round(ms));
  const h = Math.floor(clamped / 3_600_000);
  const m = Math.floor(clamped / 60_000) % 60;
  const s = Math.floor(clamped / 1000) % 60;
  const t = clamped % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(t).padStart(3, '0')}`;
}

/** Cue text as WebVTT cue payload: &, < and > escaped (so "-->" cannot end up in it), no blank lines. */
export function escapeCueText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** A WebVTT file of `cues`, in time order, with the language in the header. */
export function writeWebVtt(cues: VttCue[], language: string): string {
  const blocks = [...cues]
    .sort((a, b) => a.startMs - b.startMs)
    .map((cue, i) => `${i + 1}\n${timestamp(cue.startMs)} --> ${timestamp(cue.endMs)}\n${escapeCueText(cue.text)}`);
  return `WEBVTT - ${language}\n\n${blocks.join('\n\n')}\n`;
}

/** Largest caption file accepted, in bytes. */
export const MAX_VTT_BYTES = 1_000_000;

function plainText(node: VttNode): string {
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(plainText).join('');
}

/**
 * Reads a WebVTT file strictly: any error the spec's parser reports refuses the file with its
 * line number. Markup (<b>, <v Speaker>) is dropped; entities are decoded. Every cue meets the
 * limits of a desk's or a provider's (FileCue: text of at most 500 characters, at most 30 s), and a
 * file holds at most MAX_VTT_CUES; the first cue that does not is named in the refusal.
 */
export function parseWebVtt(source: string): VttCue[] {
  if (source.length > MAX_VTT_BYTES) throw new AppError('INVALID_REQUEST', 'caption file too large');
  const tree = new webvtt.WebVTTParser(htmlEntities).parse(source, 'subtitles');
  if (tree.errors.length > 0) {
    const first = tree.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`);
    throw new AppError('INVALID_REQUEST', `not valid WebVTT: ${first.join('; ')}`);
  }
  if (tree.cues.length > MAX_VTT_CUES) throw new AppError('INVALID_REQUEST', `a caption file holds at most ${MAX_VTT_CUES} cues, not ${tree.cues.length}`);
  return tree.cues.map((cue, i) => {
    const parsed = FileCue.safeParse({ startMs: Math.round(cue.startTime * 1000), endMs: Math.round(cue.endTime * 1000), text: plainText(cue.tree) });
    if (!parsed.success) throw new AppError('INVALID_REQUEST', `cue ${i + 1} (at ${timestamp(cue.startTime * 1000)}): ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}
