/**
 * The HQ stroll's 360° panoramas, drawn at run time: each is a small ray tracer over a box room
 * (or an open roof) whose walls are canvases with windows, signs and screens, written into an
 * equirectangular image (longitude across, latitude down). Nothing is downloaded.
 */

/**
 * A link from one panorama to another, in a direction (radians around, 0 = +x, π/2 = +z). Its label
 * is the text `hq.hotspots.<to>` of the `exhibition` namespace.
 */
export interface Hotspot {
  to: string;
  angle: number;
}

/** The words on a panorama's walls, by their key under `hq.signs` (in the UI language). */
export type SignText = (key: string) => string;

/**
 * One place of the stroll. Its title and description are the texts `hq.places.<id>.title` and
 * `.description` of the `exhibition` namespace.
 */
export interface Panorama {
  id: string;
  hotspots: Hotspot[];
  draw: (width: number, height: number, text: SignText) => HTMLCanvasElement;
}

type Rgb = [number, number, number];
type Pattern = (u: number, v: number) => Rgb;

interface Room {
  /** Width (x), depth (z), height; the eye is 1.6 m above the floor in the middle. */
  size: [number, number, number];
  floor: Pattern;
  ceiling: Pattern | null;
  /** Walls at -z, +x, +z, -x as canvases (u along the wall, v from the top). */
  walls: [HTMLCanvasElement, HTMLCanvasElement, HTMLCanvasElement, HTMLCanvasElement] | null;
  /** Above the walls or in an open roof: the sky and skyline. */
  sky: (dx: number, dy: number, dz: number) => Rgb;
}

const EYE = 1.6;

function canvas(w: number, h: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return [c, c.getContext('2d')!];
}

/** A wall: a colour, windows onto a sky, and signs. */
function wall(base: string, paint: (ctx: CanvasRenderingContext2D, w: number, h: number) => void): HTMLCanvasElement {
  // Drawn at twice the size of the coordinates below, so signs stay sharp up close.
  const [c, ctx] = canvas(2048, 512);
  ctx.scale(2, 2);
  ctx.fillStyle = base;
  ctx.fillRect(0, 0, 1024, 256);
  const shade = ctx.createLinearGradient(0, 0, 0, 256);
  shade.addColorStop(0, 'rgba(255,255,255,0.08)');
  shade.addColorStop(1, 'rgba(0,0,0,0.25)');
  ctx.fillStyle = shade;
  ctx.fillRect(0, 0, 1024, 256);
  paint(ctx, 1024, 256);
  return c;
}

function windows(ctx: CanvasRenderingContext2D, from: number, to: number, count: number): void {
  const w = (to - from) / count;
  for (let i = 0; i < count; i++) {
    const x = from + i * w + 6;
    const sky = ctx.createLinearGradient(0, 30, 0, 200);
    sky.addColorStop(0, '#7fb2ff');
    sky.addColorStop(1, '#dbe9ff');
    ctx.fillStyle = sky;
    ctx.fillRect(x, 30, w - 12, 170);
    ctx.fillStyle = '#6d7f99';
    for (let b = 0; b < 5; b++) ctx.fillRect(x + b * ((w - 12) / 5), 200 - 30 - ((b * 37 + i * 23) % 60), (w - 12) / 5 - 2, 30 + ((b * 37 + i * 23) % 60));
    ctx.strokeStyle = '#2b2f3a';
    ctx.lineWidth = 6;
    ctx.strokeRect(x, 30, w - 12, 170);
  }
}

function sign(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, w: number, h: number, bg: string, fg = '#fff'): void {
  ctx.fillStyle = bg;
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = fg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  let px = Math.floor(h * 0.6);
  do ctx.font = `800 ${px--}px system-ui, 'DejaVu Sans', sans-serif`;
  while (ctx.measureText(text).width > w - 20 && px > 8);
  ctx.fillText(text, x + w / 2, y + h / 2 + 2);
}

function door(ctx: CanvasRenderingContext2D, x: number, label: string): void {
  ctx.fillStyle = '#3a2a1e';
  ctx.fillRect(x, 90, 90, 166);
  ctx.fillStyle = '#c9a227';
  ctx.fillRect(x + 74, 170, 6, 14);
  sign(ctx, label, x - 20, 62, 130, 24, '#10a37f');
}

const tiles =
  (a: Rgb, b: Rgb, size: number): Pattern =>
  (u, v) =>
    (Math.floor(u / size) + Math.floor(v / size)) % 2 === 0 ? a : b;
