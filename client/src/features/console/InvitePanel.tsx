import { useState } from 'react';
import { LANGUAGE_NAMES, LANGUAGES } from '@hybrid-stage/shared/vocabulary';
import type { ChannelState, Language, RequestOf, StudioInfo } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';
import { useRequestError } from '../../signaling/requestError';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/useFormat';

type InviteRole = 'guest' | 'studio' | 'captioner';

/** Makes invite links for remote guests, studio operators and captioners. */
export function InvitePanel({ studios, channels }: { studios: StudioInfo[]; channels: ChannelState[] }) {
  const { t } = useTranslation('production');
  const format = useFormat();
  const signaling = useSignaling();
  const [role, setRole] = useState<InviteRole>('guest');
  const [studioId, setStudioId] = useState(studios[0]?.id ?? '');
  const [channelId, setChannelId] = useState(channels[0]?.id ?? '');
  const [language, setLanguage] = useState<Language>('en');
  const [link, setLink] = useState<{ url: string; expiresAt: string }>();
  const { error, run } = useRequestError();

  const create = () => {
    const request: RequestOf<'invite:create'> = role === 'captioner' ? { role, channelId, languages: [language] } : { role, studioId };
    run(signaling.request('invite:create', request).then(({ path, expiresAt }) => setLink({ url: `${window.location.origin}${path}`, expiresAt })));
  };

  return (
    <section className="invites">
      <h2>{t('invite.title')}</h2>
      <div className="player-controls">
        <select aria-label={t('invite.role')} value={role} onChange={(e) => setRole(e.target.value as InviteRole)}>
          <option value="guest">{t('invite.guest')}</option>
          <option value="studio">{t('invite.studio')}</option>
          <option value="captioner">{t('invite.captioner')}</option>
        </select>
        {role === 'captioner' ? (
          <>
            {t('invite.for')}
            <select aria-label={t('invite.channel')} value={channelId} onChange={(e) => setChannelId(e.target.value)}>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            {t('invite.in')}
            <select aria-label={t('invite.language')} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </>
        ) : (
          <>
            {t('invite.into')}
            <select aria-label={t('invite.studioLabel')} value={studioId} onChange={(e) => setStudioId(e.target.value)}>
              {studios.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </>
        )}
        <button type="button" onClick={create}>
          {t('invite.make')}
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {link && (
        <p>
          <input readOnly value={link.url} aria-label={t('invite.link')} className="invite-link" onFocus={(e) => e.target.select()} />{' '}
          <span className="muted">{t('invite.validUntil', { time: format.dateTime(link.expiresAt) })}</span>
        </p>
      )}
    </section>
  );
}
