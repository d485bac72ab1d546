/**
 * The hall's static geometry, merged so the whole exhibition is a handful of draw calls: every
 * stand's walls, counters and plinths in one mesh (colours per vertex), every logo in one mesh
 * over one texture atlas, the hall's walls, carpets and trusses in another.
 */
import { BoxGeometry, BufferGeometry, Color, Float32BufferAttribute, Matrix4, PlaneGeometry, Quaternion, Vector3 } from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { StandInfo, StandPlacement } from '@hybrid-stage/shared';
import { atlasCell } from './hallTextures';
import { CINEMA, CINEMA_DOOR, CINEMA_SCREEN, HALL, MAIN_SCREEN } from './hallLayout';

const UP = new Vector3(0, 1, 0);

/** Collects coloured boxes and planes, then merges them into one geometry. */
class GeometryBatch {
  readonly #parts: BufferGeometry[] = [];

  /** A box of size (w, h, d) centred at (x, y, z) in `frame` (a stand's placement, or the hall). */
  box(w: number, h: number, d: number, x: number, y: number, z: number, colour: Color | string, frame?: StandPlacement): void {
    this.#add(new BoxGeometry(w, h, d), x, y, z, 0, colour, frame);
  }

  /** A plane facing local +x (turn = 0) or turned about y by `turn` radians. */
  plane(w: number, h: number, x: number, y: number, z: number, turn: number, colour: Color | string, frame?: StandPlacement, uv?: [number, number, number, number]): void {
    const g = new PlaneGeometry(w, h);
    if (uv) {
      const [u0, v0, u1, v1] = uv;
      g.setAttribute('uv', new Float32BufferAttribute([u0, v1, u1, v1, u0, v0, u1, v0], 2));
    }
    // PlaneGeometry faces +z; turn it to face +x first.
    g.rotateY(Math.PI / 2);
    this.#add(g, x, y, z, turn, colour, frame);
  }

  #add(g: BufferGeometry, x: number, y: number, z: number, turn: number, colour: Color | string, frame?: StandPlacement): void {
    g.rotateY(turn);
    g.translate(x, y, z);
    if (frame) {
      const m = new Matrix4().compose(new Vector3(frame.x, 0, frame.z), new Quaternion().setFromAxisAngle(UP, (frame.rotation * Math.PI) / 180), new Vector3(1, 1, 1));
      g.applyMatrix4(m);
    }
    const c = typeof colour === 'string' ? new Color(colour) : colour;
    const n = g.getAttribute('position').count;
    const colours = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) colours.set([c.r, c.g, c.b], i * 3);
    g.setAttribute('color', new Float32BufferAttribute(colours, 3));
    if (!g.getAttribute('uv')) g.setAttribute('uv', new Float32BufferAttribute(new Float32Array(n * 2), 2));
    this.#parts.push(g.index ? g.toNonIndexed() : g);
    g.dispose();
  }

  /** The merged geometry (parts are freed). */
  build(): BufferGeometry {
    const merged = this.#parts.length ? mergeGeometries(this.#parts)! : new BufferGeometry();
    for (const p of this.#parts) p.dispose();
    merged.computeBoundingSphere();
    return merged;
  }
}

const shade = (hex: string, amount: number) => new Color(hex).lerp(new Color(amount > 0 ? '#ffffff' : '#000000'), Math.abs(amount));

/** Every stand's structure in the stand's own frame (front towards +x): see STAND_SOLIDS in hallLayout. */
export function standsGeometry(stands: readonly StandInfo[]): BufferGeometry {
  const b = new GeometryBatch();
  for (const s of stands) {
    const p = s.placement;
    const { primary, accent } = s.colours;
    b.box(5, 0.08, 6, 0, 0.04, 0, shade(accent, 0.82), p); // raised stand floor
    b.box(0.3, 3.2, 6, -2.35, 1.6, 0, primary, p); // back wall
    b.box(2.7, 3.2, 0.2, -1.15, 1.6, -2.9, shade(primary, 0.25), p); // side wall
    b.box(0.34, 0.5, 6.1, -2.35, 3.45, 0, shade(primary, -0.35), p); // header beam
    b.box(0.8, 1.05, 2, 1.3, 0.525, 1.6, accent, p); // counter
    b.box(0.9, 0.06, 2.1, 1.3, 1.08, 1.6, '#f4f5f8', p); // counter top
    b.box(0.06, 1.15, 2, -2.17, 1.55, 1.55, '#0c1222', p); // wall screen
    b.box(0.02, 1.0, 1.85, -2.13, 1.55, 1.55, shade(primary, 0.3), p); // its picture, a tint of the brand
    for (const z of [-1.6, 0.4]) {
      b.box(0.6, 1.0, 0.6, -1, 0.5, z, '#eef0f5', p); // plinth
      b.box(0.34, 0.34, 0.34, -1, 1.17, z, accent, p); // product on it
    }
    b.box(0.3, 5.6, 0.3, 2.3, 2.8, -2.75, shade(primary, -0.2), p); // banner pole
  }
  return b.build();
}

