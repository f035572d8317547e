import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { roomContext, type MinimeetRoomContext } from '../context/room-context.js';

/**
 * A Lit reactive controller through which a part receives the call from the nearest
 * `<minimeet-room>` (or {@link provideRoomContext}): `value` is the latest
 * {@link MinimeetRoomContext}, and the host re-renders whenever a new one is provided. Outside a
 * provider `value` is undefined; parts then use the SDK objects set on their own properties.
 */
export class RoomContextController implements ReactiveController {
  private readonly consumer: ContextConsumer<typeof roomContext, ReactiveElement>;

  /** Creates the controller on `host`; `onChange` runs with each new context. */
  constructor(host: ReactiveElement, onChange?: (value: MinimeetRoomContext | undefined) => void) {
    host.addController(this);
    this.consumer = new ContextConsumer(host, {
      context: roomContext,
      subscribe: true,
      callback: (value) => {
        onChange?.(value);
        host.requestUpdate();
      },
    });
  }

  /** The call as provided now, or undefined outside a provider. */
  get value(): MinimeetRoomContext | undefined {
    return this.consumer.value;
  }

  /** Nothing to do: the context consumer follows the host by itself. */
  hostConnected(): void {}
}
