import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_COMMENT_AUTHOR, MAX_COMMENT_TEXT } from '@hybrid-stage/shared/vocabulary';
import type { GiftVoucher, Grant, StandComment, StandInfo } from '@hybrid-stage/shared';
import { mayManageStand } from '@hybrid-stage/shared/permissions';
import { useFormat } from '../../../i18n/useFormat';
import { requestErrorText } from '../../../signaling/requestError';
import { exhibitionApi } from '../exhibitionApi';
import { StandEditor } from './StandEditor';

const AUTHOR_KEY = 'hybrid-stage.commenter';

/** Props of {@link StandPanel}. */
export interface StandPanelProps {
  stand: StandInfo;
  /** Visitors at the stand now, this one included. */
  visitors: number;
  grant: Grant;
  /** The stand changed (its exhibitor edited it). */
  onChanged: (stand: StandInfo) => void;
  onClose?: () => void;
  /** Heading level of the stand's name: 2 in the hall's panel, 3 inside the list. */
  level?: 2 | 3;
}

/**
 * A stand's panel: who they are, products, video, links, the regional team, the gift and the
 * comments. The stand's exhibitor and admins also edit it here and moderate its comments.
 */
export function StandPanel({ stand, visitors, grant, onChanged, onClose, level = 2 }: StandPanelProps) {
  const { t } = useTranslation('exhibition');
  const Heading = `h${level}` as const;
  const Sub = `h${level + 1}` as 'h3' | 'h4';
  const moderator = mayManageStand(grant, stand.id);
  const [editing, setEditing] = useState(false);
  return (
    <article className="stand-panel" aria-labelledby={`stand-${stand.id}-name`} data-testid="stand-panel" style={{ ['--brand' as string]: stand.colours.primary, ['--accent' as string]: stand.colours.accent }}>
      <header className="stand-panel-header">
        <span className="stand-logo" aria-hidden="true">
          {stand.logoText.slice(0, 1)}
        </span>
        <div>
          <Heading id={`stand-${stand.id}-name`}>
            <bdi>{stand.exhibitor}</bdi>
          </Heading>
          <p className="muted">
            {t(`regions.${stand.region}`)}
            {stand.tagline && (
              <>
                {' · '}
                <bdi>{stand.tagline}</bdi>
              </>
            )}
          </p>
          <p className="stand-presence" data-testid="stand-visitors">
            {visitors === 1 ? t('panel.onlyYou') : t('panel.visitors', { count: visitors })}
          </p>
        </div>
        {onClose && (
          <button type="button" className="secondary close" onClick={onClose} aria-label={t('panel.close', { name: stand.exhibitor })}>
            ×
          </button>
        )}
      </header>
      {moderator && (
        <p>
          <button type="button" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
            {editing ? t('panel.stopEditing') : t('panel.edit')}
          </button>
        </p>
      )}
      {editing && (
        <StandEditor
          stand={stand}
          onSaved={(s) => {
            onChanged(s);
            setEditing(false);
          }}
        />
      )}
      {stand.products.length > 0 && (
        <section>
          <Sub>{t('panel.products')}</Sub>
          <ul className="products">
            {stand.products.map((p, i) => (
              <li key={i}>
                <strong dir="auto">{p.name}</strong>
                {p.description && <p dir="auto">{p.description}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {stand.videoUrl && (
        <section>
          <Sub>{t('panel.video')}</Sub>
          <video className="stand-video" src={stand.videoUrl} controls preload="none" aria-label={t('panel.videoOf', { name: stand.exhibitor })} />
        </section>
      )}
      <GiftSection stand={stand} level={Sub} />
      {stand.team.length > 0 && (
        <section>
          <Sub>{t('panel.team', { region: t(`regions.${stand.region}`) })}</Sub>
          <ul className="team">
            {stand.team.map((m, i) => (
              <li key={i}>
                <strong dir="auto">{m.name}</strong>
                {m.role && (
                  <span className="muted">
                    {' · '}
                    <bdi>{m.role}</bdi>
                  </span>
                )}
                <br />
                <a href={`mailto:${m.email}`} dir="ltr">
                  {m.email}
                </a>
                {m.phone && (
                  <>
                    {' · '}
                    <a href={`tel:${m.phone.replace(/[^+\d]/g, '')}`} dir="ltr" className="phone">
                      {m.phone}
                    </a>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {stand.links.length > 0 && (
        <section>
          <Sub>{t('panel.links')}</Sub>
          <ul className="links">
            {stand.links.map((l, i) => (
              <li key={i}>
                <a href={l.url} target="_blank" rel="noopener noreferrer" dir="auto">
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Comments standId={stand.id} moderator={moderator} level={Sub} />
    </article>
  );
}

/** The stand's gift: claim a voucher once; the same code comes back on every later visit. */
function GiftSection({ stand, level: Sub }: { stand: StandInfo; level: 'h3' | 'h4' }) {
  const { t } = useTranslation('exhibition');
  const [voucher, setVoucher] = useState<GiftVoucher>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setVoucher(undefined);
    exhibitionApi.myGift(stand.id).then(setVoucher, () => undefined);
  }, [stand.id]);
  const claim = () => {
    setBusy(true);
    setError('');
    exhibitionApi
      .claimGift(stand.id)
      .then(setVoucher, (e: unknown) => setError(requestErrorText(t, e)))
      .finally(() => setBusy(false));
  };
  return (
    <section className="gift">
      <Sub>{t('gift.title', { title: stand.gift.title })}</Sub>
      {stand.gift.description && <p dir="auto">{stand.gift.description}</p>}
      {voucher ? (
        <p role="status">
          {t('gift.code')} <code className="voucher" data-testid="voucher">{voucher.code}</code>
        </p>
      ) : (
        <p>
          <button type="button" onClick={claim} disabled={busy || stand.giftsLeft === 0}>
            {stand.giftsLeft === 0 ? t('gift.none') : t('gift.claim')}
          </button>{' '}
          <span className="muted">{t('gift.left', { count: stand.giftsLeft })}</span>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Comments, newest first; a form to post one; hide, show and delete for moderators. */
function Comments({ standId, moderator, level: Sub }: { standId: string; moderator: boolean; level: 'h3' | 'h4' }) {
  const { t } = useTranslation('exhibition');
  const format = useFormat();
  const [comments, setComments] = useState<StandComment[]>([]);
  const [author, setAuthor] = useState(() => localStorage.getItem(AUTHOR_KEY) ?? '');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => exhibitionApi.comments(standId).then(setComments, (e: unknown) => setError(requestErrorText(t, e))), [standId, t]);
  useEffect(() => {
    setComments([]);
    void load();
  }, [load]);
  const post = (e: FormEvent) => {
    e.preventDefault();
    setError('');
    localStorage.setItem(AUTHOR_KEY, author);
    exhibitionApi.postComment(standId, { author, text }).then(
      () => {
        setText('');
        void load();
      },
      (err: unknown) => setError(requestErrorText(t, err)),
    );
  };
  const act = (p: Promise<unknown>) => p.then(load, (e: unknown) => setError(requestErrorText(t, e)));
  const formId = `comment-${standId}`;
  return (
    <section className="comments">
      <Sub>{t('comments.title')}</Sub>
      <form onSubmit={post} className="comment-form">
        <label htmlFor={`${formId}-author`}>{t('comments.name')}</label>
        <input dir="auto" id={`${formId}-author`} value={author} onChange={(e) => setAuthor(e.target.value)} maxLength={MAX_COMMENT_AUTHOR} required autoComplete="name" />
        <label htmlFor={`${formId}-text`}>{t('comments.text')}</label>
        <textarea dir="auto" id={`${formId}-text`} value={text} onChange={(e) => setText(e.target.value)} maxLength={MAX_COMMENT_TEXT} required rows={3} />
        <button type="submit">{t('comments.post')}</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {comments.length === 0 ? (
        <p className="muted">{t('comments.empty')}</p>
      ) : (
        <ul className="comment-list" aria-label={t('comments.list')}>
          {comments.map((c) => (
            <li key={c.id} className={c.hidden ? 'comment hidden' : 'comment'} data-testid="comment">
              <p className="comment-meta">
                <strong dir="auto">{c.author}</strong> <time dateTime={c.createdAt}>{format.dateTime(c.createdAt)}</time>
                {c.hidden && <span className="badge"> {t('comments.hidden')}</span>}
              </p>
              <p className="comment-text" dir="auto">
                {c.text}
              </p>
              {moderator && (
                <p className="comment-actions">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => act(exhibitionApi.moderateComment(standId, c.id, !c.hidden))}
                    aria-label={t(c.hidden ? 'comments.showBy' : 'comments.hideBy', { author: c.author })}
                  >
                    {c.hidden ? t('comments.show') : t('comments.hide')}
                  </button>{' '}
                  <button type="button" className="secondary danger" onClick={() => act(exhibitionApi.deleteComment(standId, c.id))} aria-label={t('comments.deleteBy', { author: c.author })}>
                    {t('comments.delete')}
                  </button>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
