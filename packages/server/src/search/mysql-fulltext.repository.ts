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

/** What the server's InnoDB full-text index leaves out, read once from the server. */
export interface InnodbFulltextRules {
  /** `innodb_ft_min_token_size`: shorter words are not indexed (3 by default). */
  minTokenSize: number;
  /** `innodb_ft_max_token_size`: longer words are not indexed (84 by default). */
  maxTokenSize: number;
  /** Stopwords (lower case): not indexed, and a required one makes a whole query find nothing. */
  stopwords: ReadonlySet<string>;
}

/** How one query runs on MySQL/MariaDB. */
interface MysqlPlan {
  /** `MATCH … AGAINST (… IN BOOLEAN MODE)` expression, or null when the index cannot help. */
  against: string | null;
  /** Conditions the index cannot express: regular expressions the text must match. */
  regexps: string[];
  /** Substrings (scripts without spaces) as LIKE patterns. */
  likes: string[];
}

// Between the words of a phrase: anything that is not a letter or a digit.
const GAP = '[^[:alnum:]]+';
// Marks make InnoDB's parser split a word; a quoted phrase keeps its parts together.
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

/**
 * Translates a parsed query into an InnoDB boolean-mode expression plus filters. Every word the
 * index holds becomes a required (`+`) term; what it does not hold (words shorter than
 * `innodb_ft_min_token_size`, longer than the maximum, stopwords, and prefixes of those) becomes
 * a regular expression with word boundaries, which MariaDB (PCRE2) and MySQL (ICU) both read with
 * Unicode classes and the column's case-insensitive collation. Terms contain only letters, digits
 * and marks, so neither the boolean syntax nor the regular expression can be broken by a query.
 */
export function mysqlPlan(query: SearchQuery, rules: InnodbFulltextRules): MysqlPlan {
  const indexable = (word: string) => {
    const length = [...word].length;
    return (
      length >= rules.minTokenSize &&
      length <= rules.maxTokenSize &&
      !rules.stopwords.has(word.toLowerCase())
    );
  };
  const quoted = (words: string[]) => `"${words.join(' ')}"`;
  const parts: string[] = [];
  const regexps: string[] = [];
  const likes: string[] = [];
  for (const term of query.terms) {
    if (term.kind === 'substring') {
      likes.push(likeContains(term.text));
      continue;
    }
    const { words, prefix } = term;
    const last = words[words.length - 1];
    if (words.length === 1 && !prefix) {
      if (indexable(last)) parts.push(PLAIN_WORD.test(last) ? `+${last}` : `+${quoted(words)}`);
      else regexps.push(`\\b${last}\\b`);
    } else if (words.length === 1) {
      if (PLAIN_WORD.test(last) && indexable(last)) parts.push(`+${last}*`);
      else regexps.push(`\\b${last}`);
    } else if (term.raw.includes('_')) {
      // InnoDB reads `_` as part of a word: `chat_messages` is one token it cannot split.
      regexps.push(`\\b${words.join(GAP)}${prefix ? '' : '\\b'}`);
    } else if (!prefix && words.some(indexable)) {
      // InnoDB checks a phrase against the text itself, short and stop words included.
      parts.push(`+${quoted(words)}`);
    } else {
      for (const word of prefix ? words.slice(0, -1) : words)
        if (indexable(word)) parts.push(PLAIN_WORD.test(word) ? `+${word}` : `+${quoted([word])}`);
      regexps.push(`\\b${words.join(GAP)}${prefix ? '' : '\\b'}`);
    }
  }
  return { against: parts.length > 0 ? parts.join(' ') : null, regexps, likes };
}

const newestSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(64)]);

interface Row {
  id: string;
  created_at: Date | string;
  score: number | string | null;
}

/**
 * MySQL/MariaDB: the InnoDB FULLTEXT index `ft_chat_messages_text`, in boolean mode. InnoDB finds
 * every match through the index and the store then sorts them, so a common word costs in
 * proportion to how many messages hold it; words the index leaves out are found by a scan of the
 * rooms' messages, newest first, which stops after a page.
 */
