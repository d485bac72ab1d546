import { useEffect, useMemo, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { NotFoundPage } from '../notFound/NotFoundPage';
import { LANGUAGES } from '@hybrid-stage/shared/vocabulary';
import { Player } from '../../player/Player';
import { useWatch } from '../../player/useWatch';
import { useBackOnAir } from '../../player/useBackOnAir';
import { useEvent } from '../../signaling/useEvent';
import { CaptionOverlay, type CaptionSize } from '../captions/CaptionOverlay';
import { useCaptionTrack } from '../captions/useCaptionTrack';
import { useSlots } from '../agenda/useSlots';
import { useNow } from '../agenda/useNow';
import { useFormat } from '../../i18n/useFormat';
import { isUiLanguage } from '../../i18n';

/** How many upcoming sessions the strip shows. */
const NEXT_UP = 3;

/**
 * A venue screen: `/kiosk/<channel>?captions=ja&size=large&lang=ja`. The channel's program fills
 * the screen with captions in one language and a "next up" strip; no controls. It never gives up:
 * lost connections, server restarts and failed joins are retried for as long as it runs.
 */
export function KioskPage() {
  const { channelId = 'main' } = useParams();
  const [query] = useSearchParams();
  const { t, i18n } = useTranslation('viewer');
  const format = useFormat();
  const event = useEvent();
  const now = useNow(10_000);
  const captions = query.get('captions');
  const captionLanguage = LANGUAGES.find((l) => l === captions);
  const size = (['small', 'medium', 'large'] as const).find((s) => s === query.get('size')) ?? ('large' satisfies CaptionSize);
  const uiLanguage = query.get('lang');
  const channel = event?.channels.find((c) => c.id === channelId);
  const unknown = !!event && !channel;
  const source = useMemo(() => (unknown ? undefined : ({ kind: 'channel', id: channelId } as const)), [channelId, unknown]);
  const state = useWatch(source, useBackOnAir(channel?.program));
  const cues = useCaptionTrack(channelId, captionLanguage);
  const video = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(query.get('sound') === 'off');

  // The screen's UI language for this page only; the viewer's own choice stays as it was.
  useEffect(() => {
    if (isUiLanguage(uiLanguage) && i18n.language !== uiLanguage) void i18n.changeLanguage(uiLanguage);
  }, [uiLanguage, i18n]);

  // Sound if the browser allows it without a click (kiosk browsers do); otherwise the picture plays muted.
  const playing = state.kind === 'playing' ? state.watch : undefined;
  useEffect(() => {
    if (!playing || muted) return;
    video.current?.play().catch(() => setMuted(true));
  }, [playing, muted]);

  const slots = useSlots(event);
  const upcoming = slots.filter((s) => s.channelId === channelId && s.endMs > now).slice(0, NEXT_UP);

  if (unknown) return <NotFoundPage />;
  return (
    <div className="kiosk" data-testid="kiosk">
      <Player state={state} muted={muted} testId="player" videoRef={video} endedText={t('watch.offAir')}>
        {captionLanguage && <CaptionOverlay cues={cues} language={captionLanguage} size={size} />}
      </Player>
      <aside className="kiosk-strip" aria-label={t('kiosk.nextUp')}>
        <span className="kiosk-channel">{channel?.name}</span>
        <ol>
          {upcoming.map((slot) => (
            <li key={`${slot.session.id}-${slot.reRun?.id ?? ''}`} className={slot.startMs <= now ? 'on-now' : undefined}>
              <span className="label">{slot.startMs <= now ? t('watch.now') : format.time(slot.startMs)}</span>
              <span>{slot.session.title}</span>
            </li>
          ))}
        </ol>
      </aside>
    </div>
  );
}
