/**
 * The captions benchmark's baseline: a bare socket.io server, the same version and transport as
 * Hybrid Stage's, that does only what no caption server can avoid: viewers join a room, a desk
 * sends a cue, the server acknowledges it and broadcasts it to the room. No schema, no store, no
 * translation, no permissions: what Hybrid Stage adds on a cue's way is measured against this.
 * Run as its own process, like the real server: `node --import tsx bench/bareBroadcastServer.ts PORT`.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2]);
const http = createServer();
const io = new Server(http, { transports: ['websocket'] });
io.on('connection', (socket) => {
  socket.on('captions:join', (_payload: unknown, ack: (answer: unknown) => void) => {
    void socket.join('captions');
    ack({ ok: true, data: {} });
  });
  socket.on('captions:commit', (cue: unknown, ack: (answer: unknown) => void) => {
    io.to('captions').emit('captions:cue', cue);
    ack({ ok: true, data: {} });
  });
});
http.listen(port, '127.0.0.1', () => console.log('bare broadcast server listening'));
process.once('SIGTERM', () => {
  io.close();
  process.exit(0);
});
