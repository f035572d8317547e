// The host app's backend: it serves index.html with a join token that it signs for each visit with
// the app's minimeet API key (offline, with @minimeet/host), so the visitor needs no minimeet
// account and the secret never reaches the browser.
//
//   MINIMEET_API_KEY_ID=mk_… MINIMEET_API_SECRET=mks_… node server.mjs
//   open 'http://localhost:4000/?room=standup&name=Ada'
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createJoinToken } from '@minimeet/host';

const key = { id: process.env.MINIMEET_API_KEY_ID, secret: process.env.MINIMEET_API_SECRET };
const server = process.env.MINIMEET_URL ?? 'http://localhost:3000';
const port = Number(process.env.PORT ?? 4000);
const page = readFileSync(new URL('index.html', import.meta.url), 'utf8');

if (!key.id || !key.secret) {
  console.error('Set MINIMEET_API_KEY_ID and MINIMEET_API_SECRET (see README.md).');
  process.exit(2);
}

const escape = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const app = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/') return res.writeHead(404).end();
  const room = url.searchParams.get('room') || 'standup';
  // A real app takes the user from its own session; the query keeps the example to two files.
  const name = url.searchParams.get('name') || 'Guest';
  try {
    const token = await createJoinToken(key, {
      identity: `visitor-${randomUUID()}`,
      name,
      grants: { room, role: 'member', canPublish: true, canSubscribe: true, canChat: true },
      ttlSeconds: 2 * 3600,
    });
    const values = { server, room, token };
    const html = page.replace(/\{\{(\w+)\}\}/g, (_, field) => escape(values[field]));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error?.message ?? error));
  }
});

app.listen(port, () =>
  console.log(
    `plain-html example on http://localhost:${app.address().port}/?room=standup (minimeet at ${server})`,
  ),
);
