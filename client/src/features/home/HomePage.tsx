import { Link } from 'react-router';
import type { ChannelKind } from '@hybrid-stage/shared';
import { useEventInfo, useGrant } from '../../signaling/SignalingContext';

const KIND_TITLES: Record<ChannelKind, string> = { main: 'Main broadcast', regional: 'Regional streams', breakout: 'Breakouts' };

/** The event's channels to watch, and for studios and producers the way to their desks. */
export function HomePage() {
  const event = useEventInfo();
  const grant = useGrant();
  if (!event) return <p>Loading the event…</p>;
  const feedLabel = (id: string | null) => event.feeds.find((f) => f.id === id)?.label;
  const studios = event.studios.filter((s) => grant.role === 'producer' || grant.role === 'admin' || s.id === grant.studioId);
  return (
    <section>
      <h1>{event.name}</h1>
      {(grant.role === 'producer' || grant.role === 'admin') && (
        <p>
          <Link to="/console" className="button">
            Open the producer console
          </Link>
        </p>
      )}
      {(['main', 'regional', 'breakout'] as const).map((kind) => {
        const channels = event.channels.filter((c) => c.kind === kind);
        if (channels.length === 0) return null;
        return (
          <div key={kind}>
            <h2>{KIND_TITLES[kind]}</h2>
            <div className="cards">
              {channels.map((channel) => (
                <Link key={channel.id} to={`/channel/${channel.id}`} className="card channel-card" data-channel={channel.id}>
                  <strong>▶ {channel.name}</strong>
                  <span className="muted">{channel.program ? `On air: ${feedLabel(channel.program) ?? '…'}` : 'Off air'}</span>
                </Link>
              ))}
            </div>
          </div>
        );
      })}
      {event.reruns.some((r) => r.status === 'scheduled' || r.status === 'playing') && (
        <>
          <h2>Re-runs for other time zones</h2>
          <ul className="rerun-list">
            {event.reruns
              .filter((r) => r.status === 'scheduled' || r.status === 'playing')
              .map((r) => (
                <li key={r.id}>
                  <Link to={`/channel/${r.channelId}`}>{event.sessions.find((s) => s.id === r.sessionId)?.title ?? 'Session'}</Link>{' '}
                  <span className="muted">
                    · {r.region} · {event.channels.find((c) => c.id === r.channelId)?.name} ·{' '}
                    {r.status === 'playing' ? 'on now' : new Date(r.startsAt).toLocaleString()}
                  </span>
                </li>
              ))}
          </ul>
        </>
      )}
      <p>
        <Link to="/cinema" className="button secondary">
          Cinema: short films with captions
        </Link>
      </p>
      {studios.length > 0 && grant.role !== 'viewer' && (
        <>
          <h2>Studios</h2>
          <div className="cards">
            {studios.map((studio) => (
              <article key={studio.id} className="card" data-studio={studio.id}>
                <strong>{studio.name}</strong>
                <span className="muted">{event.feeds.filter((f) => f.studioId === studio.id).length} live feeds</span>
                <Link to={`/studio/${studio.id}`} className="button secondary">
                  Publish from this browser
                </Link>
              </article>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
