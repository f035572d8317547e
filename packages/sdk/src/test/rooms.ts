// Helpers for the room tests in real Chromium; nothing here ships (index.ts does not reach it).
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import type { AuthSession, CreatedApiKey, CreatedJoinToken, JoinGrants } from '@minimeet/protocol';
import {
  startCoturn,
  startTestServer,
  type RunningCoturn,
  type RunningServer,
} from '@minimeet/server/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { MinimeetClient } from '../client/MinimeetClient.js';
import type { Room } from '../room/Room.js';
import type { RemoteTrack } from '../track/RemoteTrack.js';
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

/**
 * Launches the one browser a test file shares; each participant gets its own context. With
 * `cameras`, Chromium fakes that many cameras (its fake capture offers three microphones, one of
 * them `default`, whatever the count).
 */
export function launchBrowser(cameras?: number): Promise<Browser> {
  const args =
    cameras === undefined
      ? CHROMIUM_ARGS
      : CHROMIUM_ARGS.map((arg) =>
          arg === '--use-fake-device-for-media-stream' ? `${arg}=device-count=${cameras}` : arg,
        );
  return chromium.launch({ executablePath: CHROMIUM, args });
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
export type GuestMinter = (
  identity: string,
  roomId: string,
  grants?: Partial<Omit<JoinGrants, 'room'>>,
) => Promise<string>;

/** A fresh account that owns rooms: its access token, and a minter of join tokens to its rooms. */
export interface RoomOwner {
  accessToken: string;
  mint: GuestMinter;
}

/** Registers an account, creates an API key for it and returns its token and a join-token minter. */
export async function roomOwner(serverUrl: string): Promise<RoomOwner> {
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
  return {
    accessToken: session.accessToken,
    mint: async (identity, roomId, grants = {}) =>
      (
        await post<CreatedJoinToken>(
          `${serverUrl}/api/join-tokens`,
          { identity, name: identity, grants: { ...grants, room: roomId } },
          { authorization: basic },
        )
      ).token,
  };
}

/** Registers an account, creates an API key for it and returns a join-token minter. */
export async function guestMinter(serverUrl: string): Promise<GuestMinter> {
  return (await roomOwner(serverUrl)).mint;
}

/**
 * A blank page on its own origin that the participants' pages load; the SDK comes from the server,
 * or (`sdkFromHostApp`) from the host app itself, which serves the SDK's browser modules under
 * `/sdk/` as an app that ships them would. It listens on `host` (loopback by default) at a free port.
 */
export function startHostApp(host = '127.0.0.1'): Promise<HttpServer> {
  const app = createServer((req, res) => {
    const module = /^\/sdk\/(minimeet-sdk(?:-sfu)?\.browser\.js)$/.exec(req.url ?? '')?.[1];
    if (module) {
      readFile(fileURLToPath(new URL(`../../dist/${module}`, import.meta.url))).then(
        (body) =>
          res
            .writeHead(200, {
              'content-type': 'text/javascript',
              'access-control-allow-origin': '*',
            })
            .end(body),
        () => res.writeHead(404).end(),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>call</title>');
  });
  return new Promise((resolve) => app.listen(0, host, () => resolve(app)));
}

/**
 * A page script that has the harness load the SDK from the host app (see {@link startHostApp})
 * rather than from the server, which serves the browser bundle but not the SFU's module beside it.
 */
export const SDK_FROM_HOST_APP_SCRIPT = `window.__minimeetSdkUrl = location.origin + '/sdk/minimeet-sdk.browser.js';`;

/**
 * A page script that shows every video in a small tile (120x90), as a grid of many would: the
 * machine has two cores, and on the SFU each tile receives the layer that fits it.
 */
export const SMALL_TILES_SCRIPT = `
document.addEventListener('DOMContentLoaded', () => {
  const style = document.createElement('style');
  style.textContent = 'video { width: 120px; height: 90px; }';
  document.head.append(style);
});`;

/** Capture options of a small call: microphone and a 320x240 camera at 15 fps. */
export const SMALL_MEDIA = { audio: true, video: { width: 320, height: 240, frameRate: 15 } };

/** A participant's page: its browser context, with {@link PAGE_HARNESS} installed. */
export interface ParticipantPage {
  context: BrowserContext;
  page: Page;
  /** Problems the page reported (uncaught errors). */
  problems: string[];
}

/** Opens a new context and page on the host app, with `initScripts` run first and then the harness. */
export async function openParticipantPage(
  browser: Browser,
  hostAppUrl: string,
  initScripts: readonly string[] = [],
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
      const sdk = await import(window.__minimeetSdkUrl ?? serverUrl + '/sdk/minimeet-sdk.js');
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
    async selectedLocalAddresses() {
      const addresses = [];
      for (const pc of window.__pcs) {
        if (pc.connectionState === 'closed') continue;
        const stats = [...(await pc.getStats()).values()];
        const byId = new Map(stats.map((s) => [s.id, s]));
        for (const t of stats.filter((s) => s.type === 'transport' && s.selectedCandidatePairId)) {
          const local = byId.get(byId.get(t.selectedCandidatePairId)?.localCandidateId);
          if (local) addresses.push(local.address ?? local.ip);
        }
      }
      return addresses;
    },
    openPeerConnections() { return window.__pcs.filter((pc) => pc.connectionState !== 'closed').length; },
    liveReceivedTracks() {
      let n = 0;
      for (const pc of window.__pcs) {
        if (pc.connectionState === 'closed') continue;
        for (const t of pc.getTransceivers()) {
          if ((t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv') && t.receiver.track.readyState === 'live') n += 1;
        }
      }
      return n;
    },
    cameraOf(id) { return this.room.remoteParticipants.get(id)?.getTrackPublication('camera')?.track; },
    async frameSize(id) {
      const track = this.cameraOf(id);
      if (!track) return null;
      for (const s of (await track.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.frameWidth) return { width: s.frameWidth, height: s.frameHeight, decoded: s.framesDecoded };
      }
      return null;
    },
    setVideoSize(id, width, height) {
      for (const el of this.cameraOf(id)?.attachedElements ?? []) { el.style.width = width + 'px'; el.style.height = height + 'px'; }
    },
    startGaps() {
      this.gapStats = {};
      this.gapRun = (this.gapRun ?? 0) + 1;
      const run = this.gapRun;
      for (const [id] of this.room.remoteParticipants) {
        const el = this.cameraOf(id)?.attachedElements?.[0];
        if (!el || !el.requestVideoFrameCallback) continue;
        const stat = { frames: 0, maxGapMs: 0, last: performance.now() };
        this.gapStats[id] = stat;
        const onFrame = (now) => {
          if (run !== this.gapRun) return;
          stat.maxGapMs = Math.max(stat.maxGapMs, now - stat.last);
          stat.last = now;
          stat.frames += 1;
          el.requestVideoFrameCallback(onFrame);
        };
        el.requestVideoFrameCallback(onFrame);
      }
    },
    gaps() {
      const out = {};
      const now = performance.now();
      for (const [id, s] of Object.entries(this.gapStats ?? {})) out[id] = { frames: s.frames, maxGapMs: Math.round(Math.max(s.maxGapMs, now - s.last)) };
      return out;
    },
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
  /** The local addresses of the candidate pairs the open peer connections use now. */
  selectedLocalAddresses(): Promise<string[]>;
  openPeerConnections(): number;
  /** Received tracks still live on the page's open peer connections. */
  liveReceivedTracks(): number;
  /** The remote camera track of participant `id`, if subscribed. */
  cameraOf(id: string): RemoteTrack | undefined;
  /** The size of the latest frame decoded of `id`'s camera, and frames decoded so far. */
  frameSize(id: string): Promise<{ width: number; height: number; decoded: number } | null>;
  /** Sets the CSS size of the elements that play `id`'s camera. */
  setVideoSize(id: string, width: number, height: number): void;
  /** Starts measuring the longest gap between frames shown of each remote camera. */
  startGaps(): void;
  /** Per remote participant: frames shown and the longest gap (ms) since `startGaps()`. */
  gaps(): Record<string, { frames: number; maxGapMs: number }>;
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

/**
 * Runs in a page before anything else: `window.__probe()` counts what is still live of what the
 * page started: intervals, pending timeouts, `pagehide`, `devicechange`, `online`, `offline`,
 * `visibilitychange` and `navigator.connection` `change` listeners, unclosed AudioContexts and
 * captured camera and microphone tracks, so a test can see what a leave leaks.
 */
export const LIFECYCLE_PROBE_SCRIPT = `
(() => {
  const intervals = new Set();
  const timeouts = new Set();
  const { setInterval: si, clearInterval: ci, setTimeout: st, clearTimeout: ct } = window;
  window.setInterval = (...a) => { const id = si(...a); intervals.add(id); return id; };
  window.clearInterval = (id) => { intervals.delete(id); return ci(id); };
  window.setTimeout = (fn, ...a) => {
    const id = st((...b) => { timeouts.delete(id); if (typeof fn === 'function') fn(...b); }, ...a);
    timeouts.add(id);
    return id;
  };
  window.clearTimeout = (id) => { timeouts.delete(id); return ct(id); };
  const listeners = new Map();
  const watched = (target, type) =>
    (target === window && (type === 'pagehide' || type === 'online' || type === 'offline')) ||
    (target === navigator.mediaDevices && type === 'devicechange') ||
    (target === document && type === 'visibilitychange') ||
    (target === navigator.connection && type === 'change');
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, ...rest) {
    if (watched(this, type)) { const set = listeners.get(type) ?? new Set(); set.add(listener); listeners.set(type, set); }
    return add.call(this, type, listener, ...rest);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, ...rest) {
    if (watched(this, type)) listeners.get(type)?.delete(listener);
    return remove.call(this, type, listener, ...rest);
  };
  const contexts = [];
  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext {
    constructor(...a) { super(...a); contexts.push(this); }
  };
  const captured = [];
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (c) => { const s = await getUserMedia(c); captured.push(...s.getTracks()); return s; };
  window.__probe = () => ({
    intervals: intervals.size,
    timeouts: timeouts.size,
    pagehide: listeners.get('pagehide')?.size ?? 0,
    devicechange: listeners.get('devicechange')?.size ?? 0,
    online: listeners.get('online')?.size ?? 0,
    offline: listeners.get('offline')?.size ?? 0,
    visibilitychange: listeners.get('visibilitychange')?.size ?? 0,
    connectionChange: listeners.get('change')?.size ?? 0,
    audioContexts: contexts.filter((c) => c.state !== 'closed').length,
    liveCameras: captured.filter((t) => t.kind === 'video' && t.readyState === 'live').length,
    liveMicrophones: captured.filter((t) => t.kind === 'audio' && t.readyState === 'live').length,
  });
})();
`;

/** What {@link LIFECYCLE_PROBE_SCRIPT} counts as still live in a page. */
export interface LifecycleProbe {
  intervals: number;
  timeouts: number;
  pagehide: number;
  devicechange: number;
  online: number;
  offline: number;
  visibilitychange: number;
  connectionChange: number;
  audioContexts: number;
  liveCameras: number;
  liveMicrophones: number;
}

/** What is still live in the page of `p`; the rig must run {@link LIFECYCLE_PROBE_SCRIPT}. */
export const probe = (p: ParticipantPage): Promise<LifecycleProbe> =>
  p.page.evaluate(() => (window as unknown as { __probe(): LifecycleProbe }).__probe());

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

/** The SDK's browser bundle, which the server serves to the participants' pages. */
const SDK_BUNDLE = fileURLToPath(new URL('../../dist/minimeet-sdk.browser.js', import.meta.url));

/** What a participant publishes when a test does not say otherwise: camera and microphone. */
export const MEDIA: Readonly<Record<string, unknown>> = { audio: true, video: true };

type Harness = { mmt: PageHarness };

/** What the calls of one test file run on: a server, the host app, one browser and a minter. */
export interface CallRig {
  server: RunningServer;
  hostApp: HttpServer;
  hostAppUrl: string;
  browser: Browser;
  mint: GuestMinter;
  /** The account that owns the rooms the guests join, for creating rooms of a given kind. */
  owner?: RoomOwner;
  /** Scripts every participant's page runs before the harness. */
  initScripts: readonly string[];
  /** Every page opened for the file; {@link stopCallRig} closes what is still open. */
  opened: ParticipantPage[];
}

/** How a test file wants its {@link CallRig}: server settings, fake cameras, page scripts. */
export interface CallRigOptions {
  /** Server environment on top of `SERVE_DEMO=true` and the test defaults. */
  serverEnv?: Record<string, string>;
  /** How many fake cameras the browser offers; Chromium's default when absent. */
  cameras?: number;
  /** Scripts every participant's page runs before the harness. */
  initScripts?: readonly string[];
}

/** Starts a server, the host app and a browser for one test file; undoes what started on failure. */
export async function startCallRig(options: CallRigOptions = {}): Promise<CallRig> {
  if (!existsSync(SDK_BUNDLE)) throw new Error(`${SDK_BUNDLE} is missing; build the SDK first.`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium.`);
  const started: Partial<CallRig> = { initScripts: options.initScripts ?? [], opened: [] };
  try {
    started.server = await startTestServer({ SERVE_DEMO: 'true', ...options.serverEnv });
    started.hostApp = await startHostApp();
    started.hostAppUrl = `http://127.0.0.1:${(started.hostApp.address() as { port: number }).port}/`;
    started.browser = await launchBrowser(options.cameras);
    started.owner = await roomOwner(started.server.url);
    started.mint = started.owner.mint;
    return started as CallRig;
  } catch (error) {
    await stopCallRig(started);
    throw error;
  }
}

/** Closes the pages, browser, host app and server of a rig, whatever part of it started. */
export async function stopCallRig(rig: Partial<CallRig> | undefined): Promise<void> {
  for (const p of rig?.opened ?? []) await p.context.close().catch(() => undefined);
  await rig?.browser?.close();
  await new Promise((resolve) => (rig?.hostApp ? rig.hostApp.close(resolve) : resolve(undefined)));
  await rig?.server?.close();
}

/** A server whose participants get TURN credentials for a coturn of its own. */
export interface RelayedServer {
  coturn: RunningCoturn;
  server: RunningServer;
}

/** Starts coturn and a server (demo on) that hands out its TURN credentials. */
export async function startRelayedServer(): Promise<RelayedServer> {
  const coturn = await startCoturn();
  const server = await startTestServer({
    SERVE_DEMO: 'true',
    TURN_URLS: coturn.urls.join(','),
    TURN_SECRET: coturn.secret,
  }).catch(async (error: unknown) => {
    await coturn.stop();
    throw error;
  });
  return { coturn, server };
}

/** A participant in a call: its page, its participant id and the name it joined with. */
export interface Joined extends ParticipantPage {
  id: string;
  name: string;
}

/**
 * Opens a page of the rig for `name` and joins `roomId` with `token` (a guest join token or an
 * access token) on the server at `serverUrl`; rejects when the join fails.
 */
export async function joinCall(
  rig: CallRig,
  name: string,
  roomId: string,
  token: string,
  options: Record<string, unknown> = MEDIA,
  serverUrl = rig.server.url,
): Promise<Joined> {
  const participant = await openParticipantPage(rig.browser, rig.hostAppUrl, rig.initScripts);
  rig.opened.push(participant);
  const result = await participant.page.evaluate(
    ([url, t, r, o]) => (window as unknown as Harness).mmt.join(url, t, r, o),
    [serverUrl, token, roomId, options] as const,
  );
  if (!result.ok) throw new Error(`${name} could not join: ${result.code} ${result.message}`);
  return { ...participant, id: result.id, name };
}

/** Joins `roomId` as a guest named `name`, with a token minted by `via` (the rig's server by default). */
export async function joinAsGuest(
  rig: CallRig,
  name: string,
  roomId: string,
  options: Record<string, unknown> = MEDIA,
  via: { server: RunningServer; mint: GuestMinter } = rig,
): Promise<Joined> {
  return joinCall(rig, name, roomId, await via.mint(name, roomId), options, via.server.url);
}

/** Closes the browser contexts of `participants`, one after the other. */
export async function closeParticipants(...participants: ParticipantPage[]): Promise<void> {
  for (const p of participants) await p.context.close();
}

/** What the page of `p` has received so far from each remote participant. */
export const inbound = (p: Joined): Promise<InboundCounts> =>
  p.page.evaluate(() => (window as unknown as Harness).mmt.inbound());

/** The room events the page of `p` has recorded so far. */
export const events = (p: Joined): Promise<RecordedEvent[]> =>
  p.page.evaluate(() => (window as unknown as Harness).mmt.events);

/** The sorted ids of the remote participants the page of `p` knows. */
export const remoteIds = (p: Joined): Promise<string[]> =>
  p.page.evaluate(() => (window as unknown as Harness).mmt.remoteIds());

/** How many of the page's peer connections are not closed. */
export const openPeerConnections = (p: Joined): Promise<number> =>
  p.page.evaluate(() => (window as unknown as Harness).mmt.openPeerConnections());

/** What a page's peer connections, failed requests and remote publications look like, for a report. */
function mediaDiagnostics(p: Joined): Promise<unknown> {
  return p.page.evaluate(() => {
    const { mmt } = window as unknown as Harness;
    const w = window as unknown as { __pcs: RTCPeerConnection[] };
    return {
      pcs: w.__pcs.map((pc) => [
        JSON.stringify((pc as unknown as { trace: unknown }).trace),
        pc.connectionState,
        pc.signalingState,
        pc
          .getTransceivers()
          .map((t) => `${t.mid}:${t.direction}:${t.currentDirection}:${t.receiver.track.kind}`)
          .join(','),
      ]),
      failed: (mmt as unknown as { failedRequests: string[] }).failedRequests.slice(0, 10),
      pubs: [...mmt.room.remoteParticipants.values()].map((r) => [
        r.id,
        [...r.trackPublications.values()].map((x) => `${x.source}:${x.isSubscribed}`),
      ]),
    };
  });
}

/**
 * Waits until `p` has decoded more video frames and received more audio packets from each of
 * `others` than `floor` counts; on a timeout the error carries the page's peer connections.
 */
export async function waitForMedia(
  p: Joined,
  others: Joined[],
  floor: InboundCounts = {},
  timeoutMs = 30_000,
): Promise<InboundCounts> {
  let last: InboundCounts = {};
  await waitUntil(
    `${p.name} to decode video and audio from ${others.map((o) => o.name).join(', ')} beyond ${JSON.stringify(floor)}`,
    async () => {
      last = await inbound(p);
      return others.every(
        (o) =>
          (last[o.id]?.video ?? 0) > (floor[o.id]?.video ?? 0) &&
          (last[o.id]?.audio ?? 0) > (floor[o.id]?.audio ?? 0),
      );
    },
    timeoutMs,
  ).catch(async (error: unknown) => {
    const detail = await mediaDiagnostics(p).catch((e: unknown) => `no diagnostics: ${String(e)}`);
    throw new Error(`${String(error)}; last ${JSON.stringify(last)}; ${JSON.stringify(detail)}`);
  });
  return last;
}

/** Waits until the page of `p` has recorded an event with every field of `match`. */
export async function waitForEvent(
  p: Joined,
  match: Partial<RecordedEvent>,
  timeoutMs = 15_000,
): Promise<void> {
  await waitUntil(
    `${p.name} to see ${JSON.stringify(match)}`,
    async () =>
      (await events(p)).some((e) =>
        Object.entries(match).every(([k, v]) => e[k as keyof RecordedEvent] === v),
      ),
    timeoutMs,
  );
}
