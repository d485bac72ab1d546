import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { REGIONS } from '@hybrid-stage/shared/vocabulary';
import type { Region, StandContent, StandInfo, StandPlacement } from '@hybrid-stage/shared';
import { may } from '@hybrid-stage/shared/permissions';
import { requestErrorText } from '../../../signaling/requestError';
import { exhibitionApi } from '../exhibitionApi';
import { useGrant } from '../../../signaling/SignalingContext';

/** Lines of "a | b | c" into objects with `keys`; blank lines are skipped. */
function parseLines<K extends string>(text: string, keys: readonly K[]): Record<K, string>[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const parts = line.split('|').map((p) => p.trim());
      return Object.fromEntries(keys.map((k, i) => [k, i === keys.length - 1 ? parts.slice(i).join(' | ') : (parts[i] ?? '')])) as Record<K, string>;
    });
}

const joinLines = (rows: Record<string, string>[], keys: readonly string[]) => rows.map((r) => keys.map((k) => r[k]).join(' | ')).join('\n');

/** A stand's content as the form holds it. */
function toForm(content: StandContent) {
  return {
    exhibitor: content.exhibitor,
    region: content.region,
    primary: content.colours.primary,
    accent: content.colours.accent,
    logoText: content.logoText,
    tagline: content.tagline,
    videoUrl: content.videoUrl,
    products: joinLines(content.products, ['name', 'description']),
    links: joinLines(content.links, ['label', 'url']),
    team: joinLines(content.team, ['name', 'role', 'email', 'phone']),
    giftTitle: content.gift.title,
    giftDescription: content.gift.description,
    giftStock: String(content.gift.stock),
  };
}

function fromForm(f: ReturnType<typeof toForm>): StandContent {
  return {
    exhibitor: f.exhibitor,
    region: f.region,
    colours: { primary: f.primary, accent: f.accent },
    logoText: f.logoText,
    tagline: f.tagline,
    videoUrl: f.videoUrl.trim(),
    products: parseLines(f.products, ['name', 'description'] as const),
    links: parseLines(f.links, ['label', 'url'] as const),
    team: parseLines(f.team, ['name', 'role', 'email', 'phone'] as const),
    gift: { title: f.giftTitle, description: f.giftDescription, stock: Number(f.giftStock) },
  };
}

/** A blank stand for an admin to add (the gift's title is filled in the UI language). */
export const BLANK_CONTENT: StandContent = {
  exhibitor: '',
  region: 'europe',
  colours: { primary: '#1f4e9c', accent: '#f2c230' },
  logoText: '',
  tagline: '',
  products: [],
  videoUrl: '',
  links: [],
  team: [],
  gift: { title: 'Welcome gift', description: '', stock: 100 },
};

/** Props of {@link StandEditor}. */
export interface StandEditorProps {
  /** The stand to edit, or undefined to add a new one (admins). */
  stand?: StandInfo;
  onSaved: (stand: StandInfo) => void;
}

/**
 * The exhibitor's form for their stand (and the admin's for any stand, with its place in the
 * hall, or a new stand). Lists are one item per line, fields separated by "|".
 */
