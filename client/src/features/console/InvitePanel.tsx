import { useState } from 'react';
import type { StudioInfo } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';

/** Makes invite links for remote guests and studio operators. */
export function InvitePanel({ studios }: { studios: StudioInfo[] }) {
  const signaling = useSignaling();
  const [studioId, setStudioId] = useState(studios[0]?.id ?? '');
  const [role, setRole] = useState<'guest' | 'studio'>('guest');
  const [link, setLink] = useState<{ url: string; expiresAt: string }>();
  const [error, setError] = useState<string>();

  const create = () => {
    setError(undefined);
    signaling.request('invite:create', { role, studioId }).then(
      ({ path, expiresAt }) => setLink({ url: `${window.location.origin}${path}`, expiresAt }),
      (e: Error) => setError(e.message),
    );
  };

  return (
    <section className="invites">
      <h2>Invite</h2>
      <div className="player-controls">
        <select aria-label="Invite role" value={role} onChange={(e) => setRole(e.target.value as 'guest' | 'studio')}>
          <option value="guest">a remote guest</option>
          <option value="studio">a studio operator</option>
        </select>
        into
        <select aria-label="Invite studio" value={studioId} onChange={(e) => setStudioId(e.target.value)}>
          {studios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={create}>
          Make link
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {link && (
        <p>
          <input readOnly value={link.url} aria-label="Invite link" className="invite-link" onFocus={(e) => e.target.select()} />{' '}
          <span className="muted">valid until {new Date(link.expiresAt).toLocaleString()}</span>
        </p>
      )}
    </section>
  );
}
