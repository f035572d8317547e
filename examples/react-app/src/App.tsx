import { useCallback, useEffect, useState } from 'react';
import {
  MinimeetRoom,
  type MinimeetJoinedEvent,
  type MinimeetLeftEvent,
  type MinimeetParticipantJoinedEvent,
} from '@minimeet/web-components/react';

/** What the app's backend answers on `/join` (see vite.config.ts). */
interface Join {
  server: string;
  room: string;
  token: string;
}

const ROOM = 'standup';
/** `?skip-prejoin` in the address joins at once, without the pre-join screen. */
const SKIP_PREJOIN = new URLSearchParams(location.search).has('skip-prejoin');

async function join(room: string): Promise<Join> {
  const res = await fetch(`/join?room=${encodeURIComponent(room)}&name=React%20guest`);
  if (!res.ok) throw new Error(`join failed: ${res.status}`);
  return (await res.json()) as Join;
}

/**
 * The app: `<MinimeetRoom>` with a token provider on the app's backend. The first answer names
 * the server; the room asks the provider again whenever it needs a fresh token.
 */
export function App() {
  const [first, setFirst] = useState<Join>();
  const [failure, setFailure] = useState<string>();
  const [log, setLog] = useState<string[]>([]);
  const add = (line: string) => setLog((lines) => [...lines, line]);

  useEffect(() => {
    join(ROOM).then(setFirst, (error: unknown) => setFailure(String(error)));
  }, []);

  // A stable function: a new one on each render would make the room start again.
  const tokenProvider = useCallback(async () => (await join(ROOM)).token, []);

  // Each handler's argument is the typed event, so `detail` is typed.
  const onJoined = (event: MinimeetJoinedEvent) =>
    add(`joined ${event.detail.room.id} as ${event.detail.room.localParticipant.name}`);
  const onParticipantJoined = (event: MinimeetParticipantJoinedEvent) =>
    add(`${event.detail.participant.name} joined`);
  const onLeft = (event: MinimeetLeftEvent) => add(`left: ${event.detail.reason}`);

  return (
    <main>
      <h1>minimeet in React</h1>
      {failure && <p role="alert">{failure}</p>}
      {first && (
        <MinimeetRoom
          style={{ display: 'block', height: '70vh' }}
          server={first.server}
          room={first.room}
          tokenProvider={tokenProvider}
          skipPrejoin={SKIP_PREJOIN}
          onMinimeetJoined={onJoined}
          onMinimeetParticipantJoined={onParticipantJoined}
          onMinimeetLeft={onLeft}
        />
      )}
      <ol aria-label="Call events">
        {log.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
    </main>
  );
}
