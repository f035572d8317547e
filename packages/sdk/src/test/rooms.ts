// Helpers for the room tests in real Chromium; nothing here ships (index.ts does not reach it).
import { createServer, type Server as HttpServer } from 'node:http';
import type { AuthSession, CreatedApiKey, CreatedJoinToken } from '@minimeet/protocol';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { MinimeetClient } from '../client/MinimeetClient.js';
import type { Room } from '../room/Room.js';
import { PASSWORD, uniqueEmail } from './helpers.js';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags that let headless Chromium capture fake media and connect peers over loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--auto-select-desktop-capture-source=Entire screen',
  '--autoplay-policy=no-user-gesture-required',
];

/** Launches the one browser a test file shares; each participant gets its own context. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

async function post<T>(url: string, body: unknown, headers: Record<string, string>): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Mints guest join tokens for rooms of one fresh account, through its API key. */
export type GuestMinter = (identity: string, roomId: string) => Promise<string>;

/** Registers an account, creates an API key for it and returns a join-token minter. */
export async function guestMinter(serverUrl: string): Promise<GuestMinter> {
  const session = await post<AuthSession>(
    `${serverUrl}/api/auth/register`,
    { email: uniqueEmail(), password: PASSWORD, displayName: 'Room owner' },
    {},
  );
  const key = await post<CreatedApiKey>(
    `${serverUrl}/api/api-keys`,
    { name: 'rooms e2e' },
    { authorization: `Bearer ${session.accessToken}` },
  );
  const basic = `Basic ${Buffer.from(`${key.id}:${key.secret}`).toString('base64')}`;
  return async (identity, roomId) =>
    (
      await post<CreatedJoinToken>(
        `${serverUrl}/api/join-tokens`,
        { identity, name: identity, grants: { room: roomId } },
        { authorization: basic },
      )
    ).token;
}

/** A blank page on its own origin that the participants' pages load; the SDK comes from the server. */
export function startHostApp(): Promise<HttpServer> {
  const app = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>call</title>');
  });
  return new Promise((resolve) => app.listen(0, '127.0.0.1', () => resolve(app)));
}

/** A participant's page: its browser context, with {@link PAGE_HARNESS} installed. */
export interface ParticipantPage {
  context: BrowserContext;
  page: Page;
  /** Problems the page reported (uncaught errors). */
  problems: string[];
}

