import { useTranslation } from 'react-i18next';

/** How the picture reaches the viewer: WebRTC (real time) or HLS (over HTTP, some seconds behind). */
export type PlaybackPath = 'webrtc' | 'hls';

/** Says which path plays and, over HLS, how far behind live the picture is. */
export function PathBadge({ path, behindMs }: { path: PlaybackPath; behindMs: number | undefined }) {
  const { t } = useTranslation('viewer');
  const text = path === 'webrtc' ? t('path.realTime') : behindMs === undefined ? t('path.hlsStarting') : t('path.hlsBehind', { seconds: Math.round(behindMs / 1000) });
  return (
    <span className={`badge badge-path badge-path-${path}`} data-testid="path-badge" data-path={path}>
      {text}
    </span>
  );
}
