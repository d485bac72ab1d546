import { useEffect, useMemo, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Language } from '@hybrid-stage/shared';
import { Player } from '../../player/Player';
import { HlsPlayer, type HlsStatus } from '../../player/HlsPlayer';
import { useVideoStats } from '../../player/useVideoStats';
import { useWatch } from '../../player/useWatch';
import { useMediaSession } from '../../player/useMediaSession';
import { useBackOnAir } from '../../player/useBackOnAir';
import { usePictureFirst } from '../../player/usePictureFirst';
import { useEvent } from '../../signaling/useEvent';
import { CaptionOverlay, type CaptionSize } from '../captions/CaptionOverlay';
import { useCaptionTrack } from '../captions/useCaptionTrack';
import { useStoredState } from '../../player/useStoredState';
import { nowAndNext } from '../agenda/schedule';
import { useSlots } from '../agenda/useSlots';
import { useNow } from '../agenda/useNow';
import { useFormat } from '../../i18n/useFormat';
import { ChannelList } from './ChannelList';
import { ViewerControls } from './ViewerControls';
import { StatsPanel } from './StatsPanel';
import { OnAirBadge } from './OnAirBadge';
import { PathBadge, type PlaybackPath } from './PathBadge';
import { NotFoundPage } from '../notFound/NotFoundPage';

/** WebRTC whose media has not connected this long after the join gives way to HLS. */
const FALLBACK_MS = 6000;

/**
 * The watch page: a channel's program with captions, what is on now and next, controls and
 * statistics, and the list of channels to switch to (without reloading). Recovers by itself. The
 * picture comes first: what surrounds it is drawn once it shows (see usePictureFirst).
 */