/** Opens a new context and page on the host app, with the harness ready. */
export async function openParticipantPage(
  browser: Browser,
  hostAppUrl: string,
): Promise<ParticipantPage> {
  const context = await browser.newContext();
  await context.addInitScript(PAGE_HARNESS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(hostAppUrl);
  return { context, page, problems };
}

/** One room event as the page records it: its name and the ids and sources it names. */
export interface RecordedEvent {
  event: string;
  participant?: string;
  source?: string;
  arg?: string;
  /** The ids of a list of participants, such as the active speakers. */
  participants?: string[];
}

/** Per remote participant id: video frames decoded and audio packets received so far. */
export type InboundCounts = Record<string, { video: number; audio: number }>;

/**
 * Runs in every participant's page before anything else: records each RTCPeerConnection the SDK
 * opens and exposes `window.mmt`, through which the tests drive the SDK loaded from the server.
 */
export const PAGE_HARNESS = `
(() => {
  window.__pcs = [];
  const NativePC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePC {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
      this.trace = { local: 0, added: 0, failed: 0, restarts: 0, log: [] };
      this.addEventListener('icecandidate', (e) => { if (e.candidate) this.trace.local += 1; });
      this.addEventListener('signalingstatechange', () => this.trace.log.push('sig:' + this.signalingState));
      this.addEventListener('connectionstatechange', () => this.trace.log.push('conn:' + this.connectionState));
      this.addEventListener('icegatheringstatechange', () => this.trace.log.push('gather:' + this.iceGatheringState));
    }
    async addIceCandidate(c) {
      try { await super.addIceCandidate(c); this.trace.added += 1; } catch (e) { this.trace.failed += 1; this.trace.log.push('addfail:' + e.message); throw e; }
    }
    async setRemoteDescription(d) { this.trace.log.push('srd:' + d.type); return super.setRemoteDescription(d); }
    async setLocalDescription(d) { this.trace.log.push('sld:' + (d ? d.type : 'auto')); return super.setLocalDescription(d); }
    restartIce() { this.trace.restarts += 1; return super.restartIce(); }
  };
  const describe = (event, args) => {
    const out = { event };
    for (const a of args) {
      if (Array.isArray(a)) out.participants = a.map((p) => p.id);
      else if (a && typeof a === 'object' && 'principalId' in a) { if (!out.participant) out.participant = a.id; }
      else if (a && typeof a === 'object' && 'streamId' in a && 'source' in a) out.source = a.source;
      else if (typeof a === 'string') out.arg = a;
    }
    return out;
  };
  const inboundOf = async (track, kind) => {
    if (!track) return 0;
    let n = 0;
    for (const s of (await track.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === kind) n += kind === 'video' ? (s.framesDecoded || 0) : (s.packetsReceived || 0);
    }
    return n;
  };
  window.mmt = {
    events: [],
    blockConnect: false,
    async join(serverUrl, token, roomId, options, clientOptions) {
      const sdk = await import(serverUrl + '/sdk/minimeet-sdk.js');
      this.sdk = sdk;
      const client = sdk.createClient({ transports: ['websocket'], ...clientOptions });
      this.client = client;
      await client.connect(serverUrl, () => token);
      // Lets a test keep the client away from the server while it retries.
      const signal = client.signal;
      const connect = signal.connect.bind(signal);
      signal.connect = (...a) => this.blockConnect ? Promise.reject(new Error('blocked by the test')) : connect(...a);
      // Failed requests, for the report of a failing test.
      this.failedRequests = [];
      const request = signal.request.bind(signal);
      signal.request = (event, payload, o) => request(event, payload, o).catch((e) => {
        this.failedRequests.push(event + ': ' + e.code + ' ' + e.message);
        throw e;
      });
      try {
        const room = await client.joinRoom(roomId, options);
        this.room = room;
        for (const name of Object.values(sdk.RoomEvent)) room.on(name, (...args) => this.events.push(describe(name, args)));
        // As an app does: play what arrives (Chromium decodes remote audio only when it plays).
        const play = (track) => document.body.append(track.attach());
        room.on(sdk.RoomEvent.TrackSubscribed, play);
        for (const p of room.remoteParticipants.values()) {
          for (const pub of p.trackPublications.values()) if (pub.track) play(pub.track);
        }
        return { ok: true, id: room.localParticipant.id };
      } catch (e) {
        return { ok: false, name: e.name, code: e.code, message: e.message };
      }
    },
    remoteIds() { return [...this.room.remoteParticipants.keys()].sort(); },
    async inbound() {
      const out = {};
      for (const [id, p] of this.room.remoteParticipants) {
        out[id] = {
          video: await inboundOf(p.getTrackPublication('camera')?.track, 'video'),
          audio: await inboundOf(p.getTrackPublication('microphone')?.track, 'audio'),
        };
      }
      return out;
    },
    async candidateTypes() {
      const types = [];
      for (const pc of window.__pcs) {
        if (pc.connectionState === 'closed') continue;
        const stats = [...(await pc.getStats()).values()];
        const byId = new Map(stats.map((s) => [s.id, s]));
        for (const t of stats.filter((s) => s.type === 'transport' && s.selectedCandidatePairId)) {
          const pair = byId.get(t.selectedCandidatePairId);
          types.push([byId.get(pair.localCandidateId)?.candidateType, byId.get(pair.remoteCandidateId)?.candidateType]);
        }
      }
      return types;
    },
    openPeerConnections() { return window.__pcs.filter((pc) => pc.connectionState !== 'closed').length; },
    dropConnection() { this.client.signal.socket.io.engine.close(); },
  };
})();
`;

/** `window.mmt` as the tests see it through `page.evaluate`. */
export interface PageHarness {
  events: RecordedEvent[];
  blockConnect: boolean;
  join(
    serverUrl: string,
    token: string,
    roomId: string,
    options: Record<string, unknown>,
    clientOptions?: Record<string, unknown>,
  ): Promise<{ ok: true; id: string } | { ok: false; name: string; code: string; message: string }>;
  remoteIds(): string[];
  inbound(): Promise<InboundCounts>;
  candidateTypes(): Promise<[string, string][]>;
  openPeerConnections(): number;
  dropConnection(): void;
  // The SDK objects, for checks written in the page.
  room: Room;
  client: MinimeetClient;
}

/** Polls `check` until it returns true; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Launches the shared browser with `count` fake cameras (Chromium's fake capture offers three
 * microphones, one of them `default`, whatever the count).
 */
export function launchBrowserWithCameras(count: number): Promise<Browser> {
  const args = CHROMIUM_ARGS.map((arg) =>
    arg === '--use-fake-device-for-media-stream' ? `${arg}=device-count=${count}` : arg,
  );
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/**
 * Runs in a page before anything else: `window.__unplug(deviceId)` makes a device vanish from
 * `enumerateDevices()` and fires `devicechange`, as the browser does when one is unplugged.
 */
export const DEVICE_UNPLUG_SCRIPT = `
(() => {
  const devices = navigator.mediaDevices;
  const enumerate = devices.enumerateDevices.bind(devices);
  const gone = new Set();
  devices.enumerateDevices = async () => (await enumerate()).filter((d) => !gone.has(d.deviceId));
  window.__unplug = (deviceId) => {
    gone.add(deviceId);
    devices.dispatchEvent(new Event('devicechange'));
  };
})();
`;

/** Opens a participant page like {@link openParticipantPage}, with `initScripts` run first too. */
export async function openParticipantPageWith(
  browser: Browser,
  hostAppUrl: string,
  initScripts: readonly string[],
): Promise<ParticipantPage> {
  const context = await browser.newContext();
  for (const script of initScripts) await context.addInitScript(script);
  await context.addInitScript(PAGE_HARNESS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(hostAppUrl);
  return { context, page, problems };
}

/** Calls the server's REST API as the holder of `accessToken`; rejects on an error status. */
export async function restCall<T = undefined>(
  serverUrl: string,
  method: string,
  path: string,
  accessToken?: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${serverUrl}/api${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} failed: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Registers a fresh account named `displayName` and returns its session. */
export function registerAccount(serverUrl: string, displayName: string): Promise<AuthSession> {
  return restCall<AuthSession>(serverUrl, 'POST', '/auth/register', undefined, {
    email: uniqueEmail(),
    password: PASSWORD,
    displayName,
  });
}
