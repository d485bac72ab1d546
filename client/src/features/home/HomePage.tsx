import { Link } from 'react-router';
import { useEventInfo } from '../../signaling/SignalingContext';

/** The event, its studios and every live feed with a link to watch it. */
export function HomePage() {
  const event = useEventInfo();
  if (!event) return <p>Loading the event…</p>;
  return (
    <section>
      <h1>{event.name}</h1>
      <div className="studios">
        {event.studios.map((studio) => {
          const feeds = event.feeds.filter((f) => f.studioId === studio.id);
          return (
            <article key={studio.id} className="studio-card" data-studio={studio.id}>
              <h2>{studio.name}</h2>
              <ul className="feed-list">
                {feeds.length === 0 && <li className="muted">No live feeds</li>}
                {feeds.map((feed) => (
                  <li key={feed.id}>
                    <Link to={`/watch/${feed.id}`} className="feed-link">
                      ▶ {feed.label}
                    </Link>{' '}
                    <span className="muted">{feed.kinds.join(' + ')}</span>
                  </li>
                ))}
              </ul>
              <Link to={`/studio/${studio.id}`} className="button secondary">
                Publish from this browser
              </Link>
            </article>
          );
        })}
      </div>
    </section>
  );
}
