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

/** One piece of a tsquery: which function builds it from which text. */
interface TsQueryPart {
  fn: 'phraseto_tsquery' | 'to_tsquery';
  text: string;
}

/** How one query runs on PostgreSQL. */
interface PostgresPlan {
  /** Pieces ANDed into one tsquery, or none. */
  tsquery: TsQueryPart[];
  /** Substrings (scripts without spaces) as ILIKE patterns. */
  likes: string[];
}

/** A lexeme for to_tsquery: quoted, with quotes and backslashes escaped. */
const lexeme = (word: string): string => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Translates a parsed query for PostgreSQL. Words and phrases go through `phraseto_tsquery`, which
 * reads any text without a syntax of its own (and with the same parser as the index, so `a@b.com`
 * or `e-mail` match as they were written); prefixes are built for `to_tsquery` from quoted lexemes
 * of letters and digits only, so no query can break its syntax.
 */
export function postgresPlan(query: SearchQuery): PostgresPlan {
  const tsquery: TsQueryPart[] = [];
  const likes: string[] = [];
  for (const term of query.terms) {
    if (term.kind === 'substring') likes.push(likeContains(term.text));
    else if (term.prefix)
      tsquery.push({ fn: 'to_tsquery', text: `${term.words.map(lexeme).join(' <-> ')}:*` });
    else tsquery.push({ fn: 'phraseto_tsquery', text: term.raw || term.words.join(' ') });
  }
  return { tsquery, likes };
}

const newestSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(64)]);

interface Row {
  id: string;
  created_at: Date | string;
  score: number | string | null;
}

/** The indexed expression of migration `ChatSearch1764200000001`, exactly. */
const VECTOR = "to_tsvector('simple'::regconfig, m.text)";

/**
 * PostgreSQL: a GIN index on the `simple` text-search vector of the text (no stemming, no
 * stopwords; case folded, accents kept). The planner chooses between the index (then a sort of
 * the matches) and walking the newest messages while testing each.
 */
@Injectable()
export class PostgresFullTextSearch extends InStoreMessageSearch {
  readonly engine = 'postgres' as const;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
  }

  async search(request: MessageSearchRequest): Promise<MessageSearchResult> {
    const plan = postgresPlan(request.query);
    const relevance = request.sort === 'relevance' && plan.tsquery.length > 0;
    const offset =
      request.sort === 'relevance' ? (positionOf(offsetSchema, request.after) ?? 0) : 0;
    const before =
      request.sort === 'relevance' ? undefined : positionOf(newestSchema, request.after);

    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    let score = 'NULL';
    if (plan.tsquery.length > 0) {
      const tsquery = plan.tsquery
        .map((part) => `${part.fn}('simple'::regconfig, ${p(part.text)})`)
        .join(' && ');
      where.push(`${VECTOR} @@ (${tsquery})`);
      if (relevance) score = `ts_rank(${VECTOR}, ${tsquery})`;
    }
    where.push(`m.room_id = ANY(${p(request.roomIds)}::varchar[])`);
    where.push('m.deleted_at IS NULL');
    for (const like of plan.likes) where.push(`m.text ILIKE ${p(like)}`);
    if (request.senderId !== undefined) where.push(`m.sender_id = ${p(request.senderId)}`);
    if (request.from) where.push(`m.created_at >= ${p(request.from)}`);
    if (request.to) where.push(`m.created_at < ${p(request.to)}`);
    if (before) {
      const at = p(new Date(before[0]));
      where.push(`(m.created_at < ${at} OR (m.created_at = ${at} AND m.id < ${p(before[1])}))`);
    }
    const limit = Math.min(request.limit, RELEVANCE_DEPTH - offset);
    const order = relevance
      ? 'score DESC, m.created_at DESC, m.id DESC'
      : 'm.created_at DESC, m.id DESC';
    const rows = await this.dataSource.query<Row[]>(
      `SELECT m.id AS id, m.created_at AS created_at, ${score} AS score
       FROM chat_messages m
       WHERE ${where.join(' AND ')}
       ORDER BY ${order}
       LIMIT ${p(limit + 1)} OFFSET ${p(offset)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    const last = page.at(-1);
    return {
      hits: page.map((r) =>
        r.score === null ? { id: r.id } : { id: r.id, score: Number(r.score) },
      ),
      next:
        request.sort === 'relevance'
          ? nextOffset(offset, page.length, more)
          : more && last
            ? [new Date(last.created_at).toISOString(), last.id]
            : null,
    };
  }

  async health(): Promise<MessageSearchHealth> {
    try {
      await this.dataSource.query('SELECT 1');
      return { engine: this.engine, ok: true };
    } catch (err) {
      return { engine: this.engine, ok: false, detail: (err as Error).message };
    }
  }
}
