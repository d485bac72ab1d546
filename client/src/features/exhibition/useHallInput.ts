import { useEffect, useRef, type RefObject } from 'react';

/** What {@link useHallInput} listens for; every callback is optional and may change on every render. */
export interface HallInputOptions {
  /** The element a drag or a pinch starts on (the 3D canvas, the panorama); none: no pointer input. */
  surface?: HTMLElement | null;
  /** Keys that are held to walk or turn, by `KeyboardEvent.key` in lower case: kept in `held` while down. */
  holdKeys?: ReadonlySet<string>;
  /** One of `holdKeys` went down (walking by keyboard takes over from a walk to a clicked spot). */
  onHold?: () => void;
  /** Keys that act once when pressed, by `KeyboardEvent.key` in lower case ('e' visits the stand nearby). */
  onPress?: Readonly<Record<string, () => void>>;
  /** Escape was pressed, in a form field too: close what is open (the stand panel). */
  onEscape?: () => void;
  /** One pointer (a mouse, a finger) dragged by `dx`, `dy` pixels: look around. */
  onLook?: (dx: number, dy: number) => void;
  /** Two fingers' spread grew by `grow` pixels (shrank, when negative): walk. */
  onPinch?: (grow: number) => void;
}

/** Whether a key press belongs to a form field, not to walking. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/**
 * The exhibition's one input handling, for the page, the hall and the HQ tour: held keys (WASD,
 * arrows) read each frame from `held`, keys that act once, Escape, dragging to look with a mouse or
 * one finger and pinching with two. Keys typed into a form field, or with Ctrl, Alt or Meta, are not movements;
 * held keys are let go when the window loses focus (the key-up would never come). A drag that leaves
 * the surface goes on until the pointer is released.
 */
export function useHallInput(options: HallInputOptions): { held: RefObject<Set<string>> } {
  const held = useRef(new Set<string>());
  // The newest callbacks, read when an event comes: the listeners stay put across renders.
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.key === 'Escape') return latest.current.onEscape?.();
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const key = e.key.toLowerCase();
      const { holdKeys, onHold, onPress } = latest.current;
      if (holdKeys?.has(key)) {
        e.preventDefault();
        held.current.add(key);
        onHold?.();
      } else onPress?.[key]?.();
    };
    const up = (e: KeyboardEvent) => held.current.delete(e.key.toLowerCase());
    const blur = () => held.current.clear();
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, []);

  const { surface } = options;
  useEffect(() => {
    if (!surface) return;
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
      if (pointers.size === 1) latest.current.onLook?.(e.clientX - last.x, e.clientY - last.y);
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pointers.size === 2) {
        const now = spread();
        const grow = now - pinch;
        pinch = now;
        latest.current.onPinch?.(grow);
      }
    };
    const onUp = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      pinch = spread();
    };
    // The page does not scroll or zoom under a finger that looks or walks.
    surface.style.touchAction = 'none';
    surface.addEventListener('pointerdown', onDown);
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onUp);
    return () => {
      surface.removeEventListener('pointerdown', onDown);
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
    };
  }, [surface]);

  return { held };
}
