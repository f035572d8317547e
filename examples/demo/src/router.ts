/** Where the demo stands, read from the address bar. */
export type Route =
  { name: 'lobby'; invite?: string } | { name: 'room'; roomId: string; invite?: string };

/** What the History API keeps with each entry the demo pushes. */
export interface RouteState {
  /** The entry was pushed from the lobby, so going back returns there. */
  fromLobby?: boolean;
}

/** The route of a location: `/r/<roomId>` is a room, anything else the lobby. */
export function routeOf(location: Pick<Location, 'pathname' | 'search'>): Route {
  const invite = new URLSearchParams(location.search).get('invite') ?? undefined;
  const match = /^\/r\/([^/]+)\/?$/.exec(location.pathname);
  let roomId: string | undefined;
  try {
    roomId = match?.[1] ? decodeURIComponent(match[1]) : undefined;
  } catch {
    roomId = undefined;
  }
  if (roomId) return invite ? { name: 'room', roomId, invite } : { name: 'room', roomId };
  return invite ? { name: 'lobby', invite } : { name: 'lobby' };
}

/** The path of a route. */
export function pathOf(route: Route): string {
  return route.name === 'room' ? `/r/${encodeURIComponent(route.roomId)}` : '/';
}
