import { useCallback, useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES, ROLES } from '@hybrid-stage/shared/vocabulary';
import type { Language, RegistrationInfo, RequestOf, Revocations, Role, StandInfo } from '@hybrid-stage/shared';
import { may } from '@hybrid-stage/shared/permissions';
import { useFormat } from '../../i18n/useFormat';
import { getBlob, getJson } from '../../http/api';
import { useGrant, useSignaling } from '../../signaling/SignalingContext';
import { useEvent } from '../../signaling/useEvent';
import { useRequestError } from '../../signaling/requestError';
import { exhibitionApi } from '../exhibition/exhibitionApi';

/** The lifetimes offered, in days. */
const DAYS = [1, 2, 7, 30, 90, 365] as const;

/** The administrator's page: invite links for every role and scope, and the registered viewers. */
export function AdminPage() {
  const { t } = useTranslation('access');
  const grant = useGrant();
  const signaling = useSignaling();
  // Until the server has said who this is, an admin is not told the page is not for them.
  if (!signaling.grantKnown) return <p role="status">{t('common:nav.loading')}</p>;
  if (!may(grant, 'registration:list')) {
    return (
      <p role="alert" className="error">
        {t('admin.needsAdmin')}
      </p>
    );
  }
  return <AdminSections />;
}

/** The page's sections; a revocation made in one (a link just made) shows in the list of the other. */
function AdminSections() {
  const { t } = useTranslation('access');
  const [revocations, setRevocations] = useState(0);
  const revoked = useCallback(() => setRevocations((n) => n + 1), []);
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      <p>
        <Link to="/exhibition?view=list" className="button secondary">
          {t('admin.exhibition')}
        </Link>
      </p>
      <InviteForm onRevoked={revoked} />
      <RevokedLinks revision={revocations} onRevoked={revoked} />
      <Registrations />
    </section>
  );
}

