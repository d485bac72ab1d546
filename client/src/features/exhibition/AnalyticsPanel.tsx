import { useEffect, useState } from 'react';
import { REGION_NAMES, type ExhibitionAnalytics, type VisitFigures } from '@hybrid-stage/shared';
import { exhibitionApi } from './exhibitionApi';

const minutes = (ms: number) => (ms / 60_000).toFixed(1);
const average = (f: VisitFigures) => (f.visits ? Math.round(f.dwellMs / f.visits / 1000) : 0);

/** Visit analytics for exhibitors (their stand, every region) and admins (every stand). */
export function AnalyticsPanel() {
  const [data, setData] = useState<ExhibitionAnalytics>();
  const [error, setError] = useState('');
  useEffect(() => {
    exhibitionApi.analytics().then(setData, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!data) return <p role="status">Loading analytics…</p>;
  const head = (
    <>
      <th scope="col">Visits</th>
      <th scope="col">Visitors</th>
      <th scope="col">Minutes</th>
      <th scope="col">Avg. seconds</th>
      <th scope="col">Comments</th>
      <th scope="col">Gifts</th>
    </>
  );
  const cells = (f: VisitFigures) => (
    <>
      <td>{f.visits}</td>
      <td>{f.visitors}</td>
      <td>{minutes(f.dwellMs)}</td>
      <td>{average(f)}</td>
      <td>{f.comments}</td>
      <td>{f.giftsClaimed}</td>
    </>
  );
  return (
    <section className="analytics" aria-labelledby="analytics-title">
      <h2 id="analytics-title">Visit analytics</h2>
      <table data-testid="analytics-stands">
        <caption>By stand</caption>
        <thead>
          <tr>
            <th scope="col">Stand</th>
            <th scope="col">Region</th>
            {head}
          </tr>
        </thead>
        <tbody>
          {data.stands.map((s) => (
            <tr key={s.standId}>
              <th scope="row">{s.exhibitor}</th>
              <td>{REGION_NAMES[s.region]}</td>
              {cells(s)}
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>By region</caption>
        <thead>
          <tr>
            <th scope="col">Region</th>
            {head}
          </tr>
        </thead>
        <tbody>
          {data.regions.map((r) => (
            <tr key={r.region}>
              <th scope="row">{REGION_NAMES[r.region]}</th>
              {cells(r)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
