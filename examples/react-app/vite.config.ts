import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createJoinToken } from '@minimeet/host';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The app's backend, kept inside the dev and preview servers so that one command runs the example:
 * `GET /join?room=…&name=…` answers `{ server, room, token }` with a join token signed with the
 * API key in `MINIMEET_API_KEY_ID` / `MINIMEET_API_SECRET`. A real app signs in its own backend,
 * for the user of its own session.
 */
function joinTokens(): Plugin {
  const handle = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/join') return next();
    const answer = (status: number, body: unknown) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    const { MINIMEET_API_KEY_ID: id, MINIMEET_API_SECRET: secret } = process.env;
    if (!id || !secret) {
      return answer(500, { error: 'Set MINIMEET_API_KEY_ID and MINIMEET_API_SECRET.' });
    }
    const room = url.searchParams.get('room') || 'standup';
    createJoinToken(
      { id, secret },
      {
        identity: `react-${randomUUID()}`,
        name: url.searchParams.get('name') || 'Guest',
        grants: { room, role: 'member', canPublish: true, canSubscribe: true, canChat: true },
        ttlSeconds: 600,
      },
    ).then(
      (token) =>
        answer(200, { server: process.env.MINIMEET_URL ?? 'http://localhost:3000', room, token }),
      (error: unknown) => answer(400, { error: String(error) }),
    );
  };
  return {
    name: 'minimeet-join-tokens',
    configureServer: (server) => void server.middlewares.use(handle),
    configurePreviewServer: (server) => void server.middlewares.use(handle),
  };
}

export default defineConfig({
  plugins: [react(), joinTokens()],
  build: { sourcemap: true },
});