/** Chooses a role, its scope (from the server's studios, channels and stands) and expiry; mints the link, which it may revoke again. */
function InviteForm({ onRevoked }: { onRevoked: () => void }) {
  const { t } = useTranslation('access');
  const format = useFormat();
  const signaling = useSignaling();
  const event = useEvent();
  const [stands, setStands] = useState<StandInfo[]>([]);
  const [role, setRole] = useState<Role>('studio');
  const [studioId, setStudioId] = useState('');
  const [channelId, setChannelId] = useState('');
  const [languages, setLanguages] = useState<Language[]>(['en']);
  const [standId, setStandId] = useState('');
  const [days, setDays] = useState<number>(30);
  const [link, setLink] = useState<{ url: string; expiresAt: string; revoked?: boolean }>();
  const [copied, setCopied] = useState(false);
  const { error, run } = useRequestError();
  const titleId = useId();

  useEffect(() => void exhibitionApi.stands().then(setStands, () => setStands([])), []);
  const studio = studioId || event?.studios[0]?.id || '';
  const channel = channelId || event?.channels[0]?.id || '';
  const stand = standId || stands[0]?.id || '';

  const request = (): RequestOf<'invite:create'> => {
    const hours = days * 24;
    switch (role) {
      case 'studio':
      case 'guest':
        return { role, studioId: studio, hours };
      case 'captioner':
        return { role, channelId: channel, languages, hours };
      case 'exhibitor':
        return { role, standId: stand, hours };
      default:
        return { role, hours };
    }
  };

  const make = () => {
    setLink(undefined);
    setCopied(false);
    run(signaling.request('invite:create', request()).then(({ path, expiresAt }) => setLink({ url: `${window.location.origin}${path}`, expiresAt })));
  };
  const revokeThis = () => {
    if (!link) return;
    run(
      signaling.request('invite:revoke', { link: link.url }).then(() => {
        setLink({ ...link, revoked: true });
        onRevoked();
      }),
    );
  };
  const copy = () => {
    if (!link) return;
    navigator.clipboard?.writeText(link.url).then(() => setCopied(true), () => undefined);
  };
  const dayText = (count: number) => format.number(count, { style: 'unit', unit: 'day', unitDisplay: 'long' });

  if (!event) return <p role="status">{t('common:loading')}</p>;
  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>{t('admin.invite.title')}</h2>
      <p className="muted">{t('admin.invite.intro')}</p>
      <form className="admin-form" onSubmit={(e) => (e.preventDefault(), make())}>
        <RoleSelect label={t('admin.invite.role')} role={role} onChange={setRole} />
        {(role === 'studio' || role === 'guest') && (
          <label>
            {t('admin.invite.studio')}
            <select value={studio} onChange={(e) => setStudioId(e.target.value)}>
              {event.studios.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {role === 'captioner' && (
          <>
            <label>
              {t('admin.invite.channel')}
              <select value={channel} onChange={(e) => setChannelId(e.target.value)}>
                {event.channels.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <fieldset>
              <legend>{t('admin.invite.languages')}</legend>
              {LANGUAGES.map((l) => (
                <label key={l}>
                  <input
                    type="checkbox"
                    checked={languages.includes(l)}
                    onChange={(e) => setLanguages((ls) => (e.target.checked ? [...ls, l] : ls.filter((x) => x !== l)))}
                  />
                  {LANGUAGE_NAMES[l]}
                </label>
              ))}
            </fieldset>
          </>
        )}
        {role === 'exhibitor' && (
          <label>
            {t('admin.invite.stand')}
            <select value={stand} onChange={(e) => setStandId(e.target.value)}>
              {stands.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.exhibitor}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('admin.invite.expiry')}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {DAYS.map((d) => (
              <option key={d} value={d}>
                {dayText(d)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={(role === 'captioner' && languages.length === 0) || (role === 'exhibitor' && !stand)}>
          {t('admin.invite.make')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {link && (
        <p>
          <input readOnly value={link.url} aria-label={t('admin.invite.link')} className="invite-link" onFocus={(e) => e.target.select()} />{' '}
          <button type="button" onClick={copy}>
            {copied ? t('admin.invite.copied') : t('admin.invite.copy')}
          </button>{' '}
          {link.revoked ? (
            <span role="status">{t('admin.revoke.revokedThis')}</span>
          ) : (
            <>
              <span className="muted">{t('admin.invite.validUntil', { time: format.dateTime(link.expiresAt) })}</span>{' '}
              <button type="button" className="secondary" onClick={revokeThis}>
                {t('admin.revoke.revokeThis')}
              </button>
            </>
          )}
        </p>
      )}
    </section>
  );
}

/**
 * The revocation list: revoke a pasted link, or every link of a role made so far, and what has been
 * revoked. `revision` changes when a link is revoked elsewhere on the page.
 */
function RevokedLinks({ revision, onRevoked }: { revision: number; onRevoked: () => void }) {
  const { t } = useTranslation('access');
  const format = useFormat();
  const signaling = useSignaling();
  const [list, setList] = useState<Revocations>();
  const [pasted, setPasted] = useState('');
  const [role, setRole] = useState<Role>('studio');
  const { error, run } = useRequestError();
  const titleId = useId();

  useEffect(() => {
    let alive = true;
    run(signaling.request('invite:revocations', {}).then((l) => alive && setList(l)));
    return () => {
      alive = false;
    };
  }, [signaling, run, revision]);

  const revokeLink = () =>
    run(
      signaling.request('invite:revoke', { link: pasted }).then(() => {
        setPasted('');
        onRevoked();
      }),
    );
  const revokeRole = () => {
    if (!window.confirm(t('admin.revoke.confirmRole', { role: t(`admin.roles.${role}`) }))) return;
    run(signaling.request('invite:revokeRole', { role }).then(onRevoked));
  };

  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>{t('admin.revoke.title')}</h2>
      <p className="muted">{t('admin.revoke.intro')}</p>
      <form className="admin-form" onSubmit={(e) => (e.preventDefault(), revokeLink())}>
        <label>
          {t('admin.revoke.link')}
          <input value={pasted} onChange={(e) => setPasted(e.target.value)} className="invite-link" />
        </label>
        <button type="submit" disabled={!pasted.trim()}>
          {t('admin.revoke.revoke')}
        </button>
      </form>
      <form className="admin-form" onSubmit={(e) => (e.preventDefault(), revokeRole())}>
        <RoleSelect label={t('admin.revoke.role')} role={role} onChange={setRole} />
        <button type="submit" className="secondary">
          {t('admin.revoke.revokeRole')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {list && list.links.length === 0 && list.roles.length === 0 && <p className="muted">{t('admin.revoke.none')}</p>}
      {list && list.roles.length > 0 && (
        <ul data-testid="revoked-roles">
          {list.roles.map((r) => (
            <li key={r.role}>{t('admin.revoke.roleRevoked', { role: t(`admin.roles.${r.role}`), time: format.dateTime(r.issuedBefore) })}</li>
          ))}
        </ul>
      )}
      {list && list.links.length > 0 && (
        <table className="registrations-table" data-testid="revoked-links">
          <thead>
            <tr>
              <th scope="col">{t('admin.revoke.role')}</th>
              <th scope="col">{t('admin.revoke.scope')}</th>
              <th scope="col">{t('admin.revoke.when')}</th>
              <th scope="col">{t('admin.revoke.expires')}</th>
            </tr>
          </thead>
          <tbody>
            {list.links.map((l) => (
              <tr key={l.id}>
                <td>{t(`admin.roles.${l.role}`)}</td>
                <td>{l.scope}</td>
                <td>{format.dateTime(l.revokedAt)}</td>
                <td>{format.dateTime(l.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The role a link is for: the invite form's and the revoke-by-role form's one select. */
function RoleSelect({ label, role, onChange }: { label: string; role: Role; onChange: (role: Role) => void }) {
  const { t } = useTranslation('access');
  return (
    <label>
      {label}
      <select value={role} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`admin.roles.${r}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The viewers who registered: how many, the newest, and all of them as a CSV file. */
function Registrations() {
  const { t } = useTranslation('access');
  const format = useFormat();
  const event = useEvent();
  const [list, setList] = useState<{ count: number; registrations: RegistrationInfo[] }>();
  const { error, run } = useRequestError();

  useEffect(() => {
    let alive = true;
    run(getJson<typeof list>('/api/registrations').then((l) => alive && setList(l)));
    return () => {
      alive = false;
    };
  }, [run]);

  const download = () => {
    run(
      getBlob('/api/registrations.csv').then((blob) => {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'registrations.csv';
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      }),
    );
  };

  return (
    <section>
      <h2>{t('admin.registrations.title')}</h2>
      {event?.viewers === 'anonymous' && <p className="muted">{t('admin.registrations.anonymous')}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {list && (
        <>
          <p>
            <span data-testid="registration-count">{t('admin.registrations.count', { count: list.count })}</span>{' '}
            <button type="button" className="secondary" onClick={download} disabled={list.count === 0}>
              {t('admin.registrations.download')}
            </button>
          </p>
          {list.count > 0 && (
            <table className="registrations-table">
              <thead>
                <tr>
                  <th scope="col">{t('register.name')}</th>
                  <th scope="col">{t('register.email')}</th>
                  <th scope="col">{t('register.organisation')}</th>
                  <th scope="col">{t('register.country')}</th>
                  <th scope="col">{t('admin.registrations.when')}</th>
                </tr>
              </thead>
              <tbody>
                {list.registrations
                  .slice(-50)
                  .reverse()
                  .map((r) => (
                    <tr key={r.id}>
                      <td>{r.name}</td>
                      <td>{r.email}</td>
                      <td>{r.organisation}</td>
                      <td>{r.country}</td>
                      <td>{format.dateTime(r.registeredAt)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
