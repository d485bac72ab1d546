import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useParams } from 'react-router';
import { LANGUAGE_NAMES, LANGUAGES, RTL_LANGUAGES } from '@hybrid-stage/shared/vocabulary';
import type { Cue, Language } from '@hybrid-stage/shared';
import { mayCaption } from '@hybrid-stage/shared/permissions';
import { Player } from '../../player/Player';
import { useWatch } from '../../player/useWatch';
import { useGrant, useSignaling } from '../../signaling/SignalingContext';
import { useEvent } from '../../signaling/useEvent';
import { useRequestError } from '../../signaling/requestError';
import { useTranslation } from 'react-i18next';
import { NotFoundPage } from '../notFound/NotFoundPage';
import { useCaptionTrack } from './useCaptionTrack';

/** How long a cue stays up: a second plus reading time, at most seven seconds. */
function readingTimeMs(text: string): number {
  return Math.min(7000, 1000 + 60 * text.length);
}

/** The last cues a desk may still correct. */
const EDITABLE = 5;

/**
 * A captioner's or translator's desk for one channel and language: the program with low latency,
 * a line to type (Enter sends, Shift+Enter breaks the line), the last cues to correct, the English
 * source when translating, machine drafts to accept, and what the other languages are doing.
 */
export function DeskPage() {
  const { channelId = 'main', language: languageParam = 'en' } = useParams();
  const knownLanguage = (LANGUAGES as readonly string[]).includes(languageParam);
  const language = knownLanguage ? (languageParam as Language) : 'en';
  const { t } = useTranslation('production');
  const signaling = useSignaling();
  const grant = useGrant();
  const event = useEvent();
  const channel = event?.channels.find((c) => c.id === channelId);
  const program = useWatch(useMemo(() => ({ kind: 'channel', id: channelId }) as const, [channelId]));
  const [muted, setMuted] = useState(false);
  const [text, setText] = useState('');
  const startedAt = useRef<number | undefined>(undefined);
  const [editing, setEditing] = useState<{ id: string; text: string }>();
  const { error, run } = useRequestError();
  const [drafts, setDrafts] = useState<Cue[]>([]);
  const mine = useCaptionTrack(channelId, language);
  const english = useCaptionTrack(channelId, language === 'en' ? undefined : 'en');
  const rtl = RTL_LANGUAGES.has(language);
  const allowed = mayCaption(grant, channelId, language);

  // Machine drafts for this language, when translation runs in review mode.
  useEffect(() => {
    if (!allowed) return;
    const load = () => signaling.request('captions:drafts', { channelId, language }).then((r) => setDrafts(r.drafts), () => undefined);
    const onDraft = (cue: Cue) => {
      if (cue.channelId === channelId && cue.language === language) setDrafts((d) => [...d.filter((x) => x.id !== cue.id), cue]);
    };
    signaling.socket.on('captions:draft', onDraft);
    signaling.socket.on('connect', load);
    if (signaling.socket.connected) void load();
    return () => {
      signaling.socket.off('captions:draft', onDraft);
      signaling.socket.off('connect', load);
    };
  }, [signaling, channelId, language, allowed]);

  const send = () => {
    const line = text.trim();
    if (!line) return;
    const now = Date.now();
    const startMs = Math.min(startedAt.current ?? now, now);
    run(signaling.request('captions:commit', { channelId, language, text: line, startMs, endMs: Math.max(now + 1000, startMs + readingTimeMs(line)) }));
    setText('');
    startedAt.current = undefined;
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  };

  // A mistyped link is a page that does not exist, not a desk for another channel or language.
  if (!knownLanguage || (event && !channel)) return <NotFoundPage />;
  if (!allowed) return <p role="alert">{t('desk.needsLink', { channel: channelId, language: LANGUAGE_NAMES[language] })}</p>;

  return (
    <section className="desk">
      <h1>
        {t('desk.title', { channel: channel?.name ?? channelId, language: LANGUAGE_NAMES[language] })}
      </h1>
      <div className="desk-grid">
        <div>
          <Player state={program} muted={muted} testId="desk-program" />
          <button type="button" onClick={() => setMuted((m) => !m)}>
            {muted ? t('common:player.unmute') : t('common:player.mute')}
          </button>
        </div>
        {language !== 'en' && (
          <div className="desk-source" lang="en">
            <h2>{t('desk.englishSource')}</h2>
            <ol>
              {english.slice(-6).map((c) => (
                <li key={c.id}>{c.text}</li>
              ))}
            </ol>
          </div>
        )}
      </div>
      <label className="desk-input">
        {t('desk.input')}
        <textarea
          value={text}
          lang={language}
          dir={rtl ? 'rtl' : 'ltr'}
          rows={2}
          maxLength={500}
          onChange={(e) => {
            startedAt.current ??= Date.now();
            setText(e.target.value);
          }}
          onKeyDown={onKey}
          data-testid="desk-input"
        />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <h2>{t('desk.sent')}</h2>
      <ol className="desk-cues" lang={language} dir={rtl ? 'rtl' : 'ltr'} data-testid="desk-cues">
        {mine.slice(-EDITABLE).map((cue) =>
          editing?.id === cue.id ? (
            <li key={cue.id}>
              <input
                autoFocus
                value={editing.text}
                aria-label={t('desk.correction')}
                onChange={(e) => setEditing({ id: cue.id, text: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    run(signaling.request('captions:correct', { cueId: cue.id, text: editing.text }));
                    setEditing(undefined);
                  } else if (e.key === 'Escape') setEditing(undefined);
                }}
              />
            </li>
          ) : (
            <li key={cue.id}>
              <button type="button" className="cue-button" onClick={() => setEditing({ id: cue.id, text: cue.text })}>
                {cue.text}
              </button>{' '}
              <span className="muted">
                {t(`desk.source.${cue.source}`)}
                {cue.revision > 1 ? ` · ${t('desk.corrected', { revision: cue.revision })}` : ''}
              </span>
            </li>
          ),
        )}
      </ol>
      {drafts.length > 0 && (
        <>
          <h2>{t('desk.drafts')}</h2>
          <ol className="desk-drafts">
            {drafts.map((d) => (
              <li key={d.id}>
                {d.text}{' '}
                <button
                  type="button"
                  onClick={() => {
                    run(signaling.request('captions:accept', { cueId: d.id }));
                    setDrafts((all) => all.filter((x) => x.id !== d.id));
                  }}
                >
                  {t('desk.accept')}
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
      <OtherLanguages channelId={channelId} current={language} />
    </section>
  );
}

/** The latest cue of every other language, so a desk sees who is keeping up. */
function OtherLanguages({ channelId, current }: { channelId: string; current: Language }) {
  const { t } = useTranslation('production');
  return (
    <>
      <h2>{t('desk.otherLanguages')}</h2>
      <dl className="other-languages">
        {LANGUAGES.filter((l) => l !== current).map((l) => (
          <LatestCue key={l} channelId={channelId} language={l} />
        ))}
      </dl>
    </>
  );
}

function LatestCue({ channelId, language }: { channelId: string; language: Language }) {
  const last = useCaptionTrack(channelId, language).at(-1);
  return (
    <>
      <dt>{LANGUAGE_NAMES[language]}</dt>
      <dd lang={language} dir={RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr'}>
        {last ? last.text : <span className="muted">—</span>}
      </dd>
    </>
  );
}
