import { useEffect, useMemo, useRef, useState } from 'react';
import { may } from '@hybrid-stage/shared/permissions';
import { useParams } from 'react-router';
import { Player } from '../../player/Player';
import { useWatch } from '../../player/useWatch';
import { useGrant, useSignaling } from '../../signaling/SignalingContext';
import { useEvent } from '../../signaling/useEvent';
import { requestErrorText } from '../../signaling/requestError';
import { NoAnswerError, RequestError } from '../../signaling/SignalingClient';
import { useFormat } from '../../i18n/useFormat';
import { useTranslation } from 'react-i18next';
import { NotFoundPage } from '../notFound/NotFoundPage';
import { IngestPanel } from './IngestPanel';
import { useCaptureDevices } from './useCaptureDevices';
import { usePublisher } from './usePublisher';

/** The browser's capture refusals (getUserMedia, getDisplayMedia) by their DOMException name. */
const CAPTURE_ERRORS: Record<string, 'denied' | 'missing' | 'busy'> = {
  NotAllowedError: 'denied',
  SecurityError: 'denied',
  NotFoundError: 'missing',
  OverconstrainedError: 'missing',
  NotReadableError: 'busy',
  AbortError: 'busy',
};
type SourceKind = 'camera' | 'screen';

/**
 * A studio's desk (and a remote guest's): publish a camera and microphone or a screen as a feed,
 * with a preview, the outgoing bitrate and the tally; watch a channel's program as the return feed;
 * for studio operators, the RTP/SRT ingest endpoints of external encoders.
 */