export function StandEditor({ stand, onSaved }: StandEditorProps) {
  const { t } = useTranslation('exhibition');
  const grant = useGrant();
  const id = useId();
  const [form, setForm] = useState(() => toForm(stand ?? { ...BLANK_CONTENT, gift: { ...BLANK_CONTENT.gift, title: t('editor.defaultGift') } }));
  const [standId, setStandId] = useState('');
  const [placement, setPlacement] = useState<StandPlacement>(stand?.placement ?? { x: 0, z: 26, rotation: 270 });
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const admin = may(grant, 'stand:place');
  const set = (key: keyof ReturnType<typeof toForm>) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    setSaved('');
    try {
      const content = fromForm(form);
      let result: StandInfo;
      if (!stand) result = await exhibitionApi.addStand({ id: standId, content, placement });
      else {
        result = await exhibitionApi.updateStand(stand.id, content);
        const p = stand.placement;
        if (admin && (p.x !== placement.x || p.z !== placement.z || p.rotation !== placement.rotation)) result = await exhibitionApi.placeStand(stand.id, placement);
      }
      setSaved(t('editor.saved'));
      onSaved(result);
    } catch (err) {
      setError(requestErrorText(t, err));
    }
  };

  const field = (label: string, key: keyof ReturnType<typeof toForm>, props: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} dir="auto" value={form[key]} onChange={set(key)} {...props} />
    </div>
  );
  const area = (label: string, key: 'products' | 'links' | 'team', hint: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <textarea id={`${id}-${key}`} dir="auto" value={form[key]} onChange={set(key)} rows={3} aria-describedby={`${id}-${key}-hint`} />
      <small id={`${id}-${key}-hint`} className="muted">
        {hint}
      </small>
    </div>
  );

  return (
    <form className="stand-editor" onSubmit={save} aria-label={stand ? t('editor.edit', { name: stand.exhibitor }) : t('editor.add')}>
      {!stand && (
        <div className="field">
          <label htmlFor={`${id}-id`}>{t('editor.id')}</label>
          <input id={`${id}-id`} dir="ltr" value={standId} onChange={(e) => setStandId(e.target.value)} required pattern="[a-z0-9][a-z0-9\-]{0,47}" />
        </div>
      )}
      {field(t('editor.exhibitor'), 'exhibitor', { required: true, maxLength: 80 })}
      <div className="field">
        <label htmlFor={`${id}-region`}>{t('editor.region')}</label>
        <select id={`${id}-region`} value={form.region} onChange={(e) => setForm((f) => ({ ...f, region: e.target.value as Region }))}>
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {t(`regions.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field-row">
        {field(t('editor.primary'), 'primary', { type: 'color' })}
        {field(t('editor.accent'), 'accent', { type: 'color' })}
        {field(t('editor.logoText'), 'logoText', { required: true, maxLength: 24 })}
      </div>
      {field(t('editor.tagline'), 'tagline', { maxLength: 120 })}
      {field(t('editor.videoUrl'), 'videoUrl', { type: 'url' })}
      {area(t('editor.products'), 'products', t('editor.productsHint'))}
      {area(t('editor.links'), 'links', t('editor.linksHint'))}
      {area(t('editor.team'), 'team', t('editor.teamHint'))}
      <div className="field-row">
        {field(t('editor.gift'), 'giftTitle', { required: true, maxLength: 80 })}
        {field(t('editor.giftStock'), 'giftStock', { type: 'number', min: 0, max: 100000, required: true })}
      </div>
      {field(t('editor.giftDescription'), 'giftDescription', { maxLength: 300 })}
      {admin && (
        <fieldset className="field-row">
          <legend>{t('editor.place')}</legend>
          <div className="field">
            <label htmlFor={`${id}-x`}>x</label>
            <input id={`${id}-x`} dir="ltr" type="number" step="0.5" value={placement.x} onChange={(e) => setPlacement((p) => ({ ...p, x: Number(e.target.value) }))} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-z`}>z</label>
            <input id={`${id}-z`} dir="ltr" type="number" step="0.5" value={placement.z} onChange={(e) => setPlacement((p) => ({ ...p, z: Number(e.target.value) }))} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-rotation`}>{t('editor.front')}</label>
            <select id={`${id}-rotation`} value={placement.rotation} onChange={(e) => setPlacement((p) => ({ ...p, rotation: Number(e.target.value) as StandPlacement['rotation'] }))}>
              <option value={0}>{t('editor.east')}</option>
              <option value={90}>{t('editor.north')}</option>
              <option value={180}>{t('editor.west')}</option>
              <option value={270}>{t('editor.south')}</option>
            </select>
          </div>
        </fieldset>
      )}
      <button type="submit">{stand ? t('editor.save') : t('editor.create')}</button>
      {saved && <span role="status"> {saved}</span>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
