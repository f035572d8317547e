import { useEffect, useState } from 'react';
import { createClient, type MinimeetClient } from '@minimeet/sdk';
import {
  MinimeetConnectionStatus,
  type MinimeetConnectionStateChangedEvent,
} from '@minimeet/web-components/react';

/** What the app's backend answers on `/join` (see vite.config.ts). */
interface Join {
  server: string;
  room: string;
  token: string;
}

async function join(room: string): Promise<Join> {
  const res = await fetch(`/join?room=${encodeURIComponent(room)}&name=React%20guest`);
  if (!res.ok) throw new Error(`join failed: ${res.status}`);
  return (await res.json()) as Join;
}

/** Connects a new client with tokens from the app's backend; the first answer names the server. */
async function connect(client: MinimeetClient, room: string): Promise<void> {
  const first = await join(room);
  let unused: string | undefined = first.token;
  await client.connect(first.server, async () => {
    const token = unused ?? (await join(room)).token;
    unused = undefined;
    return token;
  });
}

/** The app: a minimeet client, its connection shown by `<MinimeetConnectionStatus>`. */
export function App() {
  const [client, setClient] = useState<MinimeetClient>();
  const [log, setLog] = useState<string[]>([]);

  useEffect(() => {
    const created = createClient();
    setClient(created);
    connect(created, 'standup').catch(() => {}); // the element shows why
    return () => void created.disconnect();
  }, []);

  // The prop's argument is a MinimeetConnectionStateChangedEvent, so `detail` is typed.
  const onStateChanged = (event: MinimeetConnectionStateChangedEvent) => {
    const { previousState, state, principal } = event.detail;
    const who = principal ? ` as ${principal.displayName}` : '';
    setLog((lines) => [...lines, `${previousState} → ${state}${who}`]);
  };

  return (
    <main>
      <h1>minimeet in React</h1>
      <MinimeetConnectionStatus client={client} onMinimeetConnectionStateChanged={onStateChanged} />
      <ol aria-label="Connection events">
        {log.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
    </main>
  );
}
