import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../main.js';
import { api, registerUser, startTestServer } from '../test/harness.js';

/** The value of an unlabelled sample in Prometheus text, or a failure naming the metric. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

describe('GET /api/metrics', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const scrape = async () => {
    const res = await api<string>(server, 'GET', '/api/metrics');
    expect(res.status).toBe(200);
    return res;
  };

  it('answers the Prometheus text format with HELP and TYPE for each counter', async () => {
    const res = await scrape();
    const type = res.headers
      .get('content-type')!
      .split(';')
      .map((p) => p.trim());
    expect(type[0]).toBe('text/plain');
    expect(type).toContain('version=0.0.4');
    expect(res.body).toContain('# TYPE minimeet_registrations_total counter');
    expect(res.body).toContain('# TYPE minimeet_logins_total counter');
    expect(res.body.endsWith('\n')).toBe(true);
  });

  it('counts registrations, successful logins, logouts and refresh-token reuse', async () => {
    const before = (await scrape()).body;
    const login = (email: string, password: string) =>
      api(server, 'POST', '/api/auth/login', { json: { email, password } });

    const a = await registerUser(server);
    const b = await registerUser(server);
    expect((await login(a.user.email, a.password)).status).toBe(200);
    expect((await login(b.user.email, b.password)).status).toBe(200);
    expect((await login(b.user.email, b.password)).status).toBe(200);
    // Neither a failed login nor a failed registration counts.
    expect((await login(a.user.email, 'wrong password')).status).toBe(401);
    const duplicate = await api(server, 'POST', '/api/auth/register', {
      json: { email: a.user.email, password: 'correct horse battery', displayName: 'Again' },
    });
    expect(duplicate.status).toBe(409);

    const rotated = await api(server, 'POST', '/api/auth/refresh', {
      json: { refreshToken: a.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const reused = await api(server, 'POST', '/api/auth/refresh', {
      json: { refreshToken: a.refreshToken },
    });
    expect(reused.status).toBe(401);
    const out = await api(server, 'POST', '/api/auth/logout', {
      json: { refreshToken: b.refreshToken },
    });
    expect(out.status).toBe(204);

    const after = (await scrape()).body;
    const delta = (name: string) => sample(after, name) - sample(before, name);
    expect(delta('minimeet_registrations_total')).toBe(2);
    expect(delta('minimeet_logins_total')).toBe(3);
    expect(delta('minimeet_logouts_total')).toBe(1);
    expect(delta('minimeet_refresh_token_reuse_total')).toBe(1);
  });
});
