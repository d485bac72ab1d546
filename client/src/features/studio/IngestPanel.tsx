import { useCallback, useEffect, useState } from 'react';
import type { IngestInfo, IngestProtocol } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';

/** A studio's RTP and SRT endpoints for external encoders, with the exact settings to use. */
export function IngestPanel({ studioId }: { studioId: string }) {
  const signaling = useSignaling();
  const [ingests, setIngests] = useState<IngestInfo[]>([]);
  const [label, setLabel] = useState('Encoder 1');
  const [error, setError] = useState<string>();

  const load = useCallback(() => {
    signaling.request('ingest:list', { studioId }).then(setIngests, (e: Error) => setError(e.message));
  }, [signaling, studioId]);
  useEffect(load, [load]);

  const create = (protocol: IngestProtocol) => {
    setError(undefined);
    signaling.request('ingest:create', { studioId, label, protocol }).then(load, (e: Error) => setError(e.message));
  };
  const close = (ingestId: string) => {
    signaling.request('ingest:close', { ingestId }).then(load, (e: Error) => setError(e.message));
  };

  return (
    <section className="ingests">
      <h2>Encoders (RTP and SRT ingest)</h2>
      <div className="player-controls">
        <label>
          Encoder name <input value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="button" onClick={() => create('srt')}>
          New SRT endpoint (OBS, hardware encoders)
        </button>
        <button type="button" onClick={() => create('rtp')}>
          New RTP endpoint (ffmpeg, VP8/Opus)
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
              Send to <code>{ingest.url}</code>
            </p>
          )}
          {ingest.obs && (
            <p className="muted">
              OBS: {ingest.obs.notes}
            </p>
          )}
          {ingest.rtp && (
            <p className="muted">
              Video: VP8, payload type {ingest.rtp.video.payloadType}, SSRC {ingest.rtp.video.ssrc}, to {ingest.rtp.video.ip}:{ingest.rtp.video.port}
              (RTCP {ingest.rtp.video.rtcpPort}). Audio: Opus 48 kHz stereo, payload type {ingest.rtp.audio.payloadType}, SSRC{' '}
              {ingest.rtp.audio.ssrc}, to {ingest.rtp.audio.ip}:{ingest.rtp.audio.port} (RTCP {ingest.rtp.audio.rtcpPort}).
            </p>
          )}
          <p>ffmpeg (replace INPUT with your file or device):</p>
          <pre className="command">{ingest.ffmpegCommand}</pre>
          <button type="button" onClick={() => close(ingest.id)}>
            Close endpoint
          </button>
        </article>
      ))}
    </section>
  );
}
