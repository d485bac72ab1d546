import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** In `npm run dev` the API and signaling are proxied to the server on API_PORT (default 3000). */
const api = `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': api,
      '/health': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
