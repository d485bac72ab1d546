import { useCallback, useEffect, useState } from 'react';
import type { IngestInfo, IngestProtocol } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';
import { useRequestError } from '../../signaling/requestError';
import { useTranslation } from 'react-i18next';

/** A studio's RTP and SRT endpoints for external encoders, with the exact settings to use. */
export function IngestPanel({ studioId }: { studioId: string }) {
  const { t } = useTranslation('production');
  const signaling = useSignaling();
  const [ingests, setIngests] = useState<IngestInfo[]>([]);
  const [label, setLabel] = useState(() => t('ingest.defaultName'));
  // An RTP encoder declares the address it sends from; the server drops packets from any other.
  const [sourceIp, setSourceIp] = useState('');
  const { error, run } = useRequestError();

  const load = useCallback(() => {
    run(signaling.request('ingest:list', { studioId }).then(setIngests));
  }, [run, signaling, studioId]);
  useEffect(load, [load]);

  const create = (protocol: IngestProtocol) => {
    const source = protocol === 'rtp' ? { source: { ip: sourceIp.trim() } } : {};
    run(signaling.request('ingest:create', { studioId, label, protocol, ...source }).then(load));
  };
  const close = (ingestId: string) => {
    run(signaling.request('ingest:close', { ingestId }).then(load));
  };

  return (
    <section className="ingests">
      <h2>{t('ingest.title')}</h2>
      <div className="player-controls">
        <label>
          {t('ingest.name')} <input value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="button" onClick={() => create('srt')}>
          {t('ingest.newSrt')}
        </button>
        <label>
          {t('ingest.encoderAddress')} <input value={sourceIp} maxLength={45} placeholder="192.0.2.10" onChange={(e) => setSourceIp(e.target.value)} />
        </label>
        <button type="button" onClick={() => create('rtp')} disabled={!sourceIp.trim()}>
          {t('ingest.newRtp')}
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {ingests.map((ingest) => (
        <article key={ingest.id} className="card ingest" data-ingest={ingest.label}>
          <strong>
            {ingest.label} · {ingest.protocol.toUpperCase()}
          </strong>
          {ingest.url && (
            <p>
              {t('ingest.sendTo')} <code>{ingest.url}</code>
            </p>
          )}
          {ingest.srt && <p>{t('ingest.srtSecret', { ...ingest.srt })}</p>}
          {ingest.obs && (
            <p className="muted">
              OBS: {ingest.obs.notes}
            </p>
          )}
          {ingest.rtp && (
            <p className="muted">
              {t('ingest.rtpVideo', { ...ingest.rtp.video })} {t('ingest.rtpAudio', { ...ingest.rtp.audio })}
            </p>
          )}
          {ingest.source && <p>{t('ingest.rtpSource', { ...ingest.source })}</p>}
          <p>{t('ingest.ffmpeg')}</p>
          <pre className="command">{ingest.ffmpegCommand}</pre>
          <button type="button" onClick={() => close(ingest.id)}>
            {t('ingest.close')}
          </button>
        </article>
      ))}
    </section>
  );
}
