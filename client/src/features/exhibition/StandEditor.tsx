import { useId, useState, type FormEvent } from 'react';
import { REGION_NAMES, REGIONS, type Region, type StandContent, type StandInfo, type StandPlacement } from '@hybrid-stage/shared';
import { exhibitionApi } from './exhibitionApi';
import { useGrant } from '../../signaling/SignalingContext';

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

/** A blank stand for an admin to add. */
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
  const grant = useGrant();
  const id = useId();
  const [form, setForm] = useState(() => toForm(stand ?? BLANK_CONTENT));
  const [standId, setStandId] = useState('');
  const [placement, setPlacement] = useState<StandPlacement>(stand?.placement ?? { x: 0, z: 26, rotation: 270 });
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const admin = grant.role === 'admin';
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
      setSaved('Saved.');
      onSaved(result);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const field = (label: string, key: keyof ReturnType<typeof toForm>, props: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} value={form[key]} onChange={set(key)} {...props} />
    </div>
  );
  const area = (label: string, key: 'products' | 'links' | 'team', hint: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <textarea id={`${id}-${key}`} value={form[key]} onChange={set(key)} rows={3} aria-describedby={`${id}-${key}-hint`} />
      <small id={`${id}-${key}-hint`} className="muted">
        {hint}
      </small>
    </div>
  );

  return (
    <form className="stand-editor" onSubmit={save} aria-label={stand ? `Edit ${stand.exhibitor}` : 'Add a stand'}>
      {!stand && (
        <div className="field">
          <label htmlFor={`${id}-id`}>Stand id (lower-case, dashes)</label>
          <input id={`${id}-id`} value={standId} onChange={(e) => setStandId(e.target.value)} required pattern="[a-z0-9][a-z0-9\-]{0,47}" />
        </div>
      )}
      {field('Exhibitor', 'exhibitor', { required: true, maxLength: 80 })}
      <div className="field">
        <label htmlFor={`${id}-region`}>Region</label>
        <select id={`${id}-region`} value={form.region} onChange={(e) => setForm((f) => ({ ...f, region: e.target.value as Region }))}>
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {REGION_NAMES[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field-row">
        {field('Main colour', 'primary', { type: 'color' })}
        {field('Accent colour', 'accent', { type: 'color' })}
        {field('Logo text', 'logoText', { required: true, maxLength: 24 })}
      </div>
      {field('Tagline', 'tagline', { maxLength: 120 })}
      {field('Video URL (https://…, or empty)', 'videoUrl', { type: 'url' })}
      {area('Products', 'products', 'One per line: name | description')}
      {area('Links', 'links', 'One per line: label | https://address')}
      {area('Regional team', 'team', 'One per line: name | role | email | phone')}
      <div className="field-row">
        {field('Gift', 'giftTitle', { required: true, maxLength: 80 })}
        {field('Gifts in stock', 'giftStock', { type: 'number', min: 0, max: 100000, required: true })}
      </div>
      {field('Gift description', 'giftDescription', { maxLength: 300 })}
      {admin && (
        <fieldset className="field-row">
          <legend>Place in the hall (metres; the front faces)</legend>
          <div className="field">
            <label htmlFor={`${id}-x`}>x</label>
            <input id={`${id}-x`} type="number" step="0.5" value={placement.x} onChange={(e) => setPlacement((p) => ({ ...p, x: Number(e.target.value) }))} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-z`}>z</label>
            <input id={`${id}-z`} type="number" step="0.5" value={placement.z} onChange={(e) => setPlacement((p) => ({ ...p, z: Number(e.target.value) }))} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-rotation`}>Front faces</label>
            <select id={`${id}-rotation`} value={placement.rotation} onChange={(e) => setPlacement((p) => ({ ...p, rotation: Number(e.target.value) as StandPlacement['rotation'] }))}>
              <option value={0}>east</option>
              <option value={90}>north</option>
              <option value={180}>west</option>
              <option value={270}>south</option>
            </select>
          </div>
        </fieldset>
      )}
      <button type="submit">{stand ? 'Save stand' : 'Add stand'}</button>
      {saved && <span role="status"> {saved}</span>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