const planks =
  (base: Rgb): Pattern =>
  (u, v) => {
    const row = Math.floor(v / 0.25);
    const seam = (u + row * 0.37) % 1.8 < 0.02 || v % 0.25 < 0.01;
    const k = seam ? 0.7 : 0.9 + ((row * 13) % 7) / 60;
    return [base[0] * k, base[1] * k, base[2] * k];
  };
const panels =
  (base: Rgb, light: Rgb): Pattern =>
  (u, v) =>
    Math.abs((((u % 3) + 3) % 3) - 1.5) < 0.6 && Math.abs((((v % 3) + 3) % 3) - 1.5) < 0.6 ? light : base;

const daySky = (dx: number, dy: number, dz: number): Rgb => {
  const h = Math.max(0, dy);
  const sun = Math.max(0, dx * 0.6 + dy * 0.5 + dz * 0.62);
  const glow = sun ** 64 * 255;
  return [Math.min(255, 120 + 80 * (1 - h) + glow), Math.min(255, 170 + 60 * (1 - h) + glow), Math.min(255, 235 + 20 * (1 - h) + glow)];
};

/** A skyline around the horizon: building heights by direction, windows lit here and there. */
const skyline = (dx: number, dy: number, dz: number): Rgb | null => {
  const angle = Math.atan2(dz, dx);
  const slot = Math.floor((angle + Math.PI) * 40);
  const height = 0.05 + (((slot * 7919) % 97) / 97) * 0.18;
  if (dy > height || dy < -0.02) return null;
  const lit = ((slot * 31 + Math.floor(dy * 200)) % 5 === 0) && Math.floor((angle + Math.PI) * 400) % 3 === 0;
  return lit ? [250, 220, 150] : [58 + (slot % 5) * 6, 66 + (slot % 7) * 5, 86];
};

