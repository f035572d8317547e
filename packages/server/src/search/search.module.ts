import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ChatModule } from '../chat/chat.module.js';
import { ChatService } from '../chat/chat.service.js';
import { RateLimitGuard } from '../common/rate-limit.guard.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { ElasticsearchSearch } from './elasticsearch.search.js';
import { MESSAGE_SEARCH, type MessageSearch } from './message-search.port.js';
import { MysqlFulltextSearch } from './mysql-fulltext.repository.js';
import { PostgresFullTextSearch } from './postgres-fulltext.repository.js';
import { PrincipalGuard } from '../auth/principal.guard.js';
import { SearchIndexer } from './search-indexer.js';
import { SearchController } from './search.controller.js';
import { CHAT_MESSAGES, READABLE_ROOMS, SearchService } from './search.service.js';
import { SqliteFtsSearch } from './sqlite-fts.repository.js';

/**
 * The search engine `SEARCH_ENGINE` names (config resolves `auto` to the store's own). The
 * in-store adapters cost nothing until used, so all three are at hand to pick from.
 */
function createMessageSearch(
  config: AppConfig,
  sqlite: SqliteFtsSearch,
  mysql: MysqlFulltextSearch,
  postgres: PostgresFullTextSearch,
): MessageSearch {
  switch (config.search.engine) {
    case 'sqlite':
      return sqlite;
    case 'mysql':
      return mysql;
    case 'postgres':
      return postgres;
    case 'elasticsearch':
      if (!config.search.elasticsearch) throw new Error('ELASTICSEARCH_URL is not configured.');
      return new ElasticsearchSearch(config.search.elasticsearch);
  }
}

/**
 * Full-text search of chat messages: `GET /api/search/messages` over the {@link MESSAGE_SEARCH}
 * port, with an adapter per engine, fed by the chat events on the bus.
 */
@Module({
  imports: [AuthModule, ChatModule, RoomsModule],
  controllers: [SearchController],
  providers: [
    SqliteFtsSearch,
    MysqlFulltextSearch,
    PostgresFullTextSearch,
    {
      provide: MESSAGE_SEARCH,
      inject: [APP_CONFIG, SqliteFtsSearch, MysqlFulltextSearch, PostgresFullTextSearch],
      useFactory: createMessageSearch,
    },
    { provide: CHAT_MESSAGES, useExisting: ChatService },
    { provide: READABLE_ROOMS, useExisting: RoomAccessService },
    SearchService,
    SearchIndexer,
    PrincipalGuard,
    RateLimitGuard,
  ],
  exports: [MESSAGE_SEARCH, SearchIndexer],
})
export class SearchModule {}
