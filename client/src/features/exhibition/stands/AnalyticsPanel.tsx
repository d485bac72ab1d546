import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExhibitionAnalytics, VisitFigures } from '@hybrid-stage/shared';
import { useFormat } from '../../../i18n/useFormat';
import { requestErrorText } from '../../../signaling/requestError';
import { exhibitionApi } from '../exhibitionApi';

const average = (f: VisitFigures) => (f.visits ? Math.round(f.dwellMs / f.visits / 1000) : 0);

/** Visit analytics for exhibitors (their stand, every region) and admins (every stand). */
export function AnalyticsPanel() {
  const { t } = useTranslation('exhibition');
  const format = useFormat();
  const [data, setData] = useState<ExhibitionAnalytics>();
  const [error, setError] = useState('');
  useEffect(() => {
    exhibitionApi.analytics().then(setData, (e: unknown) => setError(requestErrorText(t, e)));
  }, [t]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!data) return <p role="status">{t('loading.analytics')}</p>;
  const head = (
    <>
      <th scope="col">{t('analytics.visits')}</th>
      <th scope="col">{t('analytics.visitors')}</th>
      <th scope="col">{t('analytics.minutes')}</th>
      <th scope="col">{t('analytics.avgSeconds')}</th>
      <th scope="col">{t('analytics.comments')}</th>
      <th scope="col">{t('analytics.gifts')}</th>
    </>
  );
  const cells = (f: VisitFigures) => (
    <>
      <td>{format.number(f.visits)}</td>
      <td>{format.number(f.visitors)}</td>
      <td>{format.number(f.dwellMs / 60_000, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}</td>
      <td>{format.number(average(f))}</td>
      <td>{format.number(f.comments)}</td>
      <td>{format.number(f.giftsClaimed)}</td>
    </>
  );
  return (
    <section className="analytics" aria-labelledby="analytics-title">
      <h2 id="analytics-title">{t('analytics.title')}</h2>
      <table data-testid="analytics-stands">
        <caption>{t('analytics.byStand')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('analytics.stand')}</th>
            <th scope="col">{t('analytics.region')}</th>
            {head}
          </tr>
        </thead>
        <tbody>
          {data.stands.map((s) => (
            <tr key={s.standId}>
              <th scope="row">{s.exhibitor}</th>
              <td>{t(`regions.${s.region}`)}</td>
              {cells(s)}
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>{t('analytics.byRegion')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('analytics.region')}</th>
            {head}
          </tr>
        </thead>
        <tbody>
          {data.regions.map((r) => (
            <tr key={r.region}>
              <th scope="row">{t(`regions.${r.region}`)}</th>
              {cells(r)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
