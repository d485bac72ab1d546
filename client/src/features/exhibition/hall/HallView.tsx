import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Canvas } from '@react-three/fiber';
import { useTranslation } from 'react-i18next';
import type { StandInfo, StandPresenceCounts } from '@hybrid-stage/shared';
import { useWatch } from '../../../player/useWatch';
import { useBackOnAir } from '../../../player/useBackOnAir';
import { useEvent } from '../../../signaling/useEvent';
import { CinemaHud } from '../cinema/CinemaHud';
import { CinemaPlayer } from '../cinema/CinemaPlayer';
import { exhibitionApi } from '../exhibitionApi';
import { HallScene } from './HallScene';
import { ENTRANCE, frontOf, nearestStand, standAt, yawTowards } from './hallLayout';
import { Minimap } from './Minimap';
import { Walker, type Player } from './Walker';
import { useHallInput } from '../useHallInput';

/** Props of {@link HallView}. */
export interface HallViewProps {
  stands: readonly StandInfo[];
  presence: StandPresenceCounts;
  openStand: string | null;
  onOpen: (standId: string) => void;
}

/**
 * Whether WebGL runs on the CPU (SwiftShader, llvmpipe): then the hall skips multisampling and
 * high-density pixels, which cost such a renderer several times the frame time.
 */
function softwareRenderer(): boolean {
  const gl = document.createElement('canvas').getContext('webgl');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = info ? String(gl!.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software/i.test(renderer);
}

/**
 * The 3D hall: a canvas with the scene and the walker, and HTML over it (outside the canvas): the
 * minimap, the hint for the stand nearby and the controls. The main stage's live program plays on
 * the big screen through this viewer's own consumer of the main channel; the cinema room plays the
 * film library (one video element, made here and closed when the hall closes).
 */
export default function HallView({ stands, presence, openStand, onOpen }: HallViewProps) {
  const player = useRef<Player>({ x: ENTRANCE.x, z: ENTRANCE.z, yaw: ENTRANCE.yaw, pitch: 0, target: null, turnTo: null });
  const [near, setNear] = useState<string | null>(null);
  const { t, i18n } = useTranslation('exhibition');
  const [films, setFilms] = useState<string[]>([]);
  const [cinema, setCinema] = useState<CinemaPlayer | null>(null);
  const line = films.length ? t('scene.nowShowing', { titles: films.join(' · ') }) : t('scene.filmsSoon');
  const [software] = useState(softwareRenderer);
  const event = useEvent();
  const mainChannel = event?.channels.find((c) => c.kind === 'main') ?? event?.channels[0];
  const source = useMemo(() => (mainChannel ? ({ kind: 'channel', id: mainChannel.id } as const) : undefined), [mainChannel?.id]);
  // A cut between feeds keeps the consumers; a channel back on air after a gap is joined again.
  const watch = useWatch(source, useBackOnAir(mainChannel?.program));
  const stream = watch.kind === 'playing' ? watch.watch.stream : null;

  useEffect(() => {
    const opened = new CinemaPlayer();
    setCinema(opened);
    return () => opened.close();
  }, []);
  useEffect(() => {
    if (!cinema) return;
    let alive = true;
    // Without the film list the hall still opens, its screen dark.
    exhibitionApi.films().then(
      (list) => {
        if (!alive) return;
        cinema.setFilms(list);
        setFilms(list.slice(0, 3).map((f) => f.title));
      },
      () => undefined,
    );
    return () => void (alive = false);
  }, [cinema]);
  useEffect(() => cinema?.setLanguage(i18n.language), [cinema, i18n.language]);

  const visit = useCallback(
    (standId: string) => {
      const stand = stands.find((s) => s.id === standId);
      if (!stand) return;
      const front = frontOf(stand.placement);
      const p = player.current;
      if (Math.hypot(front.x - p.x, front.z - p.z) > 0.5) p.target = { ...front, yaw: yawTowards(front, stand.placement) };
      onOpen(standId);
    },
    [stands, onOpen],
  );

  // E visits the stand nearby (the hint button says so).
  useHallInput({
    onPress: {
      e: () => {
        const nearest = nearestStand(player.current.x, player.current.z, stands);
        if (near && nearest) visit(nearest.stand.id);
      },
    },
  });

  const nearStand = stands.find((s) => s.id === near);
  return (
    <div className="hall" data-testid="hall">
      <Canvas
        className="hall-canvas"
        camera={{ fov: 70, near: 0.1, far: 120, position: [ENTRANCE.x, 1.7, ENTRANCE.z] }}
        dpr={software ? 1 : [1, 1.5]}
        gl={{ antialias: !software, powerPreference: 'high-performance', preserveDrawingBuffer: true }}
        // The canvas's container is a picture to assistive technology (an aria-label needs a role):
        // not role="application", because the walking keys are listened to on the window, not on a
        // focused element, and the hall's accessible equivalent is the list view (`?view=list`).
        role="img"
        aria-label={t('hall.canvas')}
      >
        {cinema && (
          <HallScene
            stands={stands}
            mainStage={stream}
            cinemaLine={line}
            cinema={cinema}
            player={player}
            presence={presence}
            ownStand={openStand}
            onFloorClick={(x, z) => (player.current.target = { x, z })}
            onStandClick={(x, z) => {
              const stand = standAt(x, z, stands) ?? nearestStand(x, z, stands)?.stand;
              if (stand) visit(stand.id);
            }}
          />
        )}
        <Walker player={player} stands={stands} onNear={setNear} onArrive={onOpen} />
      </Canvas>
      <Minimap stands={stands} player={player} openStand={openStand} />
      {cinema && <CinemaHud cinema={cinema} />}
      <div className="hall-help" aria-hidden="true">
        <kbd>W</kbd> <kbd>A</kbd> <kbd>S</kbd> <kbd>D</kbd> {t('hall.help')}
      </div>
      {nearStand && nearStand.id !== openStand && (
        <button type="button" className="hall-hint" onClick={() => visit(nearStand.id)}>
          <kbd>E</kbd> {t('hall.visit', { name: nearStand.exhibitor })}
        </button>
      )}
    </div>
  );
}
