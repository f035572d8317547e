// The baseline: a bare Socket.IO server with no authentication, validation or database.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, cors: { origin: '*' } });
io.on('connection', (socket) => {
  socket.emit('session', { connectionId: socket.id });
  socket.on('ping', (payload, ack) => ack({ ok: true, t: payload.t, serverTime: Date.now() }));
  // The baseline of a room request: join a Socket.IO room, and tell the others in it what the
  // sender sent, then acknowledge — the same fan-out as update_media_state, without the rest.
  socket.on('join', (roomId, ack) => {
    void socket.join(roomId);
    ack({ ok: true });
  });
  socket.on('relay', (payload, ack) => {
    socket.to(payload.roomId).emit('participant_updated', payload);
    ack({ ok: true });
  });
});
http.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare server ready'));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
