import { useEffect, useMemo, useRef } from 'react';
import { useFrame, type ThreeEvent } from '@react-three/fiber';
import { useTranslation } from 'react-i18next';
import { BoxGeometry, CylinderGeometry, InstancedMesh, Matrix4, MeshBasicMaterial, MeshLambertMaterial, Object3D, VideoTexture, type Texture, SRGBColorSpace, Color } from 'three';
import type { Region, StandInfo, StandPresenceCounts } from '@hybrid-stage/shared';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { floorTexture, logoAtlas, screenCard, signTexture } from './hallTextures';
import { directionOf } from '../../../i18n';
import { hallGeometry, logosGeometry, standsGeometry } from './hallGeometry';
import type { CinemaPlayer } from '../cinema/CinemaPlayer';
import { CinemaScreen } from '../cinema/CinemaScreen';
import type { Player } from './Walker';
import { updateHallProbe } from '../../../testProbes';
import { CINEMA, CINEMA_DOOR, HALL, MAIN_SCREEN, frontOf, toHall } from './hallLayout';

/** Props of {@link HallScene}. */
export interface HallSceneProps {
  stands: readonly StandInfo[];
  /** The main channel's program, when it plays. */
  mainStage: MediaStream | null;
  /** The cinema's title card line (in the UI language), shown until a film has a picture. */
  cinemaLine: string;
  /** The cinema room's film player. */
  cinema: CinemaPlayer;
  /** Where the visitor is (read each frame). */
  player: React.RefObject<Player>;
  /** Visitors at each stand now (this visitor included). */
  presence: StandPresenceCounts;
  /** The stand this visitor is at, not drawn as another visitor. */
  ownStand: string | null;
  /** A click on the floor (x, z). */
  onFloorClick: (x: number, z: number) => void;
  /** A click on a stand's structure at (x, z). */
  onStandClick: (x: number, z: number) => void;
}

/** Most other visitors drawn at once. */
const MAX_AVATARS = 96;

/** Frees textures and geometries when they are replaced or the hall closes. */
function useDisposable<T extends { dispose(): void }>(make: () => T, deps: unknown[]): T {
  const value = useMemo(make, deps);
  useEffect(() => () => value.dispose(), [value]);
  return value;
}

/** The main stage's screen: the program as a video texture, or a title card. */
function MainScreen({ stream }: { stream: MediaStream | null }) {
  const { t, i18n } = useTranslation('exhibition');
  const card = useDisposable(() => screenCard(t('scene.mainStage'), t('scene.mainStageWaiting'), directionOf(i18n.language)), [t, i18n.language]);
  const video = useMemo(() => {
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    v.autoplay = true;
    return v;
  }, []);
  const videoTexture = useDisposable(() => {
    const t = new VideoTexture(video);
    t.colorSpace = SRGBColorSpace;
    return t;
  }, [video]);
  const playing = useRef(false);
  const material = useRef<MeshBasicMaterial>(null);
  useEffect(() => {
    video.srcObject = stream;
    playing.current = false;
    if (stream) void video.play().catch(() => undefined);
    return () => void (video.srcObject = null);
  }, [stream, video]);
  useFrame(() => {
    // Switch to the video once it has a picture, back to the card when it stops (or its language changed).
    const hasPicture = !!stream && video.readyState >= 2 && video.videoWidth > 0;
    const map = hasPicture ? videoTexture : card;
    if (material.current && material.current.map !== map) {
      material.current.map = map;
      material.current.needsUpdate = true;
    }
    if (hasPicture !== playing.current) {
      playing.current = hasPicture;
      updateHallProbe({ mainStage: hasPicture ? 'live' : 'card' });
    }
  });
  return (
    <mesh position={[MAIN_SCREEN.x, MAIN_SCREEN.bottom + MAIN_SCREEN.height / 2, HALL.minZ + 0.32]}>
      <planeGeometry args={[MAIN_SCREEN.width, MAIN_SCREEN.height]} />
      <meshBasicMaterial ref={material} toneMapped={false} />
    </mesh>
  );
}

/** A flat sign at a place, facing `turn` radians about y from +z. */
function Sign({ texture, width, height, position, turn = 0 }: { texture: Texture; width: number; height: number; position: [number, number, number]; turn?: number }) {
  return (
    <mesh position={position} rotation={[0, turn, 0]}>
      <planeGeometry args={[width, height]} />
      <meshBasicMaterial map={texture} toneMapped={false} />
    </mesh>
  );
}

