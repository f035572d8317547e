import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { ErrorCode, type ChatMessage } from '@minimeet/protocol';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';
import { nextOffset, offsetSchema, positionOf, RELEVANCE_DEPTH } from './engine-support.js';
import type {
  MessageSearch,
  MessageSearchHealth,
  MessageSearchRequest,
  MessageSearchResult,
} from './message-search.port.js';
import { foldWord, type SearchQuery } from './search-query.js';

/** A message as the index holds it. */
interface MessageDocument {
  id: string;
  roomId: string;
  senderId: string;
  text: string;
  createdAt: string;
}

/**
 * The index: `text` by words (standard tokenizer, lower case, ASCII folding), and `text.chars`
 * one letter or digit per token, so that a phrase query on it finds text inside the runs of
 * scripts written without spaces.
 */
const INDEX_SETTINGS: estypes.IndicesIndexSettings = {
  analysis: {
    analyzer: {
      minimeet_words: {
        type: 'custom',
        tokenizer: 'standard',
        filter: ['lowercase', 'asciifolding'],
      },
      minimeet_chars: {
        type: 'custom',
        tokenizer: 'minimeet_char',
        filter: ['lowercase', 'asciifolding'],
      },
    },
    tokenizer: {
      minimeet_char: { type: 'ngram', min_gram: 1, max_gram: 1, token_chars: ['letter', 'digit'] },
    },
  },
};

const INDEX_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    roomId: { type: 'keyword' },
    senderId: { type: 'keyword' },
    createdAt: { type: 'date' },
    text: {
      type: 'text',
      analyzer: 'minimeet_words',
      fields: { chars: { type: 'text', analyzer: 'minimeet_chars' } },
    },
  },
};

/** Most terms a prefix phrase may expand to. */
const PREFIX_EXPANSIONS = 200;

/** The Elasticsearch query for the terms of a parsed query; every clause must match. */
export function elasticsearchClauses(query: SearchQuery): estypes.QueryDslQueryContainer[] {
  return query.terms.map((term): estypes.QueryDslQueryContainer => {
    if (term.kind === 'substring') return { match_phrase: { 'text.chars': term.text } };
    const text = term.words.join(' ');
    if (term.prefix && term.words.length === 1)
      return { prefix: { text: { value: foldWord(term.words[0]) } } };
    if (term.prefix)
      return { match_phrase_prefix: { text: { query: text, max_expansions: PREFIX_EXPANSIONS } } };
    if (term.words.length > 1) return { match_phrase: { text } };
    return { match: { text: { query: text, operator: 'and' } } };
  });
}

const newestSchema = z.tuple([z.number().int(), z.string().min(1).max(64)]);

/** A version that only grows with each change of a message, for out-of-order deliveries. */
function versionOf(message: ChatMessage): number {
  return Math.max(
    Date.parse(message.createdAt),
    message.editedAt ? Date.parse(message.editedAt) : 0,
    message.deletedAt ? Date.parse(message.deletedAt) : 0,
  );
}

const unavailable = () =>
  new AppError(ErrorCode.ServiceUnavailable, 'Search is unavailable right now; try again soon.');

/**
 * Elasticsearch through `@elastic/elasticsearch`. The index (with its mapping) is created at start
 * when it is missing. Messages reach it through the event bus after they are stored: an edit
 * re-indexes the text, a deletion indexes the empty text (so it matches nothing), each with an
 * external version taken from the message's times, so that a late delivery never overwrites a
 * newer state. Messages stored while Elasticsearch was unreachable are not indexed later.
 */
export class ElasticsearchSearch implements MessageSearch, OnModuleInit, OnApplicationShutdown {
  readonly engine = 'elasticsearch' as const;
  readonly indexesItself = false;
  private readonly client: Client;
  private readonly logger = new Logger('ElasticsearchSearch');
  private ready: Promise<void> | null = null;

