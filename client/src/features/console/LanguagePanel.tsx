import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelState, LanguageCoverage } from '@hybrid-stage/shared';
import { LANGUAGE_NAMES } from '@hybrid-stage/shared/vocabulary';
import { useSignaling } from '../../signaling/SignalingContext';

/** How often the overview is asked again: desks open and close, providers come and go. */
const REFRESH_MS = 5000;

/** For each caption language of a channel, who or what produces it now: desks, a provider, machine translation, speech recognition, or nobody. */
export function LanguagePanel({ channel }: { channel: ChannelState }) {
  const { t } = useTranslation('production');
  const signaling = useSignaling();
  const [languages, setLanguages] = useState<LanguageCoverage[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () =>
      signaling.request('captions:coverage', { channelId: channel.id }).then(
        (r) => alive && setLanguages(r.languages),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [signaling, channel.id]);

  const producers = (c: LanguageCoverage): string[] => [
    ...(c.desks > 0 ? [t('languages.desks', { count: c.desks })] : []),
    ...(c.provider ? [t('languages.provider')] : []),
    ...(c.speech ? [t('languages.speech')] : []),
    ...(c.machine ? [t('languages.machine', { via: c.machine })] : []),
  ];

  return (
    <section className="languages" aria-labelledby="languages-title">
      <h2 id="languages-title">{t('languages.title')}</h2>
      <table data-testid="language-coverage">
        <thead>
          <tr>
            <th scope="col">{t('languages.language')}</th>
            <th scope="col">{t('languages.by')}</th>
          </tr>
        </thead>
        <tbody>
          {languages.map((c) => {
            const by = producers(c);
            return (
              <tr key={c.language} className={by.length === 0 ? 'uncovered' : undefined}>
                <th scope="row" lang={c.language}>
                  {LANGUAGE_NAMES[c.language]}
                </th>
                <td>{by.length > 0 ? by.join(' · ') : t('languages.none')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