/** Every stand's logos: on the back wall, on the counter front and on a banner above the stand, both sides. */
export function logosGeometry(stands: readonly StandInfo[], rows: number): BufferGeometry {
  const b = new GeometryBatch();
  const white = '#ffffff';
  stands.forEach((s, i) => {
    const uv = atlasCell(i, rows);
    const p = s.placement;
    b.plane(4.4, 1.1, -2.18, 2.75, -0.4, 0, white, p, uv);
    b.plane(1.8, 0.45, 1.71, 0.7, 1.6, 0, white, p, uv);
    b.plane(4.8, 1.2, 2.3, 6.2, -0.35, 0, white, p, uv);
    b.plane(4.8, 1.2, 2.28, 6.2, -0.35, Math.PI, white, p, uv);
  });
  return b.build();
}

/** The hall: outer walls, cinema walls, carpets for the aisles and the lobby, roof trusses. */
export function hallGeometry(): BufferGeometry {
  const b = new GeometryBatch();
  const wall = '#1d2540';
  const w = HALL.maxX - HALL.minX;
  const d = HALL.maxZ - HALL.minZ;
  const cx = (HALL.minX + HALL.maxX) / 2;
  const cz = (HALL.minZ + HALL.maxZ) / 2;
  b.box(w, 10, 0.4, cx, 5, HALL.minZ - 0.2, wall);
  b.box(w, 10, 0.4, cx, 5, HALL.maxZ + 0.2, wall);
  b.box(0.4, 10, d, HALL.minX - 0.2, 5, cz, '#222b4a');
  b.box(0.4, 10, d, HALL.maxX + 0.2, 5, cz, '#222b4a');
  // A skirting band of light along the walls.
  b.box(w, 0.25, 0.05, cx, 0.9, HALL.minZ + 0.03, '#3b5bdb');
  b.box(0.05, 0.25, d, HALL.minX + 0.03, 0.9, cz, '#3b5bdb');
  b.box(0.05, 0.25, d, HALL.maxX - 0.03, 0.9, cz, '#3b5bdb');
  // Aisles and lobby carpets.
  for (const x of [-9, 9]) b.box(5, 0.02, 45, x, 0.011, -5, '#22366e');
  b.box(40, 0.02, 5, 0, 0.012, 19.5, '#22366e');
  b.box(40, 0.02, 9, 0, 0.012, -31.5, '#2e2148');
  b.box(4, 0.02, 12, -9, 0.013, 28, '#5e1a2c');
  // Cinema: walls, a dark interior floor and a frame around the door.
  const t = 0.2;
  const h = 4.5;
  b.box(t, h, CINEMA.maxZ - CINEMA.minZ, CINEMA.maxX - t / 2, h / 2, (CINEMA.minZ + CINEMA.maxZ) / 2, '#6a2138');
  b.box(CINEMA_DOOR.minX - CINEMA.minX, h, t, (CINEMA.minX + CINEMA_DOOR.minX) / 2, h / 2, CINEMA.maxZ - t / 2, '#6a2138');
  b.box(CINEMA.maxX - CINEMA_DOOR.maxX, h, t, (CINEMA_DOOR.maxX + CINEMA.maxX) / 2, h / 2, CINEMA.maxZ - t / 2, '#6a2138');
  b.box(CINEMA_DOOR.maxX - CINEMA_DOOR.minX, h - 2.6, t, (CINEMA_DOOR.minX + CINEMA_DOOR.maxX) / 2, 2.6 + (h - 2.6) / 2, CINEMA.maxZ - t / 2, '#6a2138');
  // A gold band of light around the outside of the cinema.
  b.box(0.05, 0.2, CINEMA.maxZ - CINEMA.minZ, CINEMA.maxX + 0.03, 4.1, (CINEMA.minZ + CINEMA.maxZ) / 2, '#f2b233');
  b.box(CINEMA.maxX - CINEMA.minX, 0.2, 0.05, (CINEMA.minX + CINEMA.maxX) / 2, 4.1, CINEMA.maxZ + 0.03, '#f2b233');
  b.box(CINEMA.maxX - CINEMA.minX - t, 0.02, CINEMA.maxZ - CINEMA.minZ - t, (CINEMA.minX + CINEMA.maxX) / 2, 0.014, (CINEMA.minZ + CINEMA.maxZ) / 2, '#1a0f1a');
  // The cinema screen's black frame (in front of the wall's band; the screen is just in front of it).
  b.box(CINEMA_SCREEN.width + 0.4, CINEMA_SCREEN.height + 0.4, 0.1, CINEMA_SCREEN.x, CINEMA_SCREEN.y, CINEMA.minZ + 0.08, '#05070d');
  // Main stage: a frame around the screen and a low stage in front of it.
  b.box(MAIN_SCREEN.width + 0.6, MAIN_SCREEN.height + 0.6, 0.3, MAIN_SCREEN.x, MAIN_SCREEN.bottom + MAIN_SCREEN.height / 2, HALL.minZ + 0.15, '#0a0d17');
  b.box(16, 0.5, 4, MAIN_SCREEN.x, 0.25, HALL.minZ + 2, '#151b30');
  b.box(16, 0.05, 0.1, MAIN_SCREEN.x, 0.5, HALL.minZ + 4, '#e53950');
  // Roof trusses across the hall.
  for (let z = HALL.minZ + 4; z < HALL.maxZ; z += 8) {
    b.box(w, 0.25, 0.25, cx, 9, z, '#3a4160');
    b.box(w, 0.12, 0.12, cx, 8.4, z, '#3a4160');
  }
  return b.build();
}
