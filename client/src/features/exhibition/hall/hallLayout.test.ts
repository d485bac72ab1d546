import { describe, expect, it } from 'vitest';
import { CINEMA_DOOR, ENTRANCE, frontOf, inCinema, isFree, move, nearestStand, rectToHall, solids, standAt, STAND_SOLIDS, toHall, yawTowards } from './hallLayout';

describe('hall layout', () => {
  it('turns a stand frame into the hall for each quarter turn', () => {
    expect(toHall({ x: 10, z: 5, rotation: 0 }, 3, 0)).toEqual({ x: 13, z: 5 });
    expect(toHall({ x: 10, z: 5, rotation: 90 }, 3, 0)).toEqual({ x: 10, z: 2 });
    expect(toHall({ x: 10, z: 5, rotation: 180 }, 3, 0)).toEqual({ x: 7, z: 5 });
    expect(toHall({ x: 10, z: 5, rotation: 270 }, 3, 0)).toEqual({ x: 10, z: 8 });
    // The back wall of a stand facing +x is on its -x side and spans its width along z.
    expect(rectToHall({ x: 0, z: 0, rotation: 0 }, STAND_SOLIDS[0]!)).toEqual({ minX: -2.5, maxX: -2.2, minZ: -3, maxZ: 3 });
  });

  it('stops a visitor at a stand wall and lets them slide along it', () => {
    const rects = solids([{ x: 0, z: 0, rotation: 0 }]);
    // Walking east into the back wall from behind the stand: x stops, z still moves.
    const start = { x: -3.5, z: 0 };
    let at = start;
    for (let i = 0; i < 20; i++) at = move(at.x, at.z, 0.1, 0.05, rects);
    expect(at.x).toBeLessThan(-2.5);
    expect(at.z).toBeGreaterThan(0.9);
    expect(isFree(0, 0, rects)).toBe(true); // the middle of the stand is open floor
    expect(isFree(-2.35, 0, rects)).toBe(false);
    // The outer walls hold too.
    expect(move(21.6, 0, 1, 0, []).x).toBe(21.6);
  });

  it('finds the nearest stand front and the stand under a point', () => {
    const stands = [
      { id: 'a', placement: { x: -15, z: 12.5, rotation: 0 as const } },
      { id: 'b', placement: { x: -3, z: 12.5, rotation: 180 as const } },
    ];
    expect(frontOf(stands[0]!.placement)).toEqual({ x: -12, z: 12.5 });
    expect(nearestStand(-11, 12, stands)?.stand.id).toBe('a');
    expect(nearestStand(-7, 12, stands)?.stand.id).toBe('b');
    expect(standAt(-3, 14, stands)?.id).toBe('b');
    expect(standAt(-9, 14, stands)).toBeUndefined();
    expect(yawTowards(ENTRANCE, { x: ENTRANCE.x, z: ENTRANCE.z - 10 })).toBeCloseTo(0);
    expect(yawTowards({ x: 0, z: 0 }, { x: -1, z: 0 })).toBeCloseTo(Math.PI / 2);
  });

  it('lets a visitor into the cinema room through its door only', () => {
    const rects = solids([]);
    const walk = (from: { x: number; z: number }, dz: number) => {
      let at = from;
      for (let i = 0; i < 60; i++) at = move(at.x, at.z, 0, dz, rects);
      return at;
    };
    const door = (CINEMA_DOOR.minX + CINEMA_DOOR.maxX) / 2;
    expect(inCinema(door, -27)).toBe(false);
    const through = walk({ x: door, z: -27 }, -0.1);
    expect(inCinema(through.x, through.z)).toBe(true);
    // Beside the door the south wall stops the visitor outside.
    const blocked = walk({ x: -19, z: -27 }, -0.1);
    expect(inCinema(blocked.x, blocked.z)).toBe(false);
    expect(blocked.z).toBeGreaterThan(-29);
  });
});
