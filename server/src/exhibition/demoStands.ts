import type { NewStand, Region, StandPlacement } from '@hybrid-stage/shared';

/** The demo's exhibitors: name, logo, region, colours, what they make. */
const EXHIBITORS: readonly [name: string, logo: string, region: Region, primary: string, accent: string, field: string][] = [
  ['Nordlicht Systems', 'NORDLICHT', 'europe', '#1f4e9c', '#f2c230', 'industrial automation'],
  ['Atlas Cloudworks', 'ATLAS', 'americas', '#0f766e', '#f97316', 'cloud infrastructure'],
  ['Sakura Robotics', 'SAKURA', 'asia-pacific', '#be185d', '#fbcfe8', 'collaborative robots'],
  ['Volga Energy', 'VOLGA', 'cis', '#1e3a8a', '#38bdf8', 'grid storage'],
  ['Desert Rose Solar', 'DESERT ROSE', 'middle-east', '#b45309', '#fde68a', 'solar farms'],
  ['Anatolia Logistics', 'ANATOLIA', 'africa-turkey', '#7c2d12', '#fdba74', 'freight and logistics'],
  ['Helix Biotech', 'HELIX', 'europe', '#15803d', '#bbf7d0', 'lab automation'],
  ['Pampas Agritech', 'PAMPAS', 'americas', '#4d7c0f', '#fef08a', 'precision farming'],
  ['Lotus Payments', 'LOTUS PAY', 'asia-pacific', '#6d28d9', '#ddd6fe', 'payments'],
  ['Baikal Data', 'BAIKAL', 'cis', '#0e7490', '#a5f3fc', 'data platforms'],
  ['Gulf Maritime', 'GULF MARINE', 'middle-east', '#1d4ed8', '#e0f2fe', 'port software'],
  ['Kilimanjaro Telecom', 'KILI TEL', 'africa-turkey', '#b91c1c', '#fecaca', 'mobile networks'],
  ['Alpenglow Optics', 'ALPENGLOW', 'europe', '#9d174d', '#fde047', 'optical sensors'],
  ['Maple Health', 'MAPLE', 'americas', '#c2410c', '#fff7ed', 'digital health'],
  ['Harbour Bridge AI', 'HARBOUR AI', 'asia-pacific', '#0369a1', '#fcd34d', 'machine learning'],
  ['Ural Metals', 'URAL', 'cis', '#475569', '#fb923c', 'advanced alloys'],
  ['Oasis Water', 'OASIS', 'middle-east', '#0891b2', '#ccfbf1', 'desalination'],
  ['Sahara Mobility', 'SAHARA', 'africa-turkey', '#a16207', '#fef3c7', 'electric mobility'],
  ['Baltic Secure', 'BALTIC SEC', 'europe', '#111827', '#22d3ee', 'cyber security'],
  ['Andes Mining Tech', 'ANDES', 'americas', '#57534e', '#facc15', 'mining equipment'],
  ['Monsoon Retail', 'MONSOON', 'asia-pacific', '#047857', '#fda4af', 'retail software'],
  ['Caspian Chemicals', 'CASPIAN', 'cis', '#7e22ce', '#86efac', 'specialty chemicals'],
  ['Falcon Aerospace', 'FALCON', 'middle-east', '#334155', '#f87171', 'drones and avionics'],
  ['Bosphorus Textiles', 'BOSPHORUS', 'africa-turkey', '#be123c', '#fde68a', 'technical textiles'],
];

const FIRST_NAMES = ['Anna', 'Omar', 'Mei', 'Ivan', 'Lucia', 'Kwame', 'Sofia', 'Kenji', 'Fatima', 'Lars', 'Priya', 'Diego', 'Elif', 'Nikolai'];
const LAST_NAMES = ['Schmidt', 'Haddad', 'Tanaka', 'Petrov', 'García', 'Mensah', 'Rossi', 'Kim', 'Aydın', 'Larsen', 'Sharma', 'Silva'];

/** Four columns of six stands along two aisles (x = -9 and x = 9), fronts facing the aisle. */
export function demoPlacement(index: number): StandPlacement {
  const column = Math.floor(index / 6);
  const row = index % 6;
  const x = [-15, -3, 3, 15][column]!;
  const rotation = column % 2 === 0 ? 0 : 180;
  return { x, z: -22.5 + row * 7, rotation };
}

/** The demo's 24 stands with products, a video-free panel, links, a regional team and a gift. */
export function demoStands(): NewStand[] {
  return EXHIBITORS.map(([name, logo, region, primary, accent, field], i) => {
    const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const domain = `${id.replace(/-/g, '')}.example`;
    const brand = logo.split(' ')[0]!.charAt(0) + logo.split(' ')[0]!.slice(1).toLowerCase();
    const person = (k: number) => `${FIRST_NAMES[(i * 3 + k) % FIRST_NAMES.length]} ${LAST_NAMES[(i * 5 + k * 7) % LAST_NAMES.length]}`;
    return {
      id,
      placement: demoPlacement(i),
      content: {
        exhibitor: name,
        region,
        colours: { primary, accent },
        logoText: logo,
        tagline: `Partners in ${field} since ${1995 + ((i * 7) % 25)}`,
        products: [
          { name: `${brand} One`, description: `Our flagship for ${field}: installs in a day, runs for a decade, with partner pricing for this event.` },
          { name: `${brand} Edge`, description: `A compact edition of the platform for smaller sites and pilots in ${field}.` },
          { name: 'Partner Academy', description: 'Certification tracks for partner engineers and sales teams, online and at our regional hubs.' },
        ],
        videoUrl: '',
        links: [
          { label: 'Product brochure', url: `https://${domain}/brochure` },
          { label: 'Partner portal', url: `https://partners.${domain}/` },
        ],
        team: [
          { name: person(0), role: 'Regional partner manager', email: `${person(0).split(' ')[0]!.toLowerCase()}@${domain}`, phone: `+${30 + i} 555 01${String(i).padStart(2, '0')}` },
          { name: person(1), role: 'Solutions engineer', email: `${person(1).split(' ')[0]!.toLowerCase()}@${domain}`, phone: `+${30 + i} 555 02${String(i).padStart(2, '0')}` },
        ],
        gift: { title: `${logo} partner kit`, description: 'A voucher for the partner kit: a year of training credits and a welcome box shipped to your office.', stock: 200 },
      },
    };
  });
}
