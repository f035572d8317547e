import { sqliteDateTime } from '../database/sqlite-datetime.js';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  likeContains,
  nextOffset,
  offsetSchema,
  positionOf,
  RELEVANCE_DEPTH,
} from './engine-support.js';
import type {
  MessageSearchHealth,
  MessageSearchRequest,
  MessageSearchResult,
} from './message-search.port.js';
import type { SearchQuery } from './search-query.js';
import { InStoreMessageSearch } from './in-store-search.js';

/** The trigram tokenizer finds nothing shorter than this through its index. */
const TRIGRAM = 3;

/**
 * Relevance ranks at most this many matches: the newest ones. Ranking costs a few microseconds a
 * match, so a word in most of a million messages would otherwise take most of a second.
 */
export const RELEVANCE_WINDOW = 10_000;

/**
 * A 1- or 2-character term is looked up through at most this many trigrams that start with it;
 * one with more (a very common character) is found by scanning instead, which a common term
 * ends quickly.
 */
export const SHORT_TERM_TRIGRAMS = 200;

/** How one query runs on the FTS5 tables of migration `ChatSearch1764200000001`. */
export interface SqlitePlan {
  /** MATCH expression for `chat_search_fts` (words, phrases, prefixes), if any. */
  words: string | null;
  /** MATCH expression for `chat_search_cjk` (substrings of 3 characters or more), if any. */
  trigrams: string | null;
  /** Substrings too short to be trigrams themselves (1 or 2 characters). */
  short: string[];
}

/** An FTS5 string literal: the text in double quotes, inner quotes doubled. */
const ftsString = (text: string): string => `"${text.replace(/"/g, '""')}"`;

/** Translates a parsed query into FTS5 MATCH expressions. Every term is quoted: no syntax leaks. */
export function sqlitePlan(query: SearchQuery): SqlitePlan {
  const words: string[] = [];
  const trigrams: string[] = [];
  const short: string[] = [];
  for (const term of query.terms) {
    if (term.kind === 'words') {
      words.push(ftsString(term.words.join(' ')) + (term.prefix ? '*' : ''));
    } else if ([...term.text].length >= TRIGRAM) {
      trigrams.push(ftsString(term.text));
    } else {
      short.push(term.text);
    }
  }
  return {
    words: words.length > 0 ? words.join(' AND ') : null,
    trigrams: trigrams.length > 0 ? trigrams.join(' AND ') : null,
    short,
  };
}

const docSchema = z.number().int().min(0);

/**
 * The embedded search engine: SQLite FTS5, kept in step with chat_messages by triggers (see the
 * migrations; the chat writer indexes new messages a moment after storing them, and the search
 * service has it catch up before each search). Newest first walks the index backwards in document
 * order (the order messages were indexed) and stops after a page, so a common word costs no more than a rare one; relevance is
 * FTS5's bm25 over the newest {@link RELEVANCE_WINDOW} matches. Text in a script written without
 * spaces is found through trigrams; a 1- or 2-character term through the trigrams that start with
 * it, or, past {@link SHORT_TERM_TRIGRAMS} of them, by scanning the messages that hold such a
 * script, newest first.
 */
