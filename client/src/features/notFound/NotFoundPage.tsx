import { useEffect } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';

/**
 * What a mistyped or outdated address shows (inside the app's header and navigation): that there is
 * no such page, and the ways back into the event. The server answers such a path with status 404.
 */
export function NotFoundPage() {
  const { t } = useTranslation('common');
  useEffect(() => {
    document.title = `${t('notFound.title')} · Hybrid Stage`;
    return () => void (document.title = 'Hybrid Stage');
  }, [t]);
  return (
    <section className="not-found" data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <nav aria-label={t('notFound.links')}>
        <ul className="not-found-links">
          <li>
            <Link to="/" className="button">
              {t('notFound.watch')}
            </Link>
          </li>
          <li>
            <Link to="/agenda" className="button secondary">
              {t('notFound.agenda')}
            </Link>
          </li>
          <li>
            <Link to="/exhibition" className="button secondary">
              {t('notFound.exhibition')}
            </Link>
          </li>
        </ul>
      </nav>
    </section>
  );
}
