// A host app's backend in one file: it signs minimeet join tokens offline with an API key, so the
// app's users join rooms without a minimeet account and the secret never reaches a browser.
//
//   MINIMEET_API_KEY_ID=mk_… MINIMEET_API_SECRET=mks_… node server.mjs
//   curl 'http://localhost:4000/join?room=visit-1001&user=patient-42'
import { createServer } from 'node:http';
import { createJoinToken, JoinTokenError } from '@minimeet/host';

const keyId = process.env.MINIMEET_API_KEY_ID;
const secret = process.env.MINIMEET_API_SECRET;
const serverUrl = process.env.MINIMEET_URL ?? 'http://localhost:3000';
const port = Number(process.env.PORT ?? 4000);
const ttlSeconds = Number(process.env.JOIN_TOKEN_TTL ?? 600);

if (!keyId || !secret) {
  console.error('Set MINIMEET_API_KEY_ID and MINIMEET_API_SECRET (from POST /api/api-keys).');
  process.exit(2);
}

/** Signs a join token for one user of the host app, admitting them to one room. */
const sign = (identity, name, room) =>
  createJoinToken(
    { id: keyId, secret },
    {
      identity,
      name,
      grants: { room, role: 'member', canPublish: true, canSubscribe: true, canChat: true },
      ttlSeconds,
    },
  );

// Fail at start, not at the first request, when the key or the TTL is malformed.
try {
  await sign('startup-check', 'Startup check', 'startup-check');
} catch (err) {
  console.error(`Cannot sign join tokens: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

/** Writes a JSON answer; errors use minimeet's own `{ error: { code, message } }` shape. */
function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

const fail = (res, status, code, message) => send(res, status, { error: { code, message } });

/** The `exp` claim of a JWT, as an ISO 8601 string. */
function expiryOf(token) {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  return new Date(claims.exp * 1000).toISOString();
}

async function join(url, res) {
  const room = url.searchParams.get('room');
  // A real backend takes the user from its own session or cookie, never from the query string:
  // whoever can call this endpoint can join as anyone. The query keeps the example self-contained.
  const user = url.searchParams.get('user');
  if (!room || !user) {
    return fail(res, 400, 'validation_failed', 'Give ?room=<room id>&user=<user id>.');
  }
  try {
    const token = await sign(user, url.searchParams.get('name') ?? user, room);
    send(res, 200, { serverUrl, room, token, expiresAt: expiryOf(token) });
  } catch (err) {
    if (err instanceof JoinTokenError) return fail(res, 400, 'validation_failed', err.message);
    throw err;
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/join') return fail(res, 404, 'not_found', 'Try GET /join?room=…&user=….');
  if (req.method !== 'GET') return fail(res, 405, 'not_found', 'Use GET.');
  join(url, res).catch((err) => {
    console.error(err);
    fail(res, 500, 'internal_error', 'Could not sign the join token.');
  });
});

server.listen(port, () => {
  console.log(`host-app backend on http://localhost:${port}/join (minimeet at ${serverUrl})`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
