import { useEffect, useMemo, useRef } from 'react';
import { useFrame, type ThreeEvent } from '@react-three/fiber';
import { MeshBasicMaterial, SRGBColorSpace, VideoTexture, type Texture } from 'three';
import type { CinemaPlayer } from './CinemaPlayer';
import { CINEMA, CINEMA_SCREEN, inCinema } from '../hall/hallLayout';
import type { Player } from '../hall/Walker';
import { updateHallProbe } from '../../../testProbes';

/** How far a visitor may move from where they clicked the screen before it pauses (m). */
const CLICK_STAY_RADIUS = 1.5;

/** Props of {@link CinemaScreen}. */
export interface CinemaScreenProps {
  cinema: CinemaPlayer;
  player: React.RefObject<Player>;
  /** The title card shown before a film has a picture. */
  card: Texture;
}

/**
 * The cinema room's screen: the title card, or the film as a video texture (one draw call either
 * way). Each frame it tells the player whether the visitor watches: inside the room, or still near
 * the spot they clicked the screen from.
 */
export function CinemaScreen({ cinema, player, card }: CinemaScreenProps) {
  const video = cinema.video;
  const texture = useMemo(() => {
    const t = new VideoTexture(video);
    t.colorSpace = SRGBColorSpace;
    return t;
  }, [video]);
  useEffect(() => () => texture.dispose(), [texture]);
  const material = useRef<MeshBasicMaterial>(null);
  const clickedFrom = useRef<{ x: number; z: number } | null>(null);
  useEffect(() => () => updateHallProbe({ cinema: undefined }), []);

  const onClick = (e: ThreeEvent<MouseEvent>) => {
    if (e.delta > 6) return; // a drag to look around
    e.stopPropagation();
    const p = player.current;
    clickedFrom.current = { x: p.x, z: p.z };
    cinema.setWatching(true);
  };

  useFrame(() => {
    const p = player.current;
    const from = clickedFrom.current;
    if (from && Math.hypot(p.x - from.x, p.z - from.z) > CLICK_STAY_RADIUS) clickedFrom.current = null;
    cinema.setWatching(inCinema(p.x, p.z) || !!clickedFrom.current);

    const film = cinema.snapshot().film;
    const map = film && video.readyState >= 2 && video.videoWidth > 0 ? texture : card;
    if (material.current && material.current.map !== map) {
      material.current.map = map;
      material.current.needsUpdate = true;
    }
    updateHallProbe({
      cinema: {
        film: film?.id ?? null,
        playing: !video.paused && !video.ended,
        currentTime: video.currentTime,
        frames: video.getVideoPlaybackQuality().totalVideoFrames,
        muted: video.muted,
      },
    });
  });

  return (
    <mesh position={[CINEMA_SCREEN.x, CINEMA_SCREEN.y, CINEMA.minZ + 0.14]} onClick={onClick}>
      <planeGeometry args={[CINEMA_SCREEN.width, CINEMA_SCREEN.height]} />
      <meshBasicMaterial ref={material} map={card} toneMapped={false} />
    </mesh>
  );
}
