import { useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import type { StandInfo } from '@hybrid-stage/shared';
import { hallProbe } from '../../../testProbes';
import { useHallInput } from '../useHallInput';
import { HINT_RADIUS, VISIT_RADIUS, isFree, move, nearestStand, solids, yawTowards } from './hallLayout';

/** Where the visitor is and looks; lives in a ref, changed every frame, never React state. */
export interface Player {
  x: number;
  z: number;
  /** Radians; 0 looks north (-z), positive turns left. */
  yaw: number;
  pitch: number;
  /** Where a click sent the visitor, until they get there. */
  target: { x: number; z: number; yaw?: number } | null;
  /** A yaw to turn to smoothly while not walking (towards a stand just reached). */
  turnTo: number | null;
}

const EYE_HEIGHT = 1.7;
const WALK_SPEED = 4;
const TURN_SPEED = 1.8;
const LOOK_PER_PIXEL = 0.004;
const PINCH_METRES_PER_PIXEL = 0.03;

/** Keys that walk and turn, by `KeyboardEvent.key` (lower case). */
const KEYS = new Set(['w', 'a', 's', 'd', 'arrowup', 'arrowdown', 'arrowleft', 'arrowright']);

/** Props of {@link Walker}. */
export interface WalkerProps {
  player: React.RefObject<Player>;
  stands: readonly StandInfo[];
  /** The stand within hint range changed (null: none near). */
  onNear: (standId: string | null) => void;
  /** The visitor stepped up to a stand's front: open it. */
  onArrive: (standId: string) => void;
}

/**
 * First-person walking: WASD/arrows, drag to look (mouse or one finger), pinch to walk (two
 * fingers), walking to a clicked spot; collisions against walls and stands. Moves the camera in
 * `useFrame` from the player ref and reports the nearest stand only when it changes.
 */
export function Walker({ player, stands, onNear, onArrive }: WalkerProps) {
  const { camera, gl } = useThree();
  const rects = useMemo(() => solids(stands.map((s) => s.placement)), [stands]);
  const near = useRef<string | null>(null);
  const arrived = useRef<string | null>(null);
  const frames = useRef(0);
  const stuck = useRef(0);

  const { held } = useHallInput({
    surface: gl.domElement,
    holdKeys: KEYS,
    // Walking by keyboard takes over from a walk to a clicked spot.
    onHold: () => {
      player.current.target = null;
      player.current.turnTo = null;
    },
    onLook: (dx, dy) => {
      const p = player.current;
      p.turnTo = null;
      p.yaw += dx * LOOK_PER_PIXEL;
      p.pitch = Math.max(-1.1, Math.min(1.1, p.pitch + dy * LOOK_PER_PIXEL));
    },
    onPinch: (grow) => {
      const p = player.current;
      const step = grow * PINCH_METRES_PER_PIXEL;
      const next = move(p.x, p.z, -Math.sin(p.yaw) * step, -Math.cos(p.yaw) * step, rects);
      p.x = next.x;
      p.z = next.z;
    },
  });

  useFrame((state, rawDelta) => {
    const delta = Math.min(rawDelta, 0.1);
    const p = player.current;
    const keys = held.current;
    const turn = (keys.has('arrowleft') ? 1 : 0) - (keys.has('arrowright') ? 1 : 0);
    p.yaw += turn * TURN_SPEED * delta;
    let forward = (keys.has('w') || keys.has('arrowup') ? 1 : 0) - (keys.has('s') || keys.has('arrowdown') ? 1 : 0);
    let strafe = (keys.has('d') ? 1 : 0) - (keys.has('a') ? 1 : 0);
    let dx = 0;
    let dz = 0;
    if (forward || strafe) {
      const length = Math.hypot(forward, strafe);
      forward /= length;
      strafe /= length;
      dx = (-Math.sin(p.yaw) * forward + Math.cos(p.yaw) * strafe) * WALK_SPEED * delta;
      dz = (-Math.cos(p.yaw) * forward - Math.sin(p.yaw) * strafe) * WALK_SPEED * delta;
    } else if (p.target) {
      const tx = p.target.x - p.x;
      const tz = p.target.z - p.z;
      const distance = Math.hypot(tx, tz);
      const step = Math.min(distance, WALK_SPEED * delta);
      if (distance < 0.05 || stuck.current > 0.6) {
        if (p.target.yaw !== undefined && stuck.current <= 0.6) p.turnTo = p.target.yaw;
        p.target = null;
        stuck.current = 0;
      } else {
        dx = (tx / distance) * step;
        dz = (tz / distance) * step;
        // Turn smoothly towards where the walk goes.
        const want = Math.atan2(-tx, -tz);
        const diff = Math.atan2(Math.sin(want - p.yaw), Math.cos(want - p.yaw));
        p.yaw += diff * Math.min(1, delta * 5);
      }
    }
    if (!dx && !dz && !turn && p.turnTo !== null) {
      const diff = Math.atan2(Math.sin(p.turnTo - p.yaw), Math.cos(p.turnTo - p.yaw));
      if (Math.abs(diff) < 0.01) p.turnTo = null;
      else p.yaw += diff * Math.min(1, delta * 4);
    }
    if (dx || dz) {
      const next = move(p.x, p.z, dx, dz, rects);
      if (p.target && Math.hypot(next.x - p.x, next.z - p.z) < 0.3 * Math.hypot(dx, dz)) stuck.current += delta;
      p.x = next.x;
      p.z = next.z;
    }
    if (!isFree(p.x, p.z, rects)) {
      // Placed inside something (a stand was moved onto the visitor): step out towards the aisle.
      p.x += 0.05;
    }
    camera.position.set(p.x, EYE_HEIGHT, p.z);
    camera.rotation.set(p.pitch, p.yaw, 0, 'YXZ');

    const nearest = nearestStand(p.x, p.z, stands);
    const hinted = nearest && nearest.distance < HINT_RADIUS ? nearest.stand.id : null;
    if (hinted !== near.current) {
      near.current = hinted;
      onNear(hinted);
    }
    if (nearest && nearest.distance < VISIT_RADIUS && arrived.current !== nearest.stand.id) {
      arrived.current = nearest.stand.id;
      if (!p.target) p.turnTo = yawTowards(p, nearest.stand.placement);
      onArrive(nearest.stand.id);
    } else if (arrived.current && (!nearest || nearest.stand.id !== arrived.current || nearest.distance > HINT_RADIUS)) {
      arrived.current = null;
    }

    // gl.info holds the previous frame's figures here (it resets at the start of each render).
    frames.current++;
    const probe = hallProbe();
    if (frames.current >= 2) probe.drawCalls = state.gl.info.render.calls;
    if (frames.current === 2) probe.firstRenderMs = Math.round(performance.now());
    probe.position = { x: p.x, z: p.z, yaw: p.yaw };
  });
  return null;
}
