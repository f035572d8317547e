import type { Server as HttpServer } from 'node:http';
import type { ChatMessage } from '@minimeet/protocol';
import {
  createNetworkNamespace,
  startTestServer,
  type NetworkNamespace,
  type RunningServer,
} from '@minimeet/server/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  closeParticipants as close,
  events,
  guestMinter,
  inbound,
  joinAsGuest,
  remoteIds,
  startHostApp,
  waitForEvent,
  waitForMedia,
  waitUntil,
  type CallRig,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

// A dropped and a renumbered network, for real: bob's Chromium runs in a network namespace of
// this file's own, joined to the host by a veth pair, and the server listens on the host side's
// address. Ada's Chromium runs on the host. Taking the namespace's link down cuts bob off the
// way a lost Wi-Fi does (the browser notices and says `offline`); changing its address is a move
// to another network that the browser does not announce. Needs root and iproute2 (`ip`, `ss`).
//
// A server notices a silent drop only through its heartbeat, up to 15 s later, and starts the
// grace period then. The strict cases reset the server's end of bob's connections as the link
// goes down, so the grace period runs from the cut itself: an outage of 13 s leaves 2 s.

const GRACE_SECONDS = 15;
// The server notices a silent drop through its heartbeat (a ping every 10 s, 5 s for the pong),
// then waits the grace period.
const SERVER_NOTICES_MS = 15_000;

type Harness = { mmt: PageHarness };

let ns: NetworkNamespace | undefined;
let server: RunningServer | undefined;
let hostApp: HttpServer | undefined;
let hostBrowser: Browser | undefined;
let nsBrowser: Browser | undefined;
// Two rigs that share the server and the host app: one browser on the host, one in the namespace.
let onHost: CallRig;
let inNamespace: CallRig;

beforeAll(async () => {
  ns = await createNetworkNamespace({ browser: CHROMIUM });
  server = await startTestServer({
    HOST: ns.hostAddress,
    SERVE_DEMO: 'true',
    RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
  });
  hostApp = await startHostApp(ns.hostAddress);
  const hostAppUrl = `http://${ns.hostAddress}:${(hostApp.address() as { port: number }).port}/`;
  // Cameras need a secure context, which an http origin other than loopback is not by default.
  const args = [
    ...CHROMIUM_ARGS,
    `--unsafely-treat-insecure-origin-as-secure=${new URL(hostAppUrl).origin}`,
  ];
  hostBrowser = await chromium.launch({ executablePath: CHROMIUM, args });
  nsBrowser = await chromium.launch({ executablePath: ns.chromium, args });
  const shared = { server, hostApp, hostAppUrl, mint: await guestMinter(server.url) };
  onHost = { ...shared, browser: hostBrowser, initScripts: [], opened: [] };
  inNamespace = { ...shared, browser: nsBrowser, initScripts: [], opened: [] };
}, 120_000);

afterAll(async () => {
  // Whatever failed before, the namespace goes last and always.
  try {
    for (const p of [...(onHost?.opened ?? []), ...(inNamespace?.opened ?? [])]) {
      await p.context.close().catch(() => undefined);
    }
    await nsBrowser?.close().catch(() => undefined);
    await hostBrowser?.close().catch(() => undefined);
    await new Promise((resolve) => (hostApp ? hostApp.close(resolve) : resolve(undefined)));
    await server?.close();
  } finally {
    await ns?.destroy();
  }
}, 60_000);

// Small video, so that two browsers encoding and decoding stay light on a shared machine.
const MEDIA = { audio: true, video: { width: 320, height: 240, frameRate: 15 } };

/** Ada on the host and bob in the namespace in a call of `roomId`, once each decodes the other. */
async function callAcrossTheLink(roomId: string): Promise<[Joined, Joined]> {
  const ada = await joinAsGuest(onHost, 'ada', roomId, MEDIA);
  const bob = await joinAsGuest(inNamespace, 'bob', roomId, MEDIA);
  await waitForMedia(ada, [bob]);
  await waitForMedia(bob, [ada]);
  return [ada, bob];
}

/** The room events `p` recorded about participant `id`, by name. */
async function eventsAbout(p: Joined, id: string): Promise<string[]> {
  return (await events(p)).filter((e) => e.participant === id).map((e) => e.event);
}

/** The participant id and room state that the page of `p` has now. */
const identity = (p: Joined) =>
  p.page.evaluate(() => {
    const { room } = (window as unknown as Harness).mmt;
    return { id: room.localParticipant.id, state: String(room.state) };
  });

/** The room's conversation as the page of `p` holds it: the messages and the unsent ones. */
const conversation = (p: Joined) =>
  p.page.evaluate(() => {
    const { chat } = (window as unknown as Harness).mmt.room;
    return {
      messages: chat.messages.map((m: ChatMessage) => ({ seq: m.seq, text: m.text })),
      pending: chat.pendingMessages.length,
    };
  });

/** Starts sending `text` in the room's chat without waiting for it; `sent()` awaits it. */
const startSending = (p: Joined, text: string) =>
  p.page.evaluate((t) => {
    const w = window as unknown as Harness & { sending?: Promise<string> };
    w.sending = w.mmt.room.chat.send(t).then(
      (m: ChatMessage) => `sent #${m.seq}`,
      (e: Error) => `failed: ${e.message}`,
    );
  }, text);
