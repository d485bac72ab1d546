import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { useTranslation } from 'react-i18next';
import { CanvasTexture, SphereGeometry, SRGBColorSpace } from 'three';
import { directionOf } from '../../../i18n';
import { PANORAMAS, type Hotspot } from './panoramas';
import { reportPanoramaMs } from '../../../testProbes';
import { useHallInput } from '../useHallInput';

/** Equirectangular size drawn per panorama. */
const WIDTH = 2048;
const HEIGHT = 1024;
const KEY_TURN = 1.4;
const LOOK_PER_PIXEL = 0.004;
/** Keys that turn the view, by `KeyboardEvent.key` (lower case). */
const KEYS = new Set(['arrowleft', 'arrowright', 'arrowup', 'arrowdown', 'a', 'd', 'w', 's']);

/** Panoramas already drawn this page load, by place and language (drawing one takes about a second). */
const drawn = new Map<string, HTMLCanvasElement>();

interface View {
  yaw: number;
  pitch: number;
}

/** The yaw that looks along a hotspot's angle. */
const yawOf = (angle: number) => Math.atan2(-Math.cos(angle), -Math.sin(angle));

/** A hotspot's sign: an arrow and the place's name, written in the UI language's direction. */
function label(text: string, direction: 'ltr' | 'rtl'): CanvasTexture {
  const c = document.createElement('canvas');
  c.width = 512;
  c.height = 128;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = 'rgba(12, 16, 32, 0.85)';
  ctx.beginPath();
  ctx.roundRect(4, 4, 504, 120, 60);
  ctx.fill();
  ctx.strokeStyle = '#ffd43b';
  ctx.lineWidth = 6;
  ctx.stroke();
  ctx.fillStyle = '#fff';
  ctx.font = `700 46px system-ui, 'DejaVu Sans', sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.direction = direction;
  ctx.fillText(`${direction === 'rtl' ? '←' : '➜'} ${text}`, 256, 66, 470);
  const t = new CanvasTexture(c);
  t.colorSpace = SRGBColorSpace;
  return t;
}

function HotspotSprite({ hotspot, onGo }: { hotspot: Hotspot; onGo: (to: string) => void }) {
  const { t, i18n } = useTranslation('exhibition');
  const text = t(`hq.hotspots.${hotspot.to}`);
  const direction = directionOf(i18n.language);
  const texture = useMemo(() => label(text, direction), [text, direction]);
  useEffect(() => () => texture.dispose(), [texture]);
  const r = 12;
  return (
    <sprite
      position={[Math.cos(hotspot.angle) * r, -2.2, Math.sin(hotspot.angle) * r]}
      scale={[4, 1, 1]}
      onClick={(e) => {
        if (e.delta > 6) return;
        e.stopPropagation();
        onGo(hotspot.to);
      }}
    >
      <spriteMaterial map={texture} depthTest={false} />
    </sprite>
  );
}

function Look({ view, keys }: { view: React.RefObject<View>; keys: React.RefObject<Set<string>> }) {
  const { camera } = useThree();
  useFrame((_, delta) => {
    const v = view.current;
    const k = keys.current;
    const d = Math.min(delta, 0.1) * KEY_TURN;
    if (k.has('arrowleft') || k.has('a')) v.yaw += d;
    if (k.has('arrowright') || k.has('d')) v.yaw -= d;
    if (k.has('arrowup') || k.has('w')) v.pitch = Math.min(1.4, v.pitch + d);
    if (k.has('arrowdown') || k.has('s')) v.pitch = Math.max(-1.4, v.pitch - d);
    camera.rotation.set(v.pitch, v.yaw, 0, 'YXZ');
  });
  return null;
}

/**
 * The stroll around headquarters: 360° panoramas drawn at run time, linked by hotspots. Look around
 * by dragging, with the arrow keys, or by turning the device; go on with the hotspots or the buttons.
 */
export default function HqTour() {
  const { t, i18n } = useTranslation('exhibition');
  const language = i18n.language;
  const [placeId, setPlaceId] = useState('lobby');
  const place = PANORAMAS.find((p) => p.id === placeId)!;
  const view = useRef<View>({ yaw: yawOf(place.hotspots[0]!.angle), pitch: 0 });
  const [orientation, setOrientation] = useState(false);
  const texture = useMemo(() => {
    const key = `${place.id}:${language}`;
    let picture = drawn.get(key);
    if (!picture) {
      const started = performance.now();
      picture = place.draw(WIDTH, HEIGHT, (sign) => t(`hq.signs.${sign}`));
      reportPanoramaMs(Math.round(performance.now() - started));
      drawn.set(key, picture);
    }
    const map = new CanvasTexture(picture);
    map.colorSpace = SRGBColorSpace;
    return map;
  }, [place, language, t]);
  useEffect(() => () => texture.dispose(), [texture]);
  const sphere = useMemo(() => new SphereGeometry(50, 64, 32).scale(-1, 1, 1), []);
  useEffect(() => () => sphere.dispose(), [sphere]);

  const go = (to: string) => {
    const from = placeId;
    setPlaceId(to);
    const back = PANORAMAS.find((p) => p.id === to)?.hotspots.find((h) => h.to === from);
    // Arriving, look away from the way back: into the new place.
    view.current = { yaw: back ? yawOf(back.angle + Math.PI) : view.current.yaw, pitch: 0 };
  };

  const [surface, setSurface] = useState<HTMLDivElement | null>(null);
  const { held: keys } = useHallInput({
    surface,
    holdKeys: KEYS,
    onLook: (dx, dy) => {
      view.current.yaw += dx * LOOK_PER_PIXEL;
      view.current.pitch = Math.max(-1.4, Math.min(1.4, view.current.pitch + dy * LOOK_PER_PIXEL));
    },
  });

  useEffect(() => {
    if (!orientation) return;
    const onTurn = (e: DeviceOrientationEvent) => {
      if (e.alpha === null || e.beta === null) return;
      view.current.yaw = (e.alpha * Math.PI) / 180;
      view.current.pitch = Math.max(-1.4, Math.min(1.4, ((e.beta - 90) * Math.PI) / 180));
    };
    window.addEventListener('deviceorientation', onTurn);
    return () => window.removeEventListener('deviceorientation', onTurn);
  }, [orientation]);

  const enableOrientation = async () => {
    const request = (DeviceOrientationEvent as unknown as { requestPermission?: () => Promise<string> }).requestPermission;
    if (request && (await request().catch(() => 'denied')) !== 'granted') return;
    setOrientation((o) => !o);
  };

  return (
    <section className="exhibition hq">
      <div className="exhibition-bar">
        <h1>{t('hq.title')}</h1>
        <Link to="/exhibition" className="button secondary">
          {t('hq.back')}
        </Link>
        <button type="button" className="secondary" aria-pressed={orientation} onClick={() => void enableOrientation()}>
          {t('hq.orientation')}
        </button>
      </div>
      <div
        className="hq-view"
        data-testid="hq-view"
        ref={setSurface}
      >
        {/* A picture to assistive technology, as the hall (see HallView): the arrow keys are heard on
            the window, and the buttons under the caption go on to the other places. */}
        <Canvas camera={{ fov: 75, position: [0, 0, 0.01] }} dpr={[1, 1.5]} gl={{ preserveDrawingBuffer: true }} role="img" aria-label={t('hq.view', { place: t(`hq.places.${place.id}.title`) })}>
          <mesh geometry={sphere}>
            <meshBasicMaterial map={texture} toneMapped={false} />
          </mesh>
          {place.hotspots.map((h) => (
            <HotspotSprite key={`${place.id}-${h.to}`} hotspot={h} onGo={go} />
          ))}
          <Look view={view} keys={keys} />
        </Canvas>
        <div className="hq-caption">
          <h2>{t(`hq.places.${place.id}.title`)}</h2>
          <p>{t(`hq.places.${place.id}.description`)}</p>
          <nav aria-label={t('hq.goTo')}>
            {place.hotspots.map((h) => (
              <button key={h.to} type="button" onClick={() => go(h.to)}>
                {t(`hq.hotspots.${h.to}`)}
              </button>
            ))}
          </nav>
          <p className="muted">{t('hq.hint')}</p>
        </div>
      </div>
    </section>
  );
}
