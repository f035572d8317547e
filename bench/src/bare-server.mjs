// The baseline: a bare Socket.IO server with no authentication, validation or database.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, cors: { origin: '*' } });
io.on('connection', (socket) => {
  socket.emit('session', { connectionId: socket.id });
  socket.on('ping', (payload, ack) => ack({ ok: true, t: payload.t, serverTime: Date.now() }));
  // The baseline of a room request: answer with the payload it was sent, nothing else.
  socket.on('echo', (payload, ack) => ack(payload));
});
http.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare server ready'));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