const sent = (p: Joined) =>
  p.page.evaluate(() => (window as unknown as { sending: Promise<string> }).sending);

/** Waits until `p` holds `text` in its conversation and nothing unsent; returns how often it holds it. */
async function timesHeld(p: Joined, text: string): Promise<number> {
  await waitUntil(`${p.name} to hold "${text}" with nothing unsent`, async () => {
    const { messages, pending } = await conversation(p);
    return pending === 0 && messages.some((m) => m.text === text);
  });
  const { messages } = await conversation(p);
  // Held in order, each seq once: nothing doubled, nothing skipped.
  expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => messages[0].seq + i));
  return messages.filter((m) => m.text === text).length;
}

/** Takes bob's network down; with `serverNoticesAtOnce`, the server's grace period starts now. */
async function cut(serverNoticesAtOnce: boolean): Promise<void> {
  await ns!.cut();
  if (serverNoticesAtOnce) await ns!.resetHostConnections();
}

describe('a dropped network comes back as the same participant', () => {
  it.each([
    { seconds: 3, atOnce: true },
    { seconds: 8, atOnce: true },
    { seconds: 13, atOnce: true },
    { seconds: 8, atOnce: false },
  ])(
    'an outage of $seconds s (server notices at once: $atOnce): same id, no leave or join for the other, chat sent during it once, video again',
    async ({ seconds, atOnce }) => {
      const [ada, bob] = await callAcrossTheLink(`outage-${seconds}-${atOnce}`);

      await cut(atOnce);
      const cutAt = Date.now();
      // The browser tells the SDK at once: its connection closes, the room reconnects.
      await waitForEvent(bob, { event: 'reconnecting' });
      await startSending(bob, `bob, ${seconds} s offline`);
      await ada.page.evaluate(
        (t) => (window as unknown as Harness).mmt.room.chat.send(t),
        `ada, while bob is away for ${seconds} s`,
      );
      // The outage itself: the network stays down this long, whatever happens meanwhile.
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000 - (Date.now() - cutAt)));
      const adaFloor = await inbound(ada);
      const bobFloor = await inbound(bob);
      await ns!.restore();

      await waitForEvent(bob, { event: 'reconnected' }, 20_000);
      expect(await identity(bob)).toEqual({ id: bob.id, state: 'connected' });
      expect(await sent(bob)).toMatch(/^sent #\d+$/);
      expect(await timesHeld(ada, `bob, ${seconds} s offline`)).toBe(1);
      expect(await timesHeld(bob, `bob, ${seconds} s offline`)).toBe(1);
      expect(await timesHeld(bob, `ada, while bob is away for ${seconds} s`)).toBe(1);
      await waitForMedia(ada, [bob], adaFloor);
      await waitForMedia(bob, [ada], bobFloor);
      // Ada saw bob once, never leaving: at most reconnecting and back.
      const seen = await eventsAbout(ada, bob.id);
      expect(seen.filter((e) => e === 'participantJoined')).toHaveLength(1);
      expect(seen).not.toContain('participantLeft');
      if (atOnce) expect(seen).toContain('participantReconnected');
      expect(await remoteIds(ada)).toEqual([bob.id]);
      expect(await remoteIds(bob)).toEqual([ada.id]);
      await close(ada, bob);
    },
    90_000,
  );

  it('an outage past the grace period comes back as a new participant, with video', async () => {
    const [ada, bob] = await callAcrossTheLink('past-grace');

    // The server left to notice by itself: the longest way round.
    await cut(false);
    await waitForEvent(
      ada,
      { event: 'participantLeft', participant: bob.id, arg: 'timeout' },
      SERVER_NOTICES_MS + GRACE_SECONDS * 1000 + 10_000,
    );
    await ns!.restore();

    await waitUntil(
      'bob to be back under a new id',
      async () => {
        const now = await identity(bob);
        return now.state === 'connected' && now.id !== bob.id;
      },
      20_000,
    );
    const reborn = { ...bob, id: (await identity(bob)).id };
    await waitForEvent(ada, { event: 'participantJoined', participant: reborn.id });
    expect(await remoteIds(ada)).toEqual([reborn.id]);
    expect(await remoteIds(reborn)).toEqual([ada.id]);
    await waitForMedia(ada, [reborn]);
    await waitForMedia(reborn, [ada]);
    await close(ada, bob);
  }, 120_000);
});

describe('a network that changes its address mid-call', () => {
  it('ICE restarts onto the new address and video flows again; same participant, no leave', async () => {
    const [ada, bob] = await callAcrossTheLink('renumbered');
    const selected = () =>
      bob.page.evaluate(() => (window as unknown as Harness).mmt.selectedLocalAddresses());
    expect(await selected()).toEqual([ns!.address]);

    const moved = await ns!.changeAddress();

    await waitUntil(
      `bob's media to leave from ${moved}`,
      async () => {
        const now = await selected();
        return now.length === 1 && now[0] === moved;
      },
      45_000,
    );
    await waitForMedia(ada, [bob], await inbound(ada));
    await waitForMedia(bob, [ada], await inbound(bob));
    expect(await identity(bob)).toEqual({ id: bob.id, state: 'connected' });
    const seen = await eventsAbout(ada, bob.id);
    expect(seen.filter((e) => e === 'participantJoined')).toHaveLength(1);
    expect(seen).not.toContain('participantLeft');
    await close(ada, bob);
  }, 90_000);
});
