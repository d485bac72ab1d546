/** Textures drawn at run time on canvases: logos, signs, the floor. Nothing is downloaded. */
import { CanvasTexture, RepeatWrapping, SRGBColorSpace } from 'three';
import type { Region, StandInfo } from '@hybrid-stage/shared';

/** Logo cells in the atlas: 4 columns of 512×128. */
export const ATLAS_COLUMNS = 4;
const CELL_W = 512;
const CELL_H = 128;

function canvas(width: number, height: number, direction: CanvasDirection = 'ltr'): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d')!;
  ctx.direction = direction;
  return [c, ctx];
}

function texture(c: HTMLCanvasElement): CanvasTexture {
  const t = new CanvasTexture(c);
  t.colorSpace = SRGBColorSpace;
  t.anisotropy = 4;
  return t;
}

/** Writes `text` as large as fits in `maxWidth` at `size` px or less. */
function fitText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth: number, size: number, weight = 800): void {
  let px = size;
  do {
    ctx.font = `${weight} ${px}px system-ui, 'DejaVu Sans', sans-serif`;
    px -= 2;
  } while (ctx.measureText(text).width > maxWidth && px > 10);
  ctx.fillText(text, x, y);
}

/** The UV rectangle of stand `index`'s cell in the atlas: [u0, v0, u1, v1]. */
export function atlasCell(index: number, rows: number): [number, number, number, number] {
  const col = index % ATLAS_COLUMNS;
  const row = Math.floor(index / ATLAS_COLUMNS);
  const u0 = col / ATLAS_COLUMNS;
  const v1 = 1 - row / rows;
  return [u0, v1 - 1 / rows, u0 + 1 / ATLAS_COLUMNS, v1];
}

/** One texture with every stand's logo (its colours, logo text, region by `regionName`), for one draw call. */
export function logoAtlas(stands: readonly StandInfo[], regionName: (region: Region) => string): { texture: CanvasTexture; rows: number } {
  const rows = Math.max(1, Math.ceil(stands.length / ATLAS_COLUMNS));
  const [c, ctx] = canvas(CELL_W * ATLAS_COLUMNS, CELL_H * rows);
  stands.forEach((stand, i) => {
    const x = (i % ATLAS_COLUMNS) * CELL_W;
    const y = Math.floor(i / ATLAS_COLUMNS) * CELL_H;
    const gradient = ctx.createLinearGradient(x, y, x + CELL_W, y + CELL_H);
    gradient.addColorStop(0, stand.colours.primary);
    gradient.addColorStop(1, '#0b0f1a');
    ctx.fillStyle = gradient;
    ctx.fillRect(x, y, CELL_W, CELL_H);
    ctx.fillStyle = stand.colours.accent;
    ctx.fillRect(x, y + CELL_H - 10, CELL_W, 10);
    ctx.beginPath();
    ctx.arc(x + 62, y + 59, 38, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = stand.colours.primary;
    ctx.font = `900 44px system-ui, 'DejaVu Sans', sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(stand.logoText.slice(0, 1), x + 62, y + 61);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillStyle = '#ffffff';
    fitText(ctx, stand.logoText, x + 118, y + 72, CELL_W - 136, 54);
    ctx.fillStyle = 'rgba(255,255,255,0.75)';
    fitText(ctx, regionName(stand.region), x + 120, y + 104, CELL_W - 140, 20, 600);
  });
  return { texture: texture(c), rows };
}

/** A sign: a title and an optional line under it, on a dark panel with a coloured edge, written in `direction`. */
export function signTexture(title: string, line = '', edge = '#e53950', width = 1024, height = 256, direction: CanvasDirection = 'ltr'): CanvasTexture {
  const [c, ctx] = canvas(width, height, direction);
  const gradient = ctx.createLinearGradient(0, 0, 0, height);
  gradient.addColorStop(0, '#182042');
  gradient.addColorStop(1, '#0b0f1a');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = edge;
  ctx.fillRect(0, height - 14, width, 14);
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  fitText(ctx, title, width / 2, line ? height * 0.5 : height * 0.62, width - 60, Math.round(height * 0.38));
  if (line) {
    ctx.fillStyle = 'rgba(255,255,255,0.78)';
    fitText(ctx, line, width / 2, height * 0.8, width - 80, Math.round(height * 0.16), 500);
  }
  return texture(c);
}

/** A screen with nothing to play: a title card with a line of text, written in `direction`. */
export function screenCard(title: string, line: string, direction: CanvasDirection = 'ltr'): CanvasTexture {
  const [c, ctx] = canvas(1024, 576, direction);
  const gradient = ctx.createRadialGradient(512, 288, 40, 512, 288, 620);
  gradient.addColorStop(0, '#2a3566');
  gradient.addColorStop(1, '#05070d');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 1024, 576);
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  fitText(ctx, title, 512, 270, 900, 84);
  ctx.fillStyle = 'rgba(255,255,255,0.7)';
  fitText(ctx, line, 512, 340, 900, 32, 500);
  return texture(c);
}

/** The hall's carpet: dark with a faint weave and tile lines, repeated every 4 m. */
export function floorTexture(): CanvasTexture {
  const [c, ctx] = canvas(256, 256);
  ctx.fillStyle = '#2b3143';
  ctx.fillRect(0, 0, 256, 256);
  // A fixed pseudo-random weave, the same every time.
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < 2500; i++) {
    ctx.fillStyle = random() > 0.5 ? 'rgba(255,255,255,0.035)' : 'rgba(0,0,0,0.08)';
    ctx.fillRect(random() * 256, random() * 256, 2, 2);
  }
  ctx.strokeStyle = 'rgba(0,0,0,0.35)';
  ctx.lineWidth = 2;
  ctx.strokeRect(0, 0, 256, 256);
  const t = texture(c);
  t.wrapS = t.wrapT = RepeatWrapping;
  return t;
}