@Injectable()
export class SqliteFtsSearch extends InStoreMessageSearch {
  readonly engine = 'sqlite' as const;
  /** How many of the newest matches relevance ranks, at most (tests make it small). */
  relevanceWindow = RELEVANCE_WINDOW;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
  }

  async search(request: MessageSearchRequest): Promise<MessageSearchResult> {
    const plan = sqlitePlan(request.query);
    // A short term becomes the trigrams that start with it (the text is indexed with two spaces
    // after it, so every occurrence starts one), or a LIKE when there are too many of them.
    const trigramParts = plan.trigrams ? [plan.trigrams] : [];
    const likes: string[] = [];
    for (const text of plan.short) {
      const key = text.toLowerCase();
      const found = await this.dataSource.query<Array<{ term: string }>>(
        'SELECT term FROM chat_search_cjk_terms WHERE term >= ? AND term < ? LIMIT ?',
        [key, `${key}\u{10FFFF}`, SHORT_TERM_TRIGRAMS + 1],
      );
      if (found.length === 0) return { hits: [], next: null };
      if (found.length > SHORT_TERM_TRIGRAMS) likes.push(likeContains(text));
      else trigramParts.push(`(${found.map((t) => ftsString(t.term)).join(' OR ')})`);
    }
    const trigrams = trigramParts.length > 0 ? trigramParts.join(' AND ') : null;
    const relevance = request.sort === 'relevance';
    const offset = relevance ? (positionOf(offsetSchema, request.after) ?? 0) : 0;
    const beforeDoc = relevance ? undefined : positionOf(docSchema, request.after);

    // The driving table: the word index, else the trigram index, else the documents with a script
    // written without spaces (every substring term is in such a script).
    const driver = plan.words ? 'chat_search_fts' : trigrams ? 'chat_search_cjk' : null;
    const match = plan.words ?? trigrams;
    const params: unknown[] = [];
    const where: string[] = [];
    let from: string;
    let docColumn: string;
    if (driver) {
      from = `${driver} JOIN chat_search_docs d ON d.doc = ${driver}.rowid`;
      docColumn = `${driver}.rowid`;
      where.push(`${driver} MATCH ?`);
      params.push(match);
    } else {
      from = 'chat_search_docs d';
      docColumn = 'd.doc';
      where.push('d.cjk = 1');
    }
    if (likes.length > 0) {
      from += ' JOIN chat_messages m ON m.id = d.message_id';
      where.push('m.deleted_at IS NULL');
      for (const like of likes) {
        where.push("m.text LIKE ? ESCAPE '\\'");
        params.push(like);
      }
    }
    if (driver === 'chat_search_fts' && trigrams) {
      where.push('d.doc IN (SELECT rowid FROM chat_search_cjk WHERE chat_search_cjk MATCH ?)');
      params.push(trigrams);
    }
    where.push('d.room_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(request.roomIds));
    if (request.senderId !== undefined) {
      where.push('d.sender_id = ?');
      params.push(request.senderId);
    }
    if (request.from) {
      where.push('d.created_at >= ?');
      params.push(sqliteDateTime(request.from));
    }
    if (request.to) {
      where.push('d.created_at < ?');
      params.push(sqliteDateTime(request.to));
    }
    if (beforeDoc !== undefined) {
      where.push(`${docColumn} < ?`);
      params.push(beforeDoc);
    }
    const limit = Math.min(request.limit, RELEVANCE_DEPTH - offset);
    const select = (score: string) => `SELECT d.message_id AS id, d.doc AS doc, ${score} AS score
       FROM ${from}
       WHERE ${where.join(' AND ')}`;
    let sql: string;
    if (!relevance || !driver) {
      // Walks the index backwards and stops after the page, however common the words.
      sql = `${select('NULL')} ORDER BY ${docColumn} DESC LIMIT ? OFFSET ?`;
    } else if (await this.hasMatchesBeyondWindow(driver, match!)) {
      // Ranks only the newest RELEVANCE_WINDOW matches, so that a word in most messages costs no
      // more than that.
      sql = `SELECT id, doc, score
         FROM (${select(`bm25(${driver})`)} ORDER BY ${docColumn} DESC LIMIT ${this.relevanceWindow})
         ORDER BY score ASC, doc DESC LIMIT ? OFFSET ?`;
    } else {
      // Fewer matches: FTS5 ranks them all by itself and the filters run in rank order, only
      // until the page is full.
      sql = `${select(`${driver}.rank`)} ORDER BY ${driver}.rank LIMIT ? OFFSET ?`;
    }
    params.push(limit + 1, offset);

    const rows = await this.dataSource.query<
      Array<{ id: string; doc: number; score: number | null }>
    >(sql, params);
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    const last = page.at(-1);
    return {
      hits: page.map((r) => (r.score === null ? { id: r.id } : { id: r.id, score: -r.score })),
      next: relevance ? nextOffset(offset, page.length, more) : more && last ? last.doc : null,
    };
  }

  /** True when more than {@link relevanceWindow} messages match, whoever may read them. */
  private async hasMatchesBeyondWindow(table: string, match: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT rowid FROM ${table} WHERE ${table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`,
      [match, this.relevanceWindow],
    );
    return rows.length > 0;
  }

  async health(): Promise<MessageSearchHealth> {
    try {
      await this.dataSource.query('SELECT rowid FROM chat_search_fts LIMIT 0');
      return { engine: this.engine, ok: true };
    } catch (err) {
      return { engine: this.engine, ok: false, detail: (err as Error).message };
    }
  }
}