/** Traces one equirectangular image of a room. */
function trace(room: Room, width: number, height: number): HTMLCanvasElement {
  const [c, ctx] = canvas(width, height);
  const image = ctx.createImageData(width, height);
  const [W, D, H] = room.size;
  const walls = room.walls?.map((w) => ({ data: w.getContext('2d')!.getImageData(0, 0, w.width, w.height).data, w: w.width, h: w.height }));
  const sample = (i: number, u: number, v: number): Rgb => {
    const t = walls![i]!;
    const x = Math.min(t.w - 1, Math.max(0, Math.floor(u * t.w)));
    const y = Math.min(t.h - 1, Math.max(0, Math.floor(v * t.h)));
    const k = (y * t.w + x) * 4;
    return [t.data[k]!, t.data[k + 1]!, t.data[k + 2]!];
  };
  for (let py = 0; py < height; py++) {
    const theta = (Math.PI * (py + 0.5)) / height;
    const dy = Math.cos(theta);
    const s = Math.sin(theta);
    for (let px = 0; px < width; px++) {
      const phi = (2 * Math.PI * (px + 0.5)) / width;
      const dx = Math.cos(phi) * s;
      const dz = Math.sin(phi) * s;
      let rgb: Rgb;
      let distance = 0;
      const tFloor = dy < 0 ? -EYE / dy : Infinity;
      const tCeil = dy > 0 ? (H - EYE) / dy : Infinity;
      const tX = dx !== 0 ? (Math.sign(dx) * W) / 2 / dx : Infinity;
      const tZ = dz !== 0 ? (Math.sign(dz) * D) / 2 / dz : Infinity;
      const tWall = Math.min(tX, tZ);
      if (tFloor < tWall && tFloor < tCeil) {
        distance = tFloor;
        rgb = room.floor(dx * tFloor + W / 2, dz * tFloor + D / 2);
      } else if (room.walls && tWall < tCeil) {
        distance = tWall;
        const y = EYE + dy * tWall;
        const v = 1 - y / H;
        // Walls: 0 at -z, 1 at +x, 2 at +z, 3 at -x; u runs left to right as seen from inside.
        if (tZ < tX) rgb = dz < 0 ? sample(0, (dx * tWall + W / 2) / W, v) : sample(2, 1 - (dx * tWall + W / 2) / W, v);
        else rgb = dx > 0 ? sample(1, (dz * tWall + D / 2) / D, v) : sample(3, 1 - (dz * tWall + D / 2) / D, v);
      } else if (room.ceiling && tCeil < Infinity) {
        distance = tCeil;
        rgb = room.ceiling(dx * tCeil + W / 2, dz * tCeil + D / 2);
      } else {
        rgb = skyline(dx, dy, dz) ?? room.sky(dx, dy, dz);
      }
      const fade = distance ? Math.max(0.55, 1 - distance / 60) : 1;
      const k = (py * width + px) * 4;
      image.data[k] = rgb[0] * fade;
      image.data[k + 1] = rgb[1] * fade;
      image.data[k + 2] = rgb[2] * fade;
      image.data[k + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return c;
}

/** The stroll: lobby, broadcast studio, innovation lab and roof terrace. */
export const PANORAMAS: readonly Panorama[] = [
  {
    id: 'lobby',
    hotspots: [
      { to: 'studio', angle: Math.atan2(-7, 5.5) },
      { to: 'lab', angle: 0 },
      { to: 'roof', angle: Math.PI },
    ],
    draw: (w, h, text) =>
      trace(
        {
          size: [16, 14, 5],
          floor: tiles([214, 210, 200], [190, 186, 176], 1.2),
          ceiling: panels([235, 236, 240], [255, 252, 235]),
          walls: [
            wall('#e9e4da', (ctx) => {
              sign(ctx, 'HYBRID STAGE HQ', 262, 50, 500, 70, '#1f2a5c');
              ctx.fillStyle = '#8a6b4a';
              ctx.fillRect(312, 170, 400, 86);
              sign(ctx, text('reception'), 412, 186, 200, 34, '#c62828');
              door(ctx, 820, text('studio'));
            }),
            wall('#dcd6cb', (ctx) => {
              windows(ctx, 120, 900, 4);
              door(ctx, 470, text('lab'));
            }),
            wall('#e9e4da', (ctx) => {
              windows(ctx, 40, 1000, 5);
            }),
            wall('#dcd6cb', (ctx) => {
              sign(ctx, text('welcome'), 212, 40, 600, 50, '#3b5bdb');
              door(ctx, 467, text('roof'));
            }),
          ],
          sky: daySky,
        },
        w,
        h,
      ),
  },
  {
    id: 'studio',
    hotspots: [{ to: 'lobby', angle: Math.PI / 2 }],
    draw: (w, h, text) =>
      trace(
        {
          size: [14, 12, 6],
          floor: tiles([34, 36, 46], [28, 30, 40], 2),
          ceiling: panels([20, 22, 30], [255, 240, 200]),
          walls: [
            wall('#15182a', (ctx) => {
              const led = ctx.createLinearGradient(160, 0, 864, 0);
              led.addColorStop(0, '#3b5bdb');
              led.addColorStop(0.5, '#e53950');
              led.addColorStop(1, '#f59f00');
              ctx.fillStyle = led;
              ctx.fillRect(160, 30, 704, 170);
              sign(ctx, text('summit'), 260, 85, 504, 60, 'rgba(0,0,0,0.55)');
            }),
            wall('#1b1f33', (ctx) => {
              ctx.fillStyle = '#0a0c14';
              ctx.fillRect(200, 60, 620, 110);
              sign(ctx, text('controlRoom'), 380, 20, 260, 30, '#c62828');
            }),
            wall('#15182a', (ctx) => door(ctx, 467, text('lobby'))),
            wall('#1b1f33', (ctx) => sign(ctx, text('onAir'), 412, 40, 200, 50, '#c62828')),
          ],
          sky: daySky,
        },
        w,
        h,
      ),
  },
  {
    id: 'lab',
    hotspots: [{ to: 'lobby', angle: Math.PI / 2 }],
    draw: (w, h, text) =>
      trace(
        {
          size: [12, 18, 4],
          floor: planks([176, 132, 92]),
          ceiling: panels([240, 242, 246], [255, 255, 250]),
          walls: [
            wall('#f1f3f5', (ctx) => windows(ctx, 20, 1004, 6)),
            wall('#e7f5ff', (ctx) => {
              sign(ctx, text('prototypes'), 100, 40, 300, 40, '#0b7285');
              sign(ctx, text('demos'), 600, 40, 300, 40, '#5f3dc4');
              ctx.fillStyle = '#343a40';
              ctx.fillRect(80, 140, 860, 30);
            }),
            wall('#f1f3f5', (ctx) => door(ctx, 467, text('lobby'))),
            wall('#e7f5ff', (ctx) => windows(ctx, 20, 1004, 6)),
          ],
          sky: daySky,
        },
        w,
        h,
      ),
  },
  {
    id: 'roof',
    hotspots: [{ to: 'lobby', angle: 0 }],
    draw: (w, h) =>
      trace(
        {
          size: [30, 30, 100],
          floor: planks([150, 110, 80]),
          ceiling: null,
          walls: null,
          sky: daySky,
        },
        w,
        h,
      ),
  },
];
