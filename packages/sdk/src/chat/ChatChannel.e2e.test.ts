import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParticipants as close,
  joinAsGuest,
  startCallRig,
  stopCallRig,
  waitUntil,
  type CallRig,
  type PageHarness,
} from '../test/rooms.js';

// room.chat in real Chromium, through the bundle the server serves: opened on join, with the
// history a late joiner missed.

type Harness = { mmt: PageHarness };

let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig();
});

afterAll(async () => stopCallRig(rig));

describe('room.chat', () => {
  it('is the room’s conversation, opened on join with the history a late joiner missed', async () => {
    const ada = await joinAsGuest(rig, 'ada', 'chat-late', {});
    const sent = await ada.page.evaluate(async () => {
      const { room } = (window as unknown as Harness).mmt;
      await room.chat.synced();
      const texts = ['first', 'second', 'third'];
      for (const text of texts) await room.chat.send(text);
      return room.chat.messages.map((m) => m.text);
    });
    expect(sent).toEqual(['first', 'second', 'third']);

    const bob = await joinAsGuest(rig, 'bob', 'chat-late', {});
    const seen = await bob.page.evaluate(async () => {
      const { room, client } = (window as unknown as Harness).mmt;
      await room.chat.synced();
      return {
        same: client.chat(room.id) === room.chat,
        texts: room.chat.messages.map((m) => m.text),
        senders: room.chat.messages.map((m) => m.sender.displayName),
      };
    });
    expect(seen).toEqual({
      same: true,
      texts: ['first', 'second', 'third'],
      senders: ['ada', 'ada', 'ada'],
    });

    await bob.page.evaluate(() => (window as unknown as Harness).mmt.room.chat.send('hi ada'));
    await waitUntil('ada to receive bob’s message', () =>
      ada.page.evaluate(
        () => (window as unknown as Harness).mmt.room.chat.messages.at(-1)?.text === 'hi ada',
      ),
    );
    await close(ada, bob);
  });
});
