// The baseline: a bare Socket.IO server with no authentication, validation or database.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, cors: { origin: '*' } });
// Several bare nodes share rooms through the same Socket.IO Redis Streams adapter the server uses
// (resolved from packages/server), when BARE_REDIS_URL is set.
let redis;
if (process.env.BARE_REDIS_URL) {
  const fromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));
  const { Redis } = fromServer('ioredis');
  const { createAdapter } = fromServer('@socket.io/redis-streams-adapter');
  redis = new Redis(process.env.BARE_REDIS_URL);
  const prefix = process.env.BARE_REDIS_PREFIX ?? 'bare:';
  io.adapter(
    createAdapter(redis, { streamName: `${prefix}socket.io`, channelPrefix: `${prefix}socket.io` }),
  );
}
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
  // The baseline of chat_message: broadcast the payload to the others in the room, then acknowledge.
  socket.on('chat', (payload, ack) => {
    socket.to(payload.roomId).emit('chat_message', { message: payload });
    ack({ ok: true, message: payload });
  });
  // The baseline of presence: follow users by joining a room per user, and tell a user's followers
  // of a change by emitting to that room (the bare server trusts the client about who it is).
  socket.on('join_many', (roomIds, ack) => {
    void socket.join(roomIds);
    ack({ ok: true });
  });
  socket.on('presence_set', (payload, ack) => {
    const presence = {
      userId: payload.userId,
      state: payload.state,
      roomId: null,
      statusText: null,
      lastSeenAt: new Date().toISOString(),
    };
    socket.to(`presence:${payload.userId}`).emit('presence_changed', presence);
    ack({ ok: true, presence });
  });
});
http.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare server ready'));
process.on('SIGTERM', () =>
  io.close(() => {
    redis?.disconnect();
    process.exit(0);
  }),
);
