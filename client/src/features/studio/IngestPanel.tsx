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
  const { error, run } = useRequestError();

  const load = useCallback(() => {
    run(signaling.request('ingest:list', { studioId }).then(setIngests));
  }, [run, signaling, studioId]);
  useEffect(load, [load]);

  const create = (protocol: IngestProtocol) => {
    run(signaling.request('ingest:create', { studioId, label, protocol }).then(load));
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
        <button type="button" onClick={() => create('rtp')}>
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