@Injectable()
export class MysqlFulltextSearch extends InStoreMessageSearch {
  readonly engine = 'mysql' as const;
  private rules: Promise<InnodbFulltextRules> | null = null;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
  }

  async search(request: MessageSearchRequest): Promise<MessageSearchResult> {
    const plan = mysqlPlan(request.query, await this.fulltextRules());
    const relevance = request.sort === 'relevance' && plan.against !== null;
    const offset =
      request.sort === 'relevance' ? (positionOf(offsetSchema, request.after) ?? 0) : 0;
    const before =
      request.sort === 'relevance' ? undefined : positionOf(newestSchema, request.after);

    const params: unknown[] = [];
    const where: string[] = [];
    let score = 'NULL';
    if (plan.against !== null) {
      where.push('MATCH (m.text) AGAINST (? IN BOOLEAN MODE)');
      params.push(plan.against);
      if (relevance) score = 'MATCH (m.text) AGAINST (? IN BOOLEAN MODE)';
    }
    where.push(`m.room_id IN (${request.roomIds.map(() => '?').join(', ')})`);
    params.push(...request.roomIds);
    where.push('m.deleted_at IS NULL');
    for (const regexp of plan.regexps) {
      where.push('m.text REGEXP ?');
      params.push(regexp);
    }
    for (const like of plan.likes) {
      where.push('m.text LIKE ?');
      params.push(like);
    }
    if (request.senderId !== undefined) {
      where.push('m.sender_id = ?');
      params.push(request.senderId);
    }
    if (request.from) {
      where.push('m.created_at >= ?');
      params.push(request.from);
    }
    if (request.to) {
      where.push('m.created_at < ?');
      params.push(request.to);
    }
    if (before) {
      const at = new Date(before[0]);
      where.push('(m.created_at < ? OR (m.created_at = ? AND m.id < ?))');
      params.push(at, at, before[1]);
    }
    const limit = Math.min(request.limit, RELEVANCE_DEPTH - offset);
    const order = relevance
      ? 'score DESC, m.created_at DESC, m.id DESC'
      : 'm.created_at DESC, m.id DESC';
    const selectParams = relevance ? [plan.against] : [];
    const rows = await this.dataSource.query<Row[]>(
      `SELECT m.id AS id, m.created_at AS created_at, ${score} AS score
       FROM chat_messages m
       WHERE ${where.join(' AND ')}
       ORDER BY ${order}
       LIMIT ? OFFSET ?`,
      [...selectParams, ...params, limit + 1, offset],
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

  /** The server's full-text settings and stopwords, read on first use. */
  private fulltextRules(): Promise<InnodbFulltextRules> {
    this.rules ??= this.readRules().catch((err: unknown) => {
      this.rules = null;
      throw err;
    });
    return this.rules;
  }

  private async readRules(): Promise<InnodbFulltextRules> {
    const [settings] = await this.dataSource.query<
      Array<{
        min: number | string;
        max: number | string;
        enabled: number | string;
        table: string | null;
      }>
    >(
      `SELECT @@innodb_ft_min_token_size AS min, @@innodb_ft_max_token_size AS max,
              @@innodb_ft_enable_stopword AS enabled, @@innodb_ft_server_stopword_table AS \`table\``,
    );
    let stopwords: string[] = [];
    if (Number(settings?.enabled ?? 1) !== 0) {
      const table = settings?.table ?? '';
      // `db/table`, as the variable names it; only letters, digits, _ and $ are accepted here.
      const custom = /^([\w$]+)\/([\w$]+)$/.exec(table);
      const rows = await this.dataSource.query<Array<{ value: string }>>(
        custom
          ? `SELECT value FROM \`${custom[1]}\`.\`${custom[2]}\``
          : 'SELECT value FROM INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD',
      );
      stopwords = rows.map((r) => String(r.value).toLowerCase());
    }
    return {
      minTokenSize: Number(settings?.min ?? 3),
      maxTokenSize: Number(settings?.max ?? 84),
      stopwords: new Set(stopwords),
    };
  }

  async health(): Promise<MessageSearchHealth> {
    try {
      await this.fulltextRules();
      return { engine: this.engine, ok: true };
    } catch (err) {
      return { engine: this.engine, ok: false, detail: (err as Error).message };
    }
  }
}
