import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { HealthResponse } from '@minimeet/protocol';
import { startCluster, type ClusterNode, type RunningCluster } from '@minimeet/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  inbound,
  launchBrowser,
  openParticipantPage,
  remoteIds,
  restCall,
  roomOwner,
  SDK_FROM_HOST_APP_SCRIPT,
  SMALL_MEDIA,
  SMALL_TILES_SCRIPT,
  startHostApp,
  stopCallRig,
  waitForEvent,
  waitForMedia,
  waitUntil,
  type Joined,
  type PageHarness,
  type ParticipantPage,
  type RoomOwner,
} from '../test/rooms.js';

// One SFU call across two real server processes that share MariaDB and Redis, each with a real
// mediasoup worker whose media listens on and announces its own loopback address, between real
// Chromium pages with fake cameras and microphones. Ann joins through node 1, so the room's router
// opens there; Ben joins through node 2, whose SFU requests travel to node 1 through Redis while
// his media goes straight to node 1's address. Needs the built server (`startCluster` runs its
// `dist/`) and the SDK's browser modules (`pnpm --filter @minimeet/sdk build`), which the host app
// serves (the bundle loads the SFU's module from beside itself). The machine has two cores: pages
// capture small video and show it in small tiles.

type Harness = { mmt: PageHarness };

const ADDRESS_1 = '127.0.0.2';
const ADDRESS_2 = '127.0.0.3';

const SDK_BUNDLE = fileURLToPath(new URL('../../dist/minimeet-sdk.browser.js', import.meta.url));

// Two server processes and two pages on two cores; the waits inside are bounded by conditions.
const LONG = 180_000;

let cluster: RunningCluster | undefined;
let node1: ClusterNode;
let node2: ClusterNode;
// Why the nodes have no SFU, when they found no mediasoup worker: the tests are skipped, saying so.
let workerMissing: string | undefined;
let hostApp: HttpServer | undefined;
let hostAppUrl: string;
let browser: Browser | undefined;
let owner: RoomOwner;
const opened: ParticipantPage[] = [];

const health = (node: ClusterNode) => restCall<HealthResponse>(node.url, 'GET', '/health');

beforeAll(async () => {
  if (!existsSync(SDK_BUNDLE)) throw new Error(`${SDK_BUNDLE} is missing; build the SDK first.`);
  cluster = await startCluster({
    label: 'Room.sfu-cluster.e2e',
    nodes: 0,
    env: { SFU_ENABLED: 'true', SFU_WORKERS: '1' },
  });
  node1 = await cluster.addNode({ SFU_LISTEN_IP: ADDRESS_1, SFU_ANNOUNCED_ADDRESS: ADDRESS_1 });
  node2 = await cluster.addNode({ SFU_LISTEN_IP: ADDRESS_2, SFU_ANNOUNCED_ADDRESS: ADDRESS_2 });
  // Before any call, a node reports the SFU unavailable only when it found no worker binary.
  for (const node of [node1, node2]) {
    const { sfu } = await health(node);
    if (sfu.status === 'unavailable') {
      workerMissing = sfu.reason ?? 'no reason given';
      return;
    }
  }
  hostApp = await startHostApp();
  hostAppUrl = `http://127.0.0.1:${(hostApp.address() as { port: number }).port}/`;
  browser = await launchBrowser();
  owner = await roomOwner(node1.url);
}, 120_000);

afterAll(async () => {
  try {
    await stopCallRig({ opened, browser, hostApp });
  } finally {
    await cluster?.close();
  }
}, 60_000);

/** Skips the test when the nodes have no mediasoup worker; on a failure, prints the nodes' logs. */
function prepare(ctx: TestContext): void {
  ctx.skip(workerMissing !== undefined, `no mediasoup worker: ${workerMissing}`);
  ctx.onTestFailed(() => {
    for (const node of [node1, node2]) {
      console.log(
        `--- ${node.nodeId}, last lines:\n${node.logs().split('\n').slice(-40).join('\n')}`,
      );
    }
  });
}

/** Opens a page for `name` and joins `roomId` as a guest through `node`; rejects when the join fails. */
async function joinThrough(node: ClusterNode, name: string, roomId: string): Promise<Joined> {
  const token = await owner.mint(name, roomId);
  const participant = await openParticipantPage(browser!, hostAppUrl, [
    SDK_FROM_HOST_APP_SCRIPT,
    SMALL_TILES_SCRIPT,
  ]);
  opened.push(participant);
  const result = await participant.page.evaluate(
    ([url, t, r, o]) => (window as unknown as Harness).mmt.join(url, t, r, o),
    [node.url, token, roomId, SMALL_MEDIA] as const,
  );
  if (!result.ok) throw new Error(`${name} could not join: ${result.code} ${result.message}`);
  return { ...participant, id: result.id, name };
}

