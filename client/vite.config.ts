import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/** In `npm run dev` the API and signaling are proxied to the server on API_PORT (default 3000). */
const api = `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;

export default defineConfig(({ command }) => ({
  plugins: [react()],
  // react-router's package exports name only its development build; a production bundle takes the
  // production one beside it (no dev-time checks and warnings on the viewer's first load).
  resolve: command === 'build' ? { alias: { 'react-router': fileURLToPath(import.meta.resolve('react-router').replace('/development/', '/production/')) } } : {},
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': api,
      '/health': api,
      '/socket.io': { target: api, ws: true },
    },
  },
}));
