/**
 * minimeet's own mediasoup adapter (`packages/server/src/media/mediasoup-media-server.ts`, built),
 * standalone: the server's configuration parsed by its own `loadConfig` (defaults, one worker,
 * listening on the namespace's address), the worker binary found where the server finds it, its
 * codecs, transports, bitrate and priorities exactly as a call gets them. The worker runs inside
 * the bench's network namespace through a wrapper (`ip netns exec … <worker>`, which keeps the
 * process id and the channel pipes), as Janus does, so both see the same veth path.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SfuRtpCapabilities } from '@minimeet/protocol';
import { loadConfig } from '@minimeet/server';
import type { NetworkNamespace } from '@minimeet/server/testing';
import type { RTCPeerConnection } from 'werift';
// The adapter and the worker lookup are not part of the server's package exports; the bench reads
// the built files so that it runs the very code the server runs.
import { MediasoupMediaServer } from '../../../packages/server/dist/media/mediasoup-media-server.js';
import { findWorkerBin } from '../../../packages/server/dist/media/mediasoup-worker-bin.js';
import { dtlsRoleOf, fingerprintOf, mediasoupDescription, midOf, MID_URI } from './sdp.js';
import type { Publisher, ReceiveMode, SfuUnderTest, Subscriber } from './sfu.js';
import { createVp8Source } from './vp8-source.js';
import {
  connected,
  countDecrypted,
  countWithoutDecrypting,
  createPeer,
  newCounter,
  VP8_PAYLOAD_TYPE,
} from './werift-peer.js';

const ROOM = 'capacity';
const IP = '/usr/sbin/ip';

/** What a werift subscriber can receive, as mediasoup-client's Device would report it. */
const RECEIVER_CAPABILITIES: SfuRtpCapabilities = {
  codecs: [
    {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: VP8_PAYLOAD_TYPE,
      clockRate: 90_000,
      rtcpFeedback: [
        { type: 'nack', parameter: '' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
      ],
    },
  ],
  headerExtensions: [{ kind: 'video', uri: MID_URI, preferredId: 1, direction: 'sendrecv' }],
};

type Logger = ConstructorParameters<typeof MediasoupMediaServer>[2];

/** Only errors reach the console. */
const logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (...args: unknown[]) => console.warn('[mediasoup]', ...args),
  error: (...args: unknown[]) => console.error('[mediasoup]', ...args),
} as unknown as Logger;

/** Starts one mediasoup worker in `ns` behind minimeet's adapter. */
export async function startMediasoup(ns: NetworkNamespace): Promise<SfuUnderTest> {
  const config = loadConfig({ NODE_ENV: 'test', SFU_WORKERS: '1', SFU_LISTEN_IP: ns.address });
  const found = findWorkerBin(config.sfu);
  if (!found.found) throw new Error(`No mediasoup worker: ${found.reason}`);
  const dir = await mkdtemp(join(tmpdir(), 'minimeet-capacity-'));
  const wrapper = join(dir, 'mediasoup-worker');
  await writeFile(wrapper, `#!/bin/sh\nexec ${IP} netns exec ${ns.name} ${found.path} "$@"\n`);
  await chmod(wrapper, 0o755);
  const server = new MediasoupMediaServer(config.sfu, wrapper, logger);
  await server.routerCapabilities(ROOM); // starts the worker and opens the room's router
  const status = server.status();
  if (!status.available || status.workers.length !== 1) {
    throw new Error(`The mediasoup worker did not start: ${JSON.stringify(status)}`);
  }
  const pid = status.workers[0].pid;
  let peers: Array<{ id: string; pc: RTCPeerConnection; stop?: () => void }> = [];
  let next = 0;
  let stopped = false;

  const publish = async (): Promise<Publisher> => {
    const peerId = `publisher-${next++}`;
    const pc = createPeer(ns.hostAddress);
    const source = createVp8Source();
    peers.push({ id: peerId, pc, stop: () => source.stop() });
    const transceiver = pc.addTransceiver(source.track, { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const offer = pc.localDescription!.sdp;
    const { mid, midExtensionId } = midOf(offer);
    const transport = await server.createTransport(ROOM, peerId, 'send');
    await server.connectTransport(ROOM, peerId, transport.transportId, {
      role: dtlsRoleOf(offer) === 'server' ? 'server' : 'client',
      fingerprints: [fingerprintOf(offer)],
    });
    const feed = await server.produce(ROOM, peerId, {
      transportId: transport.transportId,
      kind: 'video',
      paused: false,
      rtpParameters: {
        mid,
        codecs: [
          {
            mimeType: 'video/VP8',
            payloadType: VP8_PAYLOAD_TYPE,
            clockRate: 90_000,
            rtcpFeedback: RECEIVER_CAPABILITIES.codecs![0].rtcpFeedback,
          },
        ],
        headerExtensions: [{ uri: MID_URI, id: midExtensionId }],
        encodings: [{ ssrc: transceiver.sender.ssrc }],
        rtcp: { cname: `bench-${peerId}`, reducedSize: true },
      },
    });
    await pc.setRemoteDescription({
      type: 'answer',
      sdp: mediasoupDescription(transport, 'passive', [
        { mid, direction: 'recvonly', payloadType: VP8_PAYLOAD_TYPE, midExtensionId },
      ]),
    });
    await connected(pc);
    source.start();
    return { feed, pc, source };
  };

  const subscribe = async (feeds: readonly Publisher[], mode: ReceiveMode): Promise<Subscriber> => {
    const peerId = `subscriber-${next++}`;
    const pc = createPeer(ns.hostAddress);
    peers.push({ id: peerId, pc });
    const counter = newCounter();
    if (mode === 'probe') countDecrypted(pc, counter);
    const transport = await server.createTransport(ROOM, peerId, 'recv');
    const consumers = [];
    for (const publisher of feeds) {
      const consumer = await server.consume(ROOM, peerId, publisher.feed, RECEIVER_CAPABILITIES);
      if (!consumer) throw new Error(`mediasoup refused to consume ${publisher.feed}`);
      consumers.push(consumer);
    }
    await pc.setRemoteDescription({
      type: 'offer',
      sdp: mediasoupDescription(
        transport,
        'actpass',
        consumers.map(({ rtpParameters: p }) => ({
          mid: p.mid!,
          direction: 'sendonly',
          payloadType: p.codecs[0].payloadType,
          midExtensionId: p.headerExtensions!.find((e) => e.uri === MID_URI)!.id,
          ssrc: p.encodings![0].ssrc!,
        })),
      ),
    });
    const answer = await pc.createAnswer();
    await server.connectTransport(ROOM, peerId, transport.transportId, {
      role: dtlsRoleOf(answer.sdp),
      fingerprints: [fingerprintOf(answer.sdp)],
    });
    await pc.setLocalDescription(answer);
    if (mode === 'count') countWithoutDecrypting(pc, counter);
    for (const c of consumers) await server.setConsumerPaused(ROOM, peerId, c.consumerId, false);
    await connected(pc);
    return { pc, counter, streams: consumers.length };
  };

  return {
    name: 'mediasoup 3.12.16 (minimeet adapter)',
    pid,
    publish,
    subscribe,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closing = peers;
      peers = [];
      for (const peer of closing) {
        peer.stop?.();
        server.closePeer(ROOM, peer.id);
      }
      await Promise.all(closing.map((peer) => peer.pc.close().catch(() => undefined)));
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
