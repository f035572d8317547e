import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModerationEvent } from './ModerationEvent.js';
import type { ParticipantEvent } from '../events.js';
import {
  closeParticipants as close,
  joinCall,
  startCallRig,
  stopCallRig,
  waitUntil,
  type CallRig,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

// Moderation between real Chromium pages through the real server: the host's SDK asks, the
// target's SDK complies (a mute turns its microphone off, a grant taken away takes it off the call), and a
// guest whose token says so waits in the lobby until the host admits it. Needs the SDK's browser
// bundle (`pnpm --filter @minimeet/sdk build`), which the server serves.

let rig: CallRig;
let basic = '';

beforeAll(async () => {
  rig = await startCallRig();
  const url = rig.server.url;
  const post = async <T>(path: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return (await res.json()) as T;
  };
  const session = await post<{ accessToken: string }>(
    '/api/auth/register',
    {
      email: `mod-${Date.now()}@example.test`,
      password: 'correct horse battery',
      displayName: 'Clinic',
    },
    {},
  );
  const key = await post<{ id: string; secret: string }>(
    '/api/api-keys',
    { name: 'moderation e2e' },
    { authorization: `Bearer ${session.accessToken}` },
  );
  basic = `Basic ${Buffer.from(`${key.id}:${key.secret}`).toString('base64')}`;
});

afterAll(async () => stopCallRig(rig));

async function token(identity: string, roomId: string, grants: Record<string, unknown> = {}) {
  const res = await fetch(`${rig.server.url}/api/join-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic },
    body: JSON.stringify({ identity, name: identity, grants: { room: roomId, ...grants } }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** Runs `fn` in the page of `p` on its harness (Playwright sends the function as text). */
const onPage = async <T>(
  p: Joined,
  fn: (mmt: PageHarness, arg: string) => T | Promise<T>,
  arg = '',
): Promise<Awaited<T>> =>
  p.page.evaluate<Awaited<T>>(`(${fn.toString()})(window.mmt, ${JSON.stringify(arg)})`);

describe('room.moderation in real Chromium', () => {
  const roomId = `mod-e2e-${Date.now()}`;
  let host: Joined;
  let guest: Joined;

  afterAll(async () => close(...[host, guest].filter(Boolean)));

  it('a host mutes a guest: the guest’s SDK turns its microphone off and says why; it may unmute', async () => {
    host = await joinCall(rig, 'host', roomId, await token('host', roomId, { role: 'owner' }), {
      audio: true,
      video: false,
    });
    guest = await joinCall(rig, 'guest', roomId, await token('guest', roomId), {
      audio: true,
      video: false,
    });
    await onPage(guest, (mmt) => {
      const w = window as unknown as { mutedBy?: string; localMuted?: string[] };
      mmt.room.moderation.on(
        'mutedByHost' as ModerationEvent.MutedByHost,
        (sources: string[]) => (w.mutedBy = sources.join(',')),
      );
      // The local participant hears it as its own track muted, the way any mute is reported.
      w.localMuted = [];
      mmt.room.localParticipant.on(
        'trackMuted' as ParticipantEvent.TrackMuted,
        (publication: { source: string }) => w.localMuted!.push(publication.source),
      );
    });
    expect(
      await onPage(host, (mmt, id) => mmt.room.moderation.mute(id, ['microphone']), guest.id),
    ).toBe(1);
    await waitUntil('the guest heard it was muted', () =>
      guest.page.evaluate(
        () => (window as unknown as { mutedBy?: string }).mutedBy === 'microphone',
      ),
    );
    expect(
      await guest.page.evaluate(() => (window as unknown as { localMuted: string[] }).localMuted),
    ).toEqual(['microphone']);
    expect(
      await onPage(
        guest,
        (mmt) => mmt.room.localParticipant.getTrackPublication('microphone')?.isMuted,
      ),
    ).toBe(true);
    await onPage(guest, (mmt) => mmt.room.localParticipant.setMicrophoneMuted(false));
    expect(
      await onPage(
        guest,
        (mmt) => mmt.room.localParticipant.getTrackPublication('microphone')?.isMuted,
      ),
    ).toBe(false);
  });

  it('a grant taken away: the others no longer see the microphone, and turning it on is refused', async () => {
    // Both the guest's own participant and the host's view of it say what changed.
    const listen = (p: Joined, remoteId: string) =>
      onPage(
        p,
        (mmt, id) => {
          const w = window as unknown as { changed?: Array<boolean | undefined> };
          w.changed = [];
          const who = id ? mmt.room.remoteParticipants.get(id)! : mmt.room.localParticipant;
          who.on(
            'permissionsChanged' as ParticipantEvent.PermissionsChanged,
            (now: { canPublishAudio?: boolean }, before: { canPublishAudio?: boolean }) =>
              w.changed!.push(before.canPublishAudio, now.canPublishAudio),
          );
        },
        remoteId,
      );
    await listen(guest, '');
    await listen(host, guest.id);
    await onPage(
      host,
      (mmt, id) => mmt.room.moderation.setGrants(id, { canPublishAudio: false }),
      guest.id,
    );
    await waitUntil(
      'the host no longer sees the guest’s microphone',
      async () =>
        (await onPage(
          host,
          (mmt, id) => mmt.room.remoteParticipants.get(id)?.getTrackPublication('microphone'),
          guest.id,
        )) === undefined,
    );
    expect(
      await onPage(guest, (mmt) => mmt.room.localParticipant.permissions.canPublishAudio),
    ).toBe(false);
    for (const p of [guest, host]) {
      await waitUntil(`${p.name} heard the permissions change`, async () =>
        (
          await p.page.evaluate(
            () => (window as unknown as { changed: Array<boolean | undefined> }).changed,
          )
        ).includes(false),
      );
      const changed = await p.page.evaluate(
        () => (window as unknown as { changed: Array<boolean | undefined> }).changed,
      );
      // Heard once, from "allowed" (not set means allowed) to false.
      expect(changed).toHaveLength(2);
      expect(changed[0]).not.toBe(false);
      expect(changed[1]).toBe(false);
    }
    const refused = await onPage(guest, (mmt) =>
      mmt.room.localParticipant.setMicrophoneEnabled(true).then(
        () => 'ok',
        (e: { code?: string }) => e.code ?? 'error',
      ),
    );
    expect(refused).toBe('forbidden');
  });

  it('a guest whose token says so waits in the lobby until the host admits it', async () => {
    const joining = joinCall(
      rig,
      'patient',
      roomId,
      await token('patient', roomId, { lobby: true }),
      {
        audio: false,
        video: false,
      },
    );
    await waitUntil(
      'the host sees the waiter',
      async () => (await onPage(host, (mmt) => mmt.room.moderation.lobby.length)) === 1,
    );
    await onPage(host, (mmt) => mmt.room.moderation.admit(mmt.room.moderation.lobby[0].id));
    const patient = await joining;
    expect(patient.id).toMatch(/^pa_/);
    await close(patient);
  });
});
