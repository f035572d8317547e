import type { UserPresence } from '@minimeet/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MinimeetClient } from '../client/MinimeetClient.js';
import { PresenceEvent } from '../events.js';
import {
  closeParticipants as close,
  openParticipantPage,
  startCallRig,
  stopCallRig,
  waitUntil,
  type CallRig,
  type ParticipantPage,
} from '../test/rooms.js';
import { connectAs, createRoom, signUp, type TestUser } from '../test/network.js';

// Auto-away in real Chromium: a tab without input for idleAfterMs reports itself away, input
// brings it back, and a second tab of the same user that is active keeps the user online.

let rig: CallRig;
const clients: MinimeetClient[] = [];

beforeAll(async () => {
  rig = await startCallRig();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
});

afterAll(async () => stopCallRig(rig));

interface PresencePage {
  client: MinimeetClient;
  away: boolean[];
}

/** Opens a tab that loads the SDK from the server and connects as `user` with `presence` options. */
async function openTab(user: TestUser, presence: object): Promise<ParticipantPage> {
  const tab = await openParticipantPage(rig.browser, rig.hostAppUrl);
  // A string, so that the test runner does not rewrite the page's dynamic import.
  await tab.page.evaluate(`(async () => {
    const url = ${JSON.stringify(rig.server.url)};
    const sdk = await import(url + '/sdk/minimeet-sdk.js');
    const client = sdk.createClient({ transports: ['websocket'], presence: ${JSON.stringify(presence)} });
    await client.connect(url, () => ${JSON.stringify(user.token)});
    const state = { client, away: [] };
    client.presence.on(sdk.PresenceEvent.AwayChanged, (away) => state.away.push(away));
    window.presence = state;
  })()`);
  return tab;
}

describe('auto-away in Chromium', () => {
  it('a tab idle for idleAfterMs makes its user away, unless another tab of the user is active', async () => {
    const ada = await signUp(rig.server.url, 'Ada');
    const bob = await signUp(rig.server.url, 'Bob');
    await createRoom(rig.server.url, ada, [bob]);
    const adaClient = await connectAs(rig.server.url, ada);
    clients.push(adaClient);
    await adaClient.presence.subscribe([bob.id]);
    const stateOfBob = () => adaClient.presence.get(bob.id)?.state;
    const states: UserPresence['state'][] = [];
    adaClient.presence.on(PresenceEvent.PresenceChanged, (p) => {
      if (p.userId === bob.id) states.push(p.state);
    });

    const idleTab = await openTab(bob, { idleAfterMs: 500 });
    await waitUntil('Ada to see Bob away', () => stateOfBob() === 'away', 10_000, 50);

    const activeTab = await openTab(bob, { autoAway: false });
    await waitUntil('Ada to see Bob online', () => stateOfBob() === 'online', 10_000, 50);
    await close(activeTab);
    await waitUntil('Ada to see Bob away again', () => stateOfBob() === 'away', 10_000, 50);

    await idleTab.page.mouse.move(10, 10);
    await idleTab.page.mouse.move(40, 30);
    await waitUntil('Ada to see Bob back', () => stateOfBob() === 'online', 10_000, 50);

    expect(states).toEqual(['online', 'away', 'online', 'away', 'online']);
    const away = await idleTab.page.evaluate(
      () => (window as unknown as { presence: PresencePage }).presence.away,
    );
    expect(away).toEqual([true, false]);
    await close(idleTab);
  });
});
