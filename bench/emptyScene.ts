/**
 * The exhibition benchmark's baseline: an empty three.js scene (the same three.js build the hall
 * ships, the renderer options the hall uses under software WebGL, the same camera), served as a
 * static page with nothing else: no framework, no API requests, no geometry or textures. Its first
 * rendered frame is what any three.js page pays in that browser before drawing anything.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const THREE_BUILD = join(import.meta.dirname, '..', 'node_modules', 'three', 'build');

// Recorded at the start of the second frame, after the first one was drawn: where the hall's
// probe records its own firstRenderMs (client/src/features/exhibition/hall/Walker.tsx).
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Empty scene</title>
<style>html, body { margin: 0; height: 100%; overflow: hidden; }</style>
<script type="importmap">{ "imports": { "three": "/three/three.module.js" } }</script></head>
<body><script type="module">
import * as THREE from 'three';
const renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance', preserveDrawingBuffer: true });
renderer.setPixelRatio(1);
renderer.setSize(innerWidth, innerHeight);
document.body.appendChild(renderer.domElement);
const scene = new THREE.Scene();
const camera = new THREE.PerspectiveCamera(70, innerWidth / innerHeight, 0.1, 120);
let frames = 0;
renderer.setAnimationLoop(() => {
  frames++;
  if (frames === 2) window.__emptyScene = { firstRenderMs: Math.round(performance.now()) };
  renderer.render(scene, camera);
});
</script></body></html>`;

/** Serves the empty scene on loopback; `url` is the page. */
export async function serveEmptyScene(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    // Only the three.js build's own files, by name.
    const file = /^\/three\/(three\.(?:core|module)\.js)$/.exec(path)?.[1];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(THREE_BUILD, file)).then(
      (body) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
