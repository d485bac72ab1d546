import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StandInfo } from '@hybrid-stage/shared';
import { CINEMA, HALL, MAIN_SCREEN, STAND_SOLIDS, rectToHall } from './hallLayout';
import type { Player } from './Walker';

const SCALE = 4; // pixels per metre

/** Screens this narrow (phones upright) open the hall with its map folded away. */
const NARROW = '(max-width: 700px)';

/**
 * A map of the hall in a corner: stands in their colours, the cinema and the main stage, and the
 * visitor as an arrow. Drawn on its own canvas each animation frame from the player ref. A button
 * folds it away: on a phone the map would hide much of the hall (the main stage's banner), so there
 * it starts folded.
 */
export function Minimap({ stands, player, openStand }: { stands: readonly StandInfo[]; player: React.RefObject<Player>; openStand: string | null }) {
  const { t } = useTranslation('exhibition');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState(() => !window.matchMedia(NARROW).matches);
  const id = useId();
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const px = (x: number) => (x - HALL.minX) * SCALE;
    const pz = (z: number) => (z - HALL.minZ) * SCALE;
    let frame = 0;
    const draw = () => {
      ctx.clearRect(0, 0, c.width, c.height);
      ctx.fillStyle = 'rgba(15, 19, 32, 0.85)';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.fillStyle = '#27418f';
      for (const x of [-9, 9]) ctx.fillRect(px(x - 2.5), pz(-27.5), 5 * SCALE, 45 * SCALE);
      ctx.fillStyle = '#4a1526';
      ctx.fillRect(px(CINEMA.minX), pz(CINEMA.minZ), (CINEMA.maxX - CINEMA.minX) * SCALE, (CINEMA.maxZ - CINEMA.minZ) * SCALE);
      ctx.fillStyle = '#e53950';
      ctx.fillRect(px(MAIN_SCREEN.x - MAIN_SCREEN.width / 2), 0, MAIN_SCREEN.width * SCALE, 3);
      for (const s of stands) {
        const r = rectToHall(s.placement, { minX: -2.5, maxX: 2.5, minZ: -3, maxZ: 3 });
        ctx.fillStyle = s.colours.primary;
        ctx.globalAlpha = s.id === openStand ? 1 : 0.75;
        ctx.fillRect(px(r.minX), pz(r.minZ), (r.maxX - r.minX) * SCALE, (r.maxZ - r.minZ) * SCALE);
        ctx.globalAlpha = 1;
        const back = rectToHall(s.placement, STAND_SOLIDS[0]!);
        ctx.fillStyle = '#0b0f1a';
        ctx.fillRect(px(back.minX), pz(back.minZ), Math.max(1, (back.maxX - back.minX) * SCALE), Math.max(1, (back.maxZ - back.minZ) * SCALE));
        if (s.id === openStand) {
          ctx.strokeStyle = '#ffffff';
          ctx.lineWidth = 2;
          ctx.strokeRect(px(r.minX), pz(r.minZ), (r.maxX - r.minX) * SCALE, (r.maxZ - r.minZ) * SCALE);
        }
      }
      const p = player.current;
      ctx.save();
      ctx.translate(px(p.x), pz(p.z));
      ctx.rotate(-p.yaw);
      ctx.fillStyle = '#ffd43b';
      ctx.beginPath();
      ctx.moveTo(0, -8);
      ctx.lineTo(5, 5);
      ctx.lineTo(0, 2);
      ctx.lineTo(-5, 5);
      ctx.closePath();
      ctx.fill();
      ctx.restore();
      frame = requestAnimationFrame(draw);
    };
    draw();
    return () => cancelAnimationFrame(frame);
  }, [stands, player, openStand, shown]);
  return (
    <div className="minimap-box">
      {shown && (
        <canvas
          ref={canvas}
          id={id}
          className="minimap"
          width={(HALL.maxX - HALL.minX) * SCALE}
          height={(HALL.maxZ - HALL.minZ) * SCALE}
          role="img"
          aria-label={t('hall.minimap')}
          data-testid="minimap"
        />
      )}
      <button type="button" className="minimap-toggle secondary" aria-expanded={shown} aria-controls={shown ? id : undefined} onClick={() => setShown((s) => !s)}>
        {t('hall.map')}
      </button>
    </div>
  );
}