  constructor(
    private readonly options: { url: string; index: string },
    client?: Client,
  ) {
    this.client = client ?? new Client({ node: options.url });
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.ensureIndex();
    } catch (err) {
      // The server starts anyway; search answers service_unavailable until the index is there.
      this.logger.warn(`Elasticsearch index not ready: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /** Creates the index with its mapping unless it exists. */
  ensureIndex(): Promise<void> {
    this.ready ??= this.createIndexIfMissing().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private async createIndexIfMissing(): Promise<void> {
    const index = this.options.index;
    if (await this.client.indices.exists({ index })) return;
    try {
      await this.client.indices.create({
        index,
        settings: INDEX_SETTINGS,
        mappings: INDEX_MAPPINGS,
      });
    } catch (err) {
      // Another node created it first.
      const body = err instanceof errors.ResponseError ? (err.body as unknown) : undefined;
      if (
        z
          .object({ error: z.object({ type: z.literal('resource_already_exists_exception') }) })
          .safeParse(body).success
      )
        return;
      throw err;
    }
  }

  async search(request: MessageSearchRequest): Promise<MessageSearchResult> {
    const relevance = request.sort === 'relevance';
    const offset = relevance ? (positionOf(offsetSchema, request.after) ?? 0) : 0;
    const after = relevance ? undefined : positionOf(newestSchema, request.after);
    const filter: estypes.QueryDslQueryContainer[] = [{ terms: { roomId: request.roomIds } }];
    if (request.senderId !== undefined) filter.push({ term: { senderId: request.senderId } });
    if (request.from || request.to) {
      filter.push({
        range: {
          createdAt: {
            ...(request.from ? { gte: request.from.toISOString() } : {}),
            ...(request.to ? { lt: request.to.toISOString() } : {}),
          },
        },
      });
    }
    const limit = Math.min(request.limit, RELEVANCE_DEPTH - offset);
    const newest: estypes.SortCombinations[] = [{ createdAt: 'desc' }, { id: 'desc' }];
    let response: estypes.SearchResponse<MessageDocument>;
    try {
      await this.ensureIndex();
      response = await this.client.search<MessageDocument>({
        index: this.options.index,
        query: { bool: { must: elasticsearchClauses(request.query), filter } },
        sort: relevance ? [{ _score: { order: 'desc' } }, ...newest] : newest,
        size: limit + 1,
        ...(relevance ? { from: offset } : {}),
        ...(after ? { search_after: after } : {}),
        _source: false,
        track_total_hits: false,
      });
    } catch (err) {
      this.logger.error(`search failed: ${(err as Error).message}`);
      throw unavailable();
    }
    const hits = response.hits.hits;
    const page = hits.slice(0, limit);
    const more = hits.length > limit;
    const last = page.at(-1);
    const lastSort = last?.sort;
    return {
      hits: page.flatMap((h) =>
        h._id === undefined
          ? []
          : [
              relevance && typeof h._score === 'number'
                ? { id: h._id, score: h._score }
                : { id: h._id },
            ],
      ),
      next: relevance
        ? nextOffset(offset, page.length, more)
        : more && last?._id && lastSort
          ? [Number(lastSort[0]), last._id]
          : null,
    };
  }

  async indexed(message: ChatMessage): Promise<void> {
    await this.ensureIndex();
    try {
      await this.client.index<MessageDocument>({
        index: this.options.index,
        id: message.id,
        version: versionOf(message),
        version_type: 'external_gte',
        document: {
          id: message.id,
          roomId: message.roomId,
          senderId: message.sender.id,
          text: message.deletedAt ? '' : message.text,
          createdAt: message.createdAt,
        },
      });
    } catch (err) {
      // A newer state is already there.
      if (err instanceof errors.ResponseError && err.statusCode === 409) return;
      throw err;
    }
  }

  async removed(messageId: string): Promise<void> {
    await this.ensureIndex();
    await this.client.delete({ index: this.options.index, id: messageId }, { ignore: [404] });
  }

  async roomDeleted(roomId: string): Promise<void> {
    await this.ensureIndex();
    await this.client.deleteByQuery({
      index: this.options.index,
      query: { term: { roomId } },
      conflicts: 'proceed',
      refresh: true,
    });
  }

  async flush(): Promise<void> {
    await this.ensureIndex();
    await this.client.indices.refresh({ index: this.options.index });
  }

  async health(): Promise<MessageSearchHealth> {
    try {
      await this.ensureIndex();
      return { engine: this.engine, ok: true };
    } catch (err) {
      return { engine: this.engine, ok: false, detail: (err as Error).message };
    }
  }

  /** Deletes the index (tests). */
  async dropIndex(): Promise<void> {
    await this.client.indices.delete({ index: this.options.index }, { ignore: [404] });
    this.ready = null;
  }
}
