/** The hall's plan in metres (x east, z south, as three.js sees the floor): walls, stands, collisions. */
import type { StandPlacement } from '@hybrid-stage/shared';

/** An axis-aligned rectangle on the floor. */
export interface Rect {
  minX: number;
  maxX: number;
  minZ: number;
  maxZ: number;
}

/** The hall's inside. */
export const HALL: Rect = { minX: -22, maxX: 22, minZ: -40, maxZ: 34 };
/** Where visitors come in, and the way they look (yaw 0 looks north, to -z). */
export const ENTRANCE = { x: -9, z: 28, yaw: 0 };
/** A stand's footprint: depth along its facing, width across it. */
export const STAND_DEPTH = 5;
export const STAND_WIDTH = 6;
/** How far in front of a stand's centre a visitor stands to talk to it. */
export const FRONT_OFFSET = 3;
/** Within this of a stand's front the panel opens by itself. */
export const VISIT_RADIUS = 2.4;
/** Within this the hall suggests opening the nearest stand. */
export const HINT_RADIUS = 4.5;
/** A visitor's body radius for collisions. */
export const BODY_RADIUS = 0.35;

/** The cinema room in the north-west corner, its door on the south side. */
export const CINEMA: Rect = { minX: -22, maxX: -11, minZ: -40, maxZ: -29 };
export const CINEMA_DOOR = { minX: -16, maxX: -13 };
/** The cinema's screen on the room's north wall: centre x and y, width, height (16:9). */
export const CINEMA_SCREEN = { x: (CINEMA.minX + CINEMA.maxX) / 2 - 0.1, y: 2.5, width: 7.2, height: 4.05 };
/** The main-stage screen on the north wall: centre x, bottom and top heights, width. */
export const MAIN_SCREEN = { x: 4, width: 12, bottom: 1.6, height: 6.75 };

/** A stand's facing direction on the floor. */
export function facing(p: StandPlacement): { x: number; z: number } {
  const r = (p.rotation * Math.PI) / 180;
  return { x: Math.round(Math.cos(r)), z: -Math.round(Math.sin(r)) };
}

/** A point in a stand's own frame (lx towards its front, lz to its right when facing +x) in the hall. */
export function toHall(p: StandPlacement, lx: number, lz: number): { x: number; z: number } {
  const f = facing(p);
  // The stand's own z axis is the facing turned by 90° (three.js rotation about y).
  const s = { x: -f.z, z: f.x };
  return { x: p.x + lx * f.x + lz * s.x, z: p.z + lx * f.z + lz * s.z };
}

/** A rectangle in a stand's own frame, as a rectangle in the hall (exact for quarter turns). */
export function rectToHall(p: StandPlacement, r: Rect): Rect {
  const a = toHall(p, r.minX, r.minZ);
  const b = toHall(p, r.maxX, r.maxZ);
  return { minX: Math.min(a.x, b.x), maxX: Math.max(a.x, b.x), minZ: Math.min(a.z, b.z), maxZ: Math.max(a.z, b.z) };
}

/** The solid parts of a stand in its own frame: back wall, side wall, counter, two product plinths. */
export const STAND_SOLIDS: readonly Rect[] = [
  { minX: -2.5, maxX: -2.2, minZ: -3, maxZ: 3 },
  { minX: -2.5, maxX: 0.2, minZ: -3, maxZ: -2.8 },
  { minX: 0.9, maxX: 1.7, minZ: 0.6, maxZ: 2.6 },
  { minX: -1.3, maxX: -0.7, minZ: -1.9, maxZ: -1.3 },
  { minX: -1.3, maxX: -0.7, minZ: 0.1, maxZ: 0.7 },
];

/** Where a visitor stands to face a stand. */
export function frontOf(p: StandPlacement): { x: number; z: number } {
  return toHall(p, FRONT_OFFSET, 0);
}

/** The yaw that looks at a stand from its front (yaw 0 looks to -z, positive turns left). */
export function yawTowards(from: { x: number; z: number }, to: { x: number; z: number }): number {
  return Math.atan2(-(to.x - from.x), -(to.z - from.z));
}

/** Whether (x, z) is inside the cinema room. */
export function inCinema(x: number, z: number): boolean {
  return x > CINEMA.minX && x < CINEMA.maxX && z > CINEMA.minZ && z < CINEMA.maxZ;
}

/** The cinema's walls: east, and south left and right of the door. */
export function cinemaWalls(): Rect[] {
  const t = 0.2;
  return [
    { minX: CINEMA.maxX - t, maxX: CINEMA.maxX, minZ: CINEMA.minZ, maxZ: CINEMA.maxZ },
    { minX: CINEMA.minX, maxX: CINEMA_DOOR.minX, minZ: CINEMA.maxZ - t, maxZ: CINEMA.maxZ },
    { minX: CINEMA_DOOR.maxX, maxX: CINEMA.maxX, minZ: CINEMA.maxZ - t, maxZ: CINEMA.maxZ },
  ];
}

/** Everything a visitor cannot walk through, besides the hall's outer walls. */
export function solids(placements: readonly StandPlacement[]): Rect[] {
  return [...cinemaWalls(), ...placements.flatMap((p) => STAND_SOLIDS.map((r) => rectToHall(p, r)))];
}

function hits(x: number, z: number, rects: readonly Rect[]): boolean {
  if (x - BODY_RADIUS < HALL.minX || x + BODY_RADIUS > HALL.maxX || z - BODY_RADIUS < HALL.minZ || z + BODY_RADIUS > HALL.maxZ) return true;
  return rects.some((r) => x + BODY_RADIUS > r.minX && x - BODY_RADIUS < r.maxX && z + BODY_RADIUS > r.minZ && z - BODY_RADIUS < r.maxZ);
}

/** Moves from (x, z) by (dx, dz), sliding along what is in the way (each axis on its own). */
export function move(x: number, z: number, dx: number, dz: number, rects: readonly Rect[]): { x: number; z: number } {
  let nx = x;
  let nz = z;
  if (!hits(x + dx, z, rects)) nx = x + dx;
  if (!hits(nx, z + dz, rects)) nz = z + dz;
  return { x: nx, z: nz };
}

/** Whether a visitor may stand at (x, z). */
export function isFree(x: number, z: number, rects: readonly Rect[]): boolean {
  return !hits(x, z, rects);
}

/** The stand whose front is nearest to (x, z), with the distance. */
export function nearestStand<T extends { placement: StandPlacement }>(x: number, z: number, stands: readonly T[]): { stand: T; distance: number } | undefined {
  let best: { stand: T; distance: number } | undefined;
  for (const stand of stands) {
    const f = frontOf(stand.placement);
    const distance = Math.hypot(f.x - x, f.z - z);
    if (!best || distance < best.distance) best = { stand, distance };
  }
  return best;
}

/** The stand whose footprint holds (x, z), if any. */
export function standAt<T extends { placement: StandPlacement }>(x: number, z: number, stands: readonly T[]): T | undefined {
  return stands.find((s) => {
    const r = rectToHall(s.placement, { minX: -STAND_DEPTH / 2, maxX: STAND_DEPTH / 2, minZ: -STAND_WIDTH / 2, maxZ: STAND_WIDTH / 2 });
    return x >= r.minX && x <= r.maxX && z >= r.minZ && z <= r.maxZ;
  });
}
