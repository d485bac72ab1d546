import { useEffect, useState, type FormEvent } from 'react';
import { Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { NewRegistration, RegistrationResult } from '@hybrid-stage/shared';
import { postJson } from '../../http/api';
import { keepViewerToken } from '../../signaling/accessToken';
import { useSignaling } from '../../signaling/SignalingContext';
import { useEvent } from '../../signaling/useEvent';
import { servedPage } from '../../servedPage';
import { RequestError } from '../../signaling/SignalingClient';

/** Sends the form; resolves with the viewer token or rejects with the server's refusal (a RequestError with its code). */
function register(form: Omit<NewRegistration, 'consent'> & { consent: boolean }): Promise<RegistrationResult> {
  return postJson<RegistrationResult>('/api/registrations', form);
}

/**
 * The viewer pages (watch, agenda, exhibition, cinema) behind the event's registration: when the
 * event asks viewers to register and this browser has no token, the form; else the page. The server
 * checks too (REGISTRATION_REQUIRED): this only spares viewers a page that would refuse them.
 */
export function RegistrationGate() {
  const signaling = useSignaling();
  const [registered, setRegistered] = useState(!!signaling.token);
  // A kept token the server refused is dropped (see SignalingContext): the form comes back.
  useEffect(() => {
    const onConnect = () => setRegistered(!!signaling.token);
    signaling.socket.on('connect', onConnect);
    return () => void signaling.socket.off('connect', onConnect);
  }, [signaling]);
  // With a token, or at an event the page says is anonymous, the page starts at once: the viewer's
  // first frame is not held up by asking for the event's details first.
  if (registered || servedPage().viewers === 'anonymous') return <Outlet />;
  return (
    <EventRegistration
      onRegistered={(token) => {
        keepViewerToken(token);
        signaling.connectWithToken(token);
        setRegistered(true);
      }}
    />
  );
}

/** The form when the event's details say viewers register; the page when they do not. */
function EventRegistration({ onRegistered }: { onRegistered: (token: string) => void }) {
  const event = useEvent();
  if (!event) return <RegistrationLoading />;
  if (event.viewers !== 'registered') return <Outlet />;
  return <RegistrationForm eventName={event.name} onRegistered={onRegistered} />;
}

function RegistrationLoading() {
  const { t } = useTranslation('common');
  return <p role="status">{t('loading')}</p>;
}

/** The form a viewer fills in once; the answer is a viewer token this browser keeps. */
function RegistrationForm({ eventName, onRegistered }: { eventName: string; onRegistered: (token: string) => void }) {
  const { t } = useTranslation('access');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '');
    setSending(true);
    setError(undefined);
    register({ name: text('name'), email: text('email'), organisation: text('organisation'), country: text('country'), consent: data.get('consent') === 'on' }).then(
      ({ token }) => onRegistered(token),
      (failure: unknown) => {
        setSending(false);
        const code = failure instanceof RequestError ? failure.code : undefined;
        setError(code === 'INVALID_REQUEST' ? t('register.invalid') : code === 'RATE_LIMITED' ? t('register.rateLimited') : t('register.failed'));
      },
    );
  };

  return (
    <section className="registration">
      <h1>{t('register.title')}</h1>
      <p>{t('register.intro', { event: eventName })}</p>
      <form className="registration-form" onSubmit={submit}>
        <label>
          {t('register.name')}
          <input name="name" required maxLength={100} autoComplete="name" />
        </label>
        <label>
          {t('register.email')}
          <input name="email" type="email" required maxLength={254} autoComplete="email" />
        </label>
        <label>
          {t('register.organisation')}
          <input name="organisation" required maxLength={120} autoComplete="organization" />
        </label>
        <label>
          {t('register.country')}
          <input name="country" required maxLength={80} autoComplete="country-name" />
        </label>
        <label className="consent">
          <input name="consent" type="checkbox" required />
          <span>{t('register.consent')}</span>
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={sending}>
          {sending ? t('register.sending') : t('register.submit')}
        </button>
      </form>
    </section>
  );
}