type Stat = {
  id: string;
  type: string;
  selectedCandidatePairId?: string;
  remoteCandidateId?: string;
  address?: string;
  ip?: string;
};

/** The remote addresses of the candidate pairs the page's open peer connections use now. */
const selectedRemoteAddresses = (p: Joined): Promise<string[]> =>
  p.page.evaluate(async () => {
    const addresses: string[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = [...(await pc.getStats()).values()] as Stat[];
      const byId = new Map(stats.map((s) => [s.id, s]));
      for (const t of stats.filter((s) => s.type === 'transport' && s.selectedCandidatePairId)) {
        const pair = byId.get(t.selectedCandidatePairId!);
        const remote = pair?.remoteCandidateId ? byId.get(pair.remoteCandidateId) : undefined;
        addresses.push(remote?.address ?? remote?.ip ?? 'none');
      }
    }
    return addresses;
  });

const liveReceivedTracks = (p: Joined): Promise<number> =>
  p.page.evaluate(() => (window as unknown as Harness).mmt.liveReceivedTracks());

const decodedOf = async (p: Joined, other: Joined): Promise<number> =>
  (await inbound(p))[other.id]?.video ?? 0;

describe('an sfu room across two server nodes in real Chromium', () => {
  let roomId: string;
  let ann: Joined;
  let ben: Joined;

  it(
    "each page decodes the other's video and receives its audio; both send to the router's node",
    async (ctx) => {
      prepare(ctx);
      roomId = (
        await restCall<{ id: string }>(node1.url, 'POST', '/rooms', owner.accessToken, {
          name: 'sfu across nodes e2e',
          topology: 'sfu',
          capacity: 4,
        })
      ).id;
      // The first join opens the room's router on node 1.
      ann = await joinThrough(node1, 'ann', roomId);
      ben = await joinThrough(node2, 'ben', roomId);

      await waitForMedia(ann, [ben], {}, 60_000);
      await waitForMedia(ben, [ann], {}, 60_000);

      expect((await health(node1)).sfu.rooms).toBe(1);
      expect((await health(node2)).sfu.rooms).toBe(0);
      // A send and a receive transport each, all on node 1's address, Ben's included.
      expect(await selectedRemoteAddresses(ann)).toEqual([ADDRESS_1, ADDRESS_1]);
      expect(await selectedRemoteAddresses(ben)).toEqual([ADDRESS_1, ADDRESS_1]);
    },
    LONG,
  );

  it(
    "ben's camera off is seen as muted by ann and its frames stop; on again, they come back",
    async (ctx) => {
      prepare(ctx);
      await ben.page.evaluate(() =>
        (window as unknown as Harness).mmt.room.localParticipant.setCameraEnabled(false),
      );
      await waitForEvent(ann, { event: 'trackMuted', participant: ben.id, source: 'camera' });
      let decoded = -1;
      await waitUntil(
        "ann to stop decoding ben's video",
        async () => {
          const now = await decodedOf(ann, ben);
          const still = now === decoded;
          decoded = now;
          return still;
        },
        20_000,
        1_500,
      );

      await ben.page.evaluate(() =>
        (window as unknown as Harness).mmt.room.localParticipant.setCameraEnabled(true),
      );
      await waitForEvent(ann, { event: 'trackUnmuted', participant: ben.id, source: 'camera' });
      await waitForMedia(ann, [ben], await inbound(ann), 30_000);
    },
    LONG,
  );

  it(
    'ben leaving through node 2 takes him and his consumers off ann; the last leave closes the router',
    async (ctx) => {
      prepare(ctx);
      const before = await liveReceivedTracks(ann);
      await ben.page.evaluate(() => (window as unknown as Harness).mmt.room.leave());
      await waitForEvent(ann, { event: 'participantLeft', participant: ben.id });
      let last: unknown;
      await waitUntil("ann to drop ben's camera and microphone", async () => {
        const ids = await remoteIds(ann);
        const live = await liveReceivedTracks(ann);
        last = { ids, live, before };
        return !ids.includes(ben.id) && live === before - 2;
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}; last ${JSON.stringify(last)}`);
      });

      await ann.page.evaluate(() => (window as unknown as Harness).mmt.room.leave());
      await waitUntil(
        'the router on node 1 to close',
        async () => (await health(node1)).sfu.rooms === 0,
      );
    },
    LONG,
  );
});