/** Rows of chairs (one instanced mesh) in front of a screen. */
function Seats({ rows, perRow, origin, spacing, colour }: { rows: number; perRow: number; origin: [number, number]; spacing: [number, number]; colour: string }) {
  const mesh = useRef<InstancedMesh>(null);
  // A chair: seat and backrest (behind, towards +z, as the seats face the screens to the north).
  const geometry = useDisposable(
    () => mergeGeometries([new BoxGeometry(0.55, 0.45, 0.5).translate(0, 0.225, 0), new BoxGeometry(0.55, 0.55, 0.08).translate(0, 0.72, 0.21)])!,
    [],
  );
  useEffect(() => {
    const m = mesh.current;
    if (!m) return;
    const o = new Object3D();
    let i = 0;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < perRow; c++) {
        o.position.set(origin[0] + c * spacing[0], 0, origin[1] + r * spacing[1]);
        o.updateMatrix();
        m.setMatrixAt(i++, o.matrix);
      }
    m.instanceMatrix.needsUpdate = true;
  }, [rows, perRow, origin, spacing]);
  return (
    <instancedMesh ref={mesh} args={[geometry, undefined, rows * perRow]}>
      <meshLambertMaterial color={colour} />
    </instancedMesh>
  );
}

/** Other visitors, as simple figures in front of the stands they are at. */
function Visitors({ stands, presence, ownStand }: Pick<HallSceneProps, 'stands' | 'presence' | 'ownStand'>) {
  const mesh = useRef<InstancedMesh>(null);
  const geometry = useDisposable(() => new CylinderGeometry(0.22, 0.28, 1.7, 10).translate(0, 0.85, 0), []);
  useEffect(() => {
    const m = mesh.current;
    if (!m) return;
    const o = new Object3D();
    const palette = ['#f59f00', '#4dabf7', '#69db7c', '#f783ac', '#e599f7', '#ffd43b'];
    let i = 0;
    for (const stand of stands) {
      const others = (presence[stand.id] ?? 0) - (stand.id === ownStand ? 1 : 0);
      for (let k = 0; k < others && i < MAX_AVATARS; k++, i++) {
        const spot = toHall(stand.placement, 1.9 + (k % 2) * 0.9, -1.6 + Math.floor(k / 2) * 0.8);
        o.position.set(spot.x, 0, spot.z);
        o.updateMatrix();
        m.setMatrixAt(i, o.matrix);
        m.setColorAt(i, new Color(palette[(k + stand.id.length) % palette.length]));
      }
    }
    m.count = i;
    m.instanceMatrix.needsUpdate = true;
    if (m.instanceColor) m.instanceColor.needsUpdate = true;
  }, [stands, presence, ownStand]);
  return (
    <instancedMesh ref={mesh} args={[geometry, undefined, MAX_AVATARS]} frustumCulled={false}>
      <meshLambertMaterial color="#ffffff" />
    </instancedMesh>
  );
}

/** Ceiling lights over the aisles (one instanced mesh). */
function CeilingLights() {
  const mesh = useRef<InstancedMesh>(null);
  const geometry = useDisposable(() => new BoxGeometry(2.4, 0.12, 0.6), []);
  const spots = useMemo(() => {
    const list: [number, number][] = [];
    for (const x of [-15, -9, -3, 3, 9, 15]) for (let z = HALL.minZ + 8; z < HALL.maxZ - 2; z += 8) list.push([x, z]);
    return list;
  }, []);
  useEffect(() => {
    const m = mesh.current;
    if (!m) return;
    const matrix = new Matrix4();
    spots.forEach(([x, z], i) => m.setMatrixAt(i, matrix.makeTranslation(x, 8.3, z)));
    m.instanceMatrix.needsUpdate = true;
  }, [spots]);
  return (
    <instancedMesh ref={mesh} args={[geometry, undefined, spots.length]}>
      <meshBasicMaterial color="#fff6e0" />
    </instancedMesh>
  );
}

// Constant seat layouts: new arrays on every render would re-lay every seat's instance matrix.
const MAIN_SEATS_ORIGIN: [number, number] = [MAIN_SCREEN.x - 6.5, HALL.minZ + 6.5];
const MAIN_SEATS_SPACING: [number, number] = [1, 1.3];
const CINEMA_SEATS_ORIGIN: [number, number] = [CINEMA.minX + 2.5, CINEMA.minZ + 4];
const CINEMA_SEATS_SPACING: [number, number] = [0.9, 1.4];

/**
 * The exhibition hall: stands, logos, the main-stage screen, the cinema, seats, signs and visitors.
 * Signs and region names are drawn in the UI language, again when it changes.
 */
