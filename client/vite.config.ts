import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/** In `npm run dev` the API and signaling are proxied to the server on API_PORT (default 3000). */
const api = `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;

/**
 * The watch page imports mediasoup-client lazily (see MediaSession); this has the page fetch it at
 * once, beside the first chunk, instead of after the first chunk has run.
 */
function preloadMediaClient(): Plugin {
  return {
    name: 'hybrid-stage:preload-media-client',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, { bundle }) =>
        Object.values(bundle ?? {})
          .filter((chunk) => chunk.type === 'chunk' && chunk.isDynamicEntry && chunk.moduleIds.some((id) => id.includes('/node_modules/mediasoup-client/')))
          .map((chunk) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` }, injectTo: 'head' as const })),
    },
  };
}

export default defineConfig(({ command }) => ({
  plugins: [react(), preloadMediaClient()],
  // react-router's package exports name only its development build; a production bundle takes the
  // production one beside it (no dev-time checks and warnings on the viewer's first load).
  resolve: command === 'build' ? { alias: { 'react-router': fileURLToPath(import.meta.resolve('react-router').replace('/development/', '/production/')) } } : {},
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // The chunk the exhibition's 3D views share is three.js (with react-three-fiber) and is named
        // so, whichever small module of ours (the test probes) rides along and would name it.
        chunkFileNames: (chunk) => `assets/${!chunk.isDynamicEntry && chunk.moduleIds.some((id) => /[\\/]node_modules[\\/]three[\\/]/.test(id)) ? 'three' : '[name]'}-[hash].js`,
      },
    },
  },
  server: {
    proxy: {
      '/api': api,
      '/health': api,
      '/socket.io': { target: api, ws: true },
    },
  },
}));
