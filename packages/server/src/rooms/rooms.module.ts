import { Module } from '@nestjs/common';

/**
 * Rooms, members and invites. Empty until rooms land (issue 3); join tokens already carry the room
 * grant that this module will honour.
 */
@Module({})
export class RoomsModule {}
