import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import type { StandInfo } from '@hybrid-stage/shared';
import type { CinemaProbe } from '../cinema/CinemaScreen';
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

/** What a bench or test reads from the page. */
export interface ExhibitionProbe {
  drawCalls: number;
  firstRenderMs: number | null;
  position: { x: number; z: number; yaw: number };
  /** What the main-stage screen shows: the live program's video, or the title card. */
  mainStage: 'live' | 'card';
  /** The cinema room's screen, once the hall has drawn it. */
  cinema?: CinemaProbe;
}

declare global {
  interface Window {
    __exhibition?: ExhibitionProbe;
  }
}

const EYE_HEIGHT = 1.7;
const WALK_SPEED = 4;
const TURN_SPEED = 1.8;
const LOOK_PER_PIXEL = 0.004;
const PINCH_METRES_PER_PIXEL = 0.03;

/** Keys that walk and turn, by `KeyboardEvent.key` (lower case). */
const KEYS = new Set(['w', 'a', 's', 'd', 'arrowup', 'arrowdown', 'arrowleft', 'arrowright']);

/** Whether a key press belongs to a form field, not to walking. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

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
  const pressed = useRef(new Set<string>());
  const near = useRef<string | null>(null);
  const arrived = useRef<string | null>(null);
  const frames = useRef(0);
  const stuck = useRef(0);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const key = e.key.toLowerCase();
      if (!KEYS.has(key) || typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      pressed.current.add(key);
      player.current.target = null;
      player.current.turnTo = null;
    };
    const up = (e: KeyboardEvent) => pressed.current.delete(e.key.toLowerCase());
    const blur = () => pressed.current.clear();
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, [player]);

  useEffect(() => {
    const el = gl.domElement;
    const pointers = new Map<number, { x: number; y: number }>();
    let pinch = 0;
    const spread = () => {
      const [a, b] = [...pointers.values()];
      return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
    };
    const onDown = (e: PointerEvent) => {
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      pinch = spread();
    };
    const onMove = (e: PointerEvent) => {
      const last = pointers.get(e.pointerId);
      if (!last) return;
      const p = player.current;
      if (pointers.size === 1) {
        p.turnTo = null;
        p.yaw += (e.clientX - last.x) * LOOK_PER_PIXEL;
        p.pitch = Math.max(-1.1, Math.min(1.1, p.pitch + (e.clientY - last.y) * LOOK_PER_PIXEL));
      }
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pointers.size === 2) {
        const now = spread();
        const step = (now - pinch) * PINCH_METRES_PER_PIXEL;
        pinch = now;
        const next = move(p.x, p.z, -Math.sin(p.yaw) * step, -Math.cos(p.yaw) * step, rects);
        p.x = next.x;
        p.z = next.z;
      }
    };
    const onUp = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      pinch = spread();
    };
    el.style.touchAction = 'none';
    el.addEventListener('pointerdown', onDown);
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onUp);
    return () => {
      el.removeEventListener('pointerdown', onDown);
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
    };
  }, [gl, player, rects]);

  useFrame((state, rawDelta) => {
    const delta = Math.min(rawDelta, 0.1);
    const p = player.current;
    const keys = pressed.current;
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
    const probe = (window.__exhibition ??= { drawCalls: 0, firstRenderMs: null, position: { x: 0, z: 0, yaw: 0 }, mainStage: 'card' });
    if (frames.current >= 2) probe.drawCalls = state.gl.info.render.calls;
    if (frames.current === 2) probe.firstRenderMs = Math.round(performance.now());
    probe.position = { x: p.x, z: p.z, yaw: p.yaw };
  });
  return null;
}