export function HallScene({ stands, mainStage, cinemaLine, cinema, player, presence, ownStand, onFloorClick, onStandClick }: HallSceneProps) {
  const { t, i18n } = useTranslation('exhibition');
  const language = i18n.language;
  const direction = directionOf(language);
  const atlas = useMemo(() => logoAtlas(stands, (region: Region) => t(`regions.${region}`).toLocaleUpperCase(language)), [stands, t, language]);
  useEffect(() => () => atlas.texture.dispose(), [atlas]);
  const standGeometry = useDisposable(() => standsGeometry(stands), [stands]);
  const logoGeometry = useDisposable(() => logosGeometry(stands, atlas.rows), [stands, atlas]);
  const hall = useDisposable(() => hallGeometry(), []);
  const floor = useDisposable(() => {
    const t = floorTexture();
    t.repeat.set((HALL.maxX - HALL.minX) / 4, (HALL.maxZ - HALL.minZ) / 4);
    return t;
  }, []);
  const welcome = useDisposable(() => signTexture(t('scene.welcome'), t('scene.welcomeLine', { count: stands.length }), '#3b5bdb', 1024, 256, direction), [t, language, stands.length]);
  const liveSign = useDisposable(() => signTexture(t('scene.liveSign'), '', '#e53950', 1024, 160, direction), [t, language]);
  const cinemaSign = useDisposable(() => signTexture(t('scene.cinemaSign'), '', '#f59f00', 512, 160, direction), [t, language]);
  const cinemaScreen = useDisposable(() => screenCard(t('scene.cinema'), cinemaLine, direction), [t, language, cinemaLine]);
  const standMaterial = useDisposable(() => new MeshLambertMaterial({ vertexColors: true }), []);
  const hallMaterial = useDisposable(() => new MeshLambertMaterial({ vertexColors: true }), []);
  const logoMaterial = useDisposable(() => new MeshBasicMaterial({ map: atlas.texture, toneMapped: false }), [atlas]);

  const clickOn = (handler: (x: number, z: number) => void) => (e: ThreeEvent<MouseEvent>) => {
    if (e.delta > 6) return; // a drag to look around, not a click
    e.stopPropagation();
    handler(e.point.x, e.point.z);
  };
  const cx = (HALL.minX + HALL.maxX) / 2;
  const cz = (HALL.minZ + HALL.maxZ) / 2;
  const arrows = useMemo(() => stands.map((s) => ({ id: s.id, ...frontOf(s.placement) })), [stands]);

  return (
    <>
      <color attach="background" args={['#0a0d18']} />
      <fog attach="fog" args={['#0a0d18', 30, 85]} />
      <hemisphereLight args={['#dfe6ff', '#2a2f45', 1.6]} />
      <directionalLight position={[12, 20, 8]} intensity={1.4} />
      <mesh rotation={[-Math.PI / 2, 0, 0]} position={[cx, 0, cz]} onClick={clickOn(onFloorClick)}>
        <planeGeometry args={[HALL.maxX - HALL.minX, HALL.maxZ - HALL.minZ]} />
        <meshLambertMaterial map={floor} />
      </mesh>
      <mesh geometry={hall} material={hallMaterial} onClick={clickOn(onFloorClick)} />
      <mesh geometry={standGeometry} material={standMaterial} onClick={clickOn(onStandClick)} />
      <mesh geometry={logoGeometry} material={logoMaterial} onClick={clickOn(onStandClick)} />
      <CeilingLights />
      <MainScreen stream={mainStage} />
      <Sign texture={liveSign} width={8} height={1.25} position={[MAIN_SCREEN.x, MAIN_SCREEN.bottom + MAIN_SCREEN.height + 0.9, HALL.minZ + 0.35]} />
      {[-9, 9].map((x) => (
        <Sign key={x} texture={welcome} width={8} height={2} position={[x, 6.6, 17.5]} />
      ))}
      <Sign texture={cinemaSign} width={3.2} height={1} position={[(CINEMA_DOOR.minX + CINEMA_DOOR.maxX) / 2, 3.4, CINEMA.maxZ + 0.02]} />
      <Sign texture={cinemaSign} width={4} height={1.25} position={[CINEMA.maxX + 0.06, 3.2, (CINEMA.minZ + CINEMA.maxZ) / 2]} turn={Math.PI / 2} />
      <CinemaScreen cinema={cinema} player={player} card={cinemaScreen} />
      <Seats rows={5} perRow={14} origin={MAIN_SEATS_ORIGIN} spacing={MAIN_SEATS_SPACING} colour="#c92a3a" />
      <Seats rows={4} perRow={8} origin={CINEMA_SEATS_ORIGIN} spacing={CINEMA_SEATS_SPACING} colour="#7a1f2b" />
      <Visitors stands={stands} presence={presence} ownStand={ownStand} />
      {arrows.length > 0 && <StandMarkers spots={arrows} />}
    </>
  );
}

/** A glowing spot on the floor in front of each stand: where to stand to visit it. */
function StandMarkers({ spots }: { spots: { x: number; z: number }[] }) {
  const mesh = useRef<InstancedMesh>(null);
  const geometry = useDisposable(() => new CylinderGeometry(0.6, 0.6, 0.02, 24), []);
  useEffect(() => {
    const m = mesh.current;
    if (!m) return;
    const matrix = new Matrix4();
    spots.forEach((s, i) => m.setMatrixAt(i, matrix.makeTranslation(s.x, 0.03, s.z)));
    m.instanceMatrix.needsUpdate = true;
  }, [spots]);
  return (
    <instancedMesh ref={mesh} args={[geometry, undefined, spots.length]}>
      <meshBasicMaterial color="#4c6ef5" transparent opacity={0.35} />
    </instancedMesh>
  );
}
