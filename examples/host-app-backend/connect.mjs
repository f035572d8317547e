// What the host app's browser code does, runnable in Node: get a join token from the backend and
// connect to minimeet with the SDK. The token provider asks the backend again for every reconnect
// and before the token expires, so a long call never runs on a stale token.
//
//   node connect.mjs [room] [user]
import { ClientEvent, ConnectionError, createClient } from '@minimeet/sdk';

const backend = process.env.BACKEND_URL ?? 'http://localhost:4000';
const [room = 'visit-1001', user = 'patient-42'] = process.argv.slice(2);

/** Asks the host app's backend for a join token; this is the SDK's token provider. */
async function joinInfo() {
  const url = `${backend}/join?room=${encodeURIComponent(room)}&user=${encodeURIComponent(user)}`;
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(`${body.error.code}: ${body.error.message}`);
  return body;
}

const { serverUrl } = await joinInfo();
const client = createClient();
client.on(ClientEvent.ConnectionStateChanged, (state, previous) =>
  console.log(`connection: ${previous} → ${state}`),
);

try {
  const session = await client.connect(serverUrl, async () => (await joinInfo()).token);
  const { principal } = session;
  console.log(`connected as ${principal.displayName} (${principal.kind} ${principal.id})`);
  if (principal.kind === 'guest') console.log('grants:', principal.grants);
  console.log(`token expires at ${session.tokenExpiresAt}`);
  console.log(`round trip: ${Math.round(await client.ping())} ms`);
} catch (err) {
  if (!(err instanceof ConnectionError)) throw err;
  console.error(`could not connect: ${err.reason}: ${err.message}`);
  process.exitCode = 1;
} finally {
  await client.disconnect();
}
