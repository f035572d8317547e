import type { RoomTopology } from '@minimeet/protocol';
import type { AppConfig } from '../config/config.js';

/** The capacity of a room created without one: the most its topology carries on this server. */
export function defaultCapacity(config: AppConfig, topology: RoomTopology): number {
  return topology === 'mesh' || !config.sfu.enabled
    ? config.rooms.meshMaxParticipants
    : config.sfu.maxParticipants;
}