export function ChannelPage() {
  const { channelId = '' } = useParams();
  const { t } = useTranslation('viewer');
  const format = useFormat();
  const event = useEvent();
  const now = useNow();
  const channel = event?.channels.find((c) => c.id === channelId);
  // Once the event is known, a channel it does not have is a page that does not exist: nothing to join.
  const unknown = !!event && !channel;
  const source = useMemo(() => (unknown ? undefined : ({ kind: 'channel', id: channelId } as const)), [channelId, unknown]);
  // WebRTC first; HLS when the viewer chooses it, when WebRTC shows no picture within
  // FALLBACK_MS, or when the server says WebRTC is full. Once fallen back, the page stays on HLS.
  const [pathChoice, setPathChoice] = useStoredState<PlaybackPath>('player.path', 'webrtc');
  const [fellBack, setFellBack] = useState<'noConnection' | 'full' | undefined>();
  const path: PlaybackPath = pathChoice === 'hls' || fellBack ? 'hls' : 'webrtc';
  const [hlsStatus, setHlsStatus] = useState<HlsStatus>({ playing: false });
  // Join again when the channel comes back on air; a cut between feeds keeps the same consumers.
  const state = useWatch(path === 'webrtc' ? source : undefined, useBackOnAir(channel?.program));
  const session = useMediaSession();
  const stats = useVideoStats(state.kind === 'playing' ? state.watch : undefined);
  const [muted, setMuted] = useState(true);
  const [volume, setVolume] = useStoredState<string>('player.volume', '1');
  const [captionLanguage, setCaptionLanguage] = useStoredState<Language | ''>('captions.language', '');
  const [captionSize, setCaptionSize] = useStoredState<CaptionSize>('captions.size', 'medium');
  // Over HLS the captions come with the stream, timed to its picture.
  const cues = useCaptionTrack(channelId, path === 'webrtc' ? captionLanguage || undefined : undefined);
  const stage = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const slots = useSlots(event);
  const { now: current, next } = nowAndNext(slots, channelId, now);
  const onAir = event?.feeds.find((f) => f.id === channel?.program);
  const surroundings = usePictureFirst(state, video) || (path === 'hls' && hlsStatus.playing);
  const onAirNow = !!channel?.program;

  // Joined, but no media connection and no picture a few seconds later (UDP and TCP to the media
  // ports blocked, a proxy): HLS over HTTP. Armed once per join, not per state change (health
  // notices must not keep putting it off); a connected transport on a slow machine is waited for.
  const joined = state.kind === 'playing';
  useEffect(() => {
    if (path !== 'webrtc' || !onAirNow || !joined) return;
    const timer = setTimeout(() => {
      const v = video.current;
      const picture = !!v && v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && v.videoWidth > 0;
      if (!picture && !session?.receiveConnected) setFellBack('noConnection');
    }, FALLBACK_MS);
    return () => clearTimeout(timer);
  }, [path, onAirNow, joined, channelId, session]);
  useEffect(() => {
    if (path === 'webrtc' && state.kind === 'error' && state.failure === 'full') setFellBack('full');
  }, [path, state]);

  useEffect(() => {
    if (!unknown) document.title = channel ? `${channel.name} · Hybrid Stage` : 'Hybrid Stage';
  }, [channel, unknown]);

  if (unknown) return <NotFoundPage />;
  return (
    <div className="watch-layout">
      <section className="watch" aria-labelledby="watch-title">
        <div className="watch-heading">
          <h1 id="watch-title">{channel?.name ?? t('watch.channel')}</h1>
          {channel && (
            // The re-run scheduler marks a channel playing a recording (`programSource`); the agenda knows re-run slots too.
            <OnAirBadge onAir={!!channel.program} reRun={channel.programSource === 'recording' || !!current?.reRun} />
          )}
          {onAir && <span className="muted">{t('watch.onAirFrom', { feed: onAir.label })}</span>}
          <PathBadge path={path} behindMs={hlsStatus.behindMs} />
        </div>
        {fellBack && (
          <p className="muted" role="status" data-testid="fallback-note">
            {t(fellBack === 'full' ? 'path.full' : 'path.noConnection')}
          </p>
        )}
        <div className="stage" ref={stage}>
          {path === 'hls' ? (
            <HlsPlayer
              source={`/api/hls/${encodeURIComponent(channelId)}`}
              muted={muted}
              volume={Number(volume)}
              captionLanguage={captionLanguage}
              captionSize={captionSize}
              onStatus={setHlsStatus}
              testId="player"
              videoRef={video}
            />
          ) : (
            <Player state={state} muted={muted} volume={Number(volume)} testId="player" videoRef={video} endedText={t('watch.offAir')}>
              {captionLanguage && <CaptionOverlay cues={cues} language={captionLanguage} size={captionSize} />}
            </Player>
          )}
        </div>
        {surroundings && (
          <>
            <ViewerControls
              muted={muted}
              onMuted={setMuted}
              volume={Number(volume)}
              onVolume={(v) => setVolume(String(v))}
              stage={stage}
              video={video}
              captionLanguage={captionLanguage}
              onCaptionLanguage={setCaptionLanguage}
              captionSize={captionSize}
              onCaptionSize={setCaptionSize}
              path={path}
              onPath={(chosen) => {
                setPathChoice(chosen);
                if (chosen === 'webrtc') setFellBack(undefined);
              }}
            />
            <div className="now-next">
              <div className="now-next-item" data-testid="now-playing">
                <span className="label">{t('watch.now')}</span>
                {current ? (
                  <>
                    <strong>{current.session.title}</strong>
                    <span className="muted">
                      {format.timeRange(current.startMs, current.endMs)}
                      {current.session.speakers.length > 0 && ` · ${current.session.speakers.join(', ')}`}
                      {current.reRun && ` · ${t('agenda.reRunFor', { region: current.reRun.region })}`}
                    </span>
                  </>
                ) : (
                  <span className="muted">{t('watch.nothingScheduled')}</span>
                )}
              </div>
              {next && (
                <div className="now-next-item">
                  <span className="label">{t('watch.next')}</span>
                  <strong>{next.session.title}</strong>
                  <span className="muted">{format.time(next.startMs)}</span>
                </div>
              )}
            </div>
            <StatsPanel stats={stats} />
          </>
        )}
      </section>
      {surroundings && event && <ChannelList channels={event.channels} slots={slots} now={now} current={channelId} />}
    </div>
  );
}
