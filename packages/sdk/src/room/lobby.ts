import type { LobbyEntry } from '@minimeet/protocol';
import { MinimeetError, SdkErrorCode } from '../errors.js';
import type { ResolvedJoinRoomOptions } from '../options.js';
import type { SignalChannel } from '../signaling/SignalChannel.js';

/**
 * Waits in the room's lobby: knocks, tells the app, and resolves once a host admits this client;
 * rejects with `lobby_denied` when a host turns it away.
 */
export async function waitInLobby(
  channel: SignalChannel,
  roomId: string,
  options: ResolvedJoinRoomOptions,
  onWaiting: ((entry: LobbyEntry) => void) | undefined,
): Promise<void> {
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const outcome = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  const stops = [
    channel.subscribe('lobby_admitted', (e) => {
      if (e.roomId === roomId) settle?.resolve();
    }),
    channel.subscribe('lobby_denied', (e) => {
      if (e.roomId === roomId)
        settle?.reject(new MinimeetError(SdkErrorCode.LobbyDenied, e.message));
    }),
    channel.onConnectionChange((change) => {
      if (change.type === 'closed' || change.type === 'dropped')
        settle?.reject(
          new MinimeetError(SdkErrorCode.Disconnected, 'The connection closed in the lobby.'),
        );
    }),
  ];
  try {
    const { entry } = await channel.request('lobby_knock', {
      roomId,
      password: options.password,
      inviteCode: options.inviteCode,
    });
    onWaiting?.(entry);
    await outcome;
  } finally {
    for (const stop of stops) stop();
  }
}
