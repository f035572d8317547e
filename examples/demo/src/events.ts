/** `detail` of `demo-open-room`: the room to go to. */
export interface OpenRoomDetail {
  readonly roomId: string;
}

declare global {
  interface GlobalEventHandlersEventMap {
    /** A lobby element asks the app to open a room's call page. */
    'demo-open-room': CustomEvent<OpenRoomDetail>;
  }
}

/** A `demo-open-room` event, bubbling out of shadow roots to the app. */
export function openRoomEvent(roomId: string): CustomEvent<OpenRoomDetail> {
  return new CustomEvent('demo-open-room', { detail: { roomId }, bubbles: true, composed: true });
}