export function StudioPage() {
  const { studioId = '' } = useParams();
  const { t } = useTranslation('production');
  const { t: tCommon } = useTranslation('common');
  const format = useFormat();
  const signaling = useSignaling();
  /** Why going live failed: the server's refusal, or the browser's capture refusal, in the UI language. */
  const publishErrorText = (error: unknown) => {
    if (error instanceof RequestError || error instanceof NoAnswerError) return requestErrorText(tCommon, error);
    const name = error instanceof DOMException ? CAPTURE_ERRORS[error.name] : undefined;
    return t(`studio.captureError.${name ?? 'other'}`);
  };
  const grant = useGrant();
  const event = useEvent();
  const preview = useRef<HTMLVideoElement>(null);
  // The publish/retry state machine lives in the Publisher; the page renders its state.
  const { publisher, state } = usePublisher(signaling);
  const [label, setLabel] = useState(() => (grant.role === 'guest' ? t('studio.defaultGuest') : t('studio.defaultCamera')));
  const [source, setSource] = useState<SourceKind>('camera');
  const devices = useCaptureDevices();
  const [cameraId, setCameraId] = useState('');
  const [microphoneId, setMicrophoneId] = useState('');
  const [returnChannel, setReturnChannel] = useState('main');
  const [returnMuted, setReturnMuted] = useState(true);
  const [kbps, setKbps] = useState<number>();
  const studio = event?.studios.find((s) => s.id === studioId);
  const liveFeedId = state.kind === 'live' ? state.feedId : undefined;
  const onAir = event?.channels.filter((c) => liveFeedId && c.program === liveFeedId) ?? [];
  const inPreview = event?.channels.filter((c) => liveFeedId && (c.preview === liveFeedId || c.pending === liveFeedId)) ?? [];
  const returnSource = useMemo(() => ({ kind: 'channel', id: returnChannel }) as const, [returnChannel]);
  const returnFeed = useWatch(returnSource);

  // Outgoing bitrate, from the send transport's statistics.
  useEffect(() => {
    if (!liveFeedId) return setKbps(undefined);
    let last: { bytes: number; at: number } | undefined;
    const timer = setInterval(async () => {
      const report = await publisher?.sendStats().catch(() => undefined);
      let bytes = 0;
      report?.forEach((s) => {
        if (s.type === 'outbound-rtp') bytes += (s as RTCOutboundRtpStreamStats).bytesSent ?? 0;
      });
      const now = performance.now();
      // Fewer bytes than before: a new session after a republish, counting from zero again.
      if (last && bytes >= last.bytes) setKbps(Math.round(((bytes - last.bytes) * 8) / (now - last.at)));
      last = { bytes, at: now };
    }, 1000);
    return () => clearInterval(timer);
  }, [liveFeedId, publisher]);

  const capture = async (): Promise<MediaStream> => {
    if (source === 'screen') return navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 30 }, audio: true });
    return navigator.mediaDevices.getUserMedia({
      video: { width: 1280, height: 720, ...(cameraId ? { deviceId: { exact: cameraId } } : {}) },
      audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
    });
  };

  const goLive = () =>
    void publisher?.goLive({
      studioId,
      label,
      capture,
      onCaptured: (stream) => {
        preview.current!.srcObject = stream;
        devices.refresh();
      },
    });

  if (event && !studio) return <NotFoundPage />;
  return (
    <section className="studio">
      <h1>{studio ? t(grant.role === 'guest' ? 'studio.guestIn' : 'studio.studioIn', { studio: studio.name }) : t('studio.title')}</h1>
      {liveFeedId && (
        <p className={`tally ${onAir.length ? 'tally-program' : inPreview.length ? 'tally-preview' : 'tally-none'}`} data-testid="tally">
          {onAir.length > 0
            ? t('studio.onAir', { channels: format.list(onAir.map((c) => c.name)) })
            : inPreview.length > 0
              ? t('studio.inPreview', { channels: format.list(inPreview.map((c) => c.name)) })
              : t('studio.notOnAir')}
        </p>
      )}
      <div className="studio-monitors">
        <figure className="monitor">
          <figcaption>{t('studio.you')}</figcaption>
          <div className="player">
            <video ref={preview} autoPlay playsInline muted data-testid="preview" />
          </div>
        </figure>
        <figure className="monitor">
          <figcaption>
            {t('studio.returnFeed')} ·{' '}
            <select aria-label={t('studio.returnFeedChannel')} value={returnChannel} onChange={(e) => setReturnChannel(e.target.value)}>
              {event?.channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>{' '}
            <button type="button" onClick={() => setReturnMuted((m) => !m)}>
              {returnMuted ? t('common:player.unmute') : t('common:player.mute')}
            </button>
          </figcaption>
          <Player state={returnFeed} muted={returnMuted} testId="return-feed" endedText={t('console.offAir')} />
        </figure>
      </div>
      <div className="player-controls">
        <label>
          {t('studio.source')}{' '}
          <select value={source} onChange={(e) => setSource(e.target.value as SourceKind)} disabled={state.kind !== 'idle'}>
            <option value="camera">{t('studio.cameraAndMicrophone')}</option>
            <option value="screen">{t('studio.screen')}</option>
          </select>
        </label>
        {source === 'camera' && (
          <>
            <label>
              {t('studio.camera')}{' '}
              <select value={cameraId} onChange={(e) => setCameraId(e.target.value)} disabled={state.kind !== 'idle'}>
                <option value="">{t('studio.default')}</option>
                {devices.cameras.map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label || t('studio.cameraN', { n: i + 1 })}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('studio.microphone')}{' '}
              <select value={microphoneId} onChange={(e) => setMicrophoneId(e.target.value)} disabled={state.kind !== 'idle'}>
                <option value="">{t('studio.default')}</option>
                {devices.microphones.map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {d.label || t('studio.microphoneN', { n: i + 1 })}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label>
          {t('studio.feedName')}{' '}
          <input value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} disabled={state.kind !== 'idle'} />
        </label>
        {state.kind === 'live' ? (
          <button type="button" onClick={() => publisher?.end()}>
            {t('studio.endFeed')}
          </button>
        ) : (
          <button type="button" onClick={goLive} disabled={state.kind === 'starting' || !studio || !publisher}>
            {t('studio.goLive')}
          </button>
        )}
        <span role="status" data-testid="publish-state">
          {state.kind === 'starting' && t('studio.starting')}
          {state.kind === 'live' && (kbps === undefined ? t('studio.publishing') : t('studio.publishingAt', { kbps }))}
          {state.kind === 'error' && t('studio.cannotPublish', { message: publishErrorText(state.error) })}
        </span>
      </div>
      {may(grant, 'ingest:create') && studio && <IngestPanel studioId={studio.id} />}
    </section>
  );
}
