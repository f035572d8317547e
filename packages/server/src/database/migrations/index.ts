import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { Rooms1764100000000 } from './1764100000000-rooms.js';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [InitialSchema1764000000000, Rooms1764100000000];
