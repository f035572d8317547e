import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientEvent, type ClientEventName } from '@minimeet/protocol';
import {
  chatHistoryQuerySchema,
  clientPayloadSchemas,
  handshakeAuthSchema,
  messageSearchQuerySchema,
} from '@minimeet/protocol/schemas';
import type { ZodType } from 'zod';
import { jsonSchemaOf } from './common/openapi.js';
import type { RunningServer } from './main.js';
import { callsQuerySchema, summaryQuerySchema } from './analytics/analytics.dto.js';
import { listRoomsQuerySchema, pageQuerySchema } from './rooms/room.dto.js';
import { api, startTestServer } from './test/harness.js';

/**
 * The docs describe every request body, query and socket payload field by field, and this test
 * holds them to the schemas the server validates with. Each field of a schema (nested ones as
 * `grants.room`, array items as `tracks[].source`) must have a table row in its section whose
 * first cell is the field in backticks, whose `required` cell says `yes` or `no` as the schema
 * does, and which names its JSON type, `null` when it may be null, every allowed value, every
 * numeric limit and its default.
 */

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs');

/** A section of a doc: the file, and the exact heading line that opens it. */
type Section = [file: string, heading: string];

const REST_BODIES: Record<string, Section[]> = {
  'POST /api/auth/register': [['auth.md', '### `POST /api/auth/register`']],
  'POST /api/auth/login': [['auth.md', '### `POST /api/auth/login`']],
  'POST /api/auth/refresh': [['auth.md', '### `POST /api/auth/refresh`']],
  'POST /api/auth/logout': [['auth.md', '### `POST /api/auth/logout`']],
  'POST /api/auth/password': [['auth.md', '### `POST /api/auth/password`']],
  'PATCH /api/users/me': [['auth.md', '### `PATCH /api/users/me`']],
  'POST /api/api-keys': [['auth.md', '### `POST /api/api-keys`']],
  'POST /api/join-tokens': [
    ['auth.md', '### `POST /api/join-tokens`'],
    ['auth.md', '### Grants'],
  ],
  'POST /api/rooms': [['rooms.md', '#### `POST /api/rooms`']],
  'PATCH /api/rooms/{id}': [['rooms.md', '#### `PATCH /api/rooms/:id`']],
  'POST /api/rooms/{id}/join': [['rooms.md', '#### `POST /api/rooms/:id/join`']],
  'PATCH /api/rooms/{id}/members/{userId}': [
    ['rooms.md', '#### `PATCH /api/rooms/:id/members/:userId`'],
  ],
  'POST /api/rooms/{id}/invites': [['rooms.md', '#### `POST /api/rooms/:id/invites`']],
  'POST /api/rooms/{roomId}/messages': [['chat.md', '### `POST /api/rooms/:roomId/messages`']],
  'POST /api/webhooks': [['server/webhooks.md', '#### `POST /api/webhooks`']],
  'POST /api/calls/{roomId}/participants/{participantId}/mute': [
    ['moderation.md', '#### `POST /api/calls/:roomId/participants/:participantId/mute`'],
  ],
  'POST /api/calls/{roomId}/mute-all': [
    ['moderation.md', '#### `POST /api/calls/:roomId/mute-all`'],
  ],
  'POST /api/calls/{roomId}/participants/{participantId}/remove': [
    ['moderation.md', '#### `POST /api/calls/:roomId/participants/:participantId/remove`'],
  ],
  'PATCH /api/calls/{roomId}/participants/{participantId}/grants': [
    ['moderation.md', '#### `PATCH /api/calls/:roomId/participants/:participantId/grants`'],
  ],
  'PATCH /api/calls/{roomId}/moderation': [
    ['moderation.md', '#### `PATCH /api/calls/:roomId/moderation`'],
  ],
  'POST /api/calls/{roomId}/data': [['moderation.md', '#### `POST /api/calls/:roomId/data`']],
  'PATCH /api/webhooks/{id}': [['server/webhooks.md', '#### `PATCH /api/webhooks/:id`']],
};

const PROTOCOL_CHAT: Section = ['protocol.md', '### Requests'];
const PROTOCOL_MODERATION: Section = ['protocol.md', '### Moderation requests'];
const PROTOCOL_PRODUCER: Section = [
  'protocol.md',
  '### `sfu_close_producer`, `sfu_pause_producer`, `sfu_resume_producer`',
];
const PROTOCOL_CONSUMER: Section = [
  'protocol.md',
  '### `sfu_resume_consumer`, `sfu_pause_consumer`',
];

const SOCKET_PAYLOADS: Record<ClientEventName, Section[]> = {
  auth_refresh: [['protocol.md', '### `auth_refresh`']],
  ping: [['protocol.md', '### `ping`']],
  join_room: [['protocol.md', '### `join_room`']],
  leave_room: [['protocol.md', '### `leave_room`']],
  webrtc_offer: [['protocol.md', '### `webrtc_offer`, `webrtc_answer`']],
  webrtc_answer: [['protocol.md', '### `webrtc_offer`, `webrtc_answer`']],
  ice_candidate: [['protocol.md', '### `ice_candidate`']],
  update_media_state: [['protocol.md', '### `update_media_state`']],
  quality_report: [['protocol.md', '### `quality_report`']],
  chat_message: [PROTOCOL_CHAT],
  chat_edit: [PROTOCOL_CHAT],
  chat_delete: [PROTOCOL_CHAT],
  chat_react: [PROTOCOL_CHAT],
  chat_typing: [PROTOCOL_CHAT],
  chat_subscribe: [PROTOCOL_CHAT],
  chat_unsubscribe: [PROTOCOL_CHAT],
  chat_history: [PROTOCOL_CHAT],
  presence_update: [['presence.md', '### `presence_update` (client → server)']],
  presence_subscribe: [['presence.md', '### `presence_subscribe` (client → server)']],
  presence_unsubscribe: [['presence.md', '### `presence_unsubscribe` (client → server)']],
  moderation_mute: [PROTOCOL_MODERATION],
  moderation_mute_all: [PROTOCOL_MODERATION],
  moderation_ask_unmute: [PROTOCOL_MODERATION],
  moderation_remove: [PROTOCOL_MODERATION],
  moderation_grants: [PROTOCOL_MODERATION],
  moderation_room: [PROTOCOL_MODERATION],
  moderation_end_call: [PROTOCOL_MODERATION],
  moderation_state: [PROTOCOL_MODERATION],
  lobby_knock: [PROTOCOL_MODERATION],
  lobby_leave: [PROTOCOL_MODERATION],
  lobby_list: [PROTOCOL_MODERATION],
  lobby_admit: [PROTOCOL_MODERATION],
  lobby_deny: [PROTOCOL_MODERATION],
  hand_raise: [PROTOCOL_MODERATION],
  hand_lower: [PROTOCOL_MODERATION],
  sfu_set_capabilities: [['protocol.md', '### `sfu_set_capabilities`']],
  sfu_create_transport: [['protocol.md', '### `sfu_create_transport`']],
  sfu_connect_transport: [['protocol.md', '### `sfu_connect_transport`']],
  sfu_produce: [['protocol.md', '### `sfu_produce`']],
  sfu_close_producer: [PROTOCOL_PRODUCER],
  sfu_pause_producer: [PROTOCOL_PRODUCER],
  sfu_resume_producer: [PROTOCOL_PRODUCER],
  sfu_resume_consumer: [PROTOCOL_CONSUMER],
  sfu_pause_consumer: [PROTOCOL_CONSUMER],
  sfu_request_key_frame: [['protocol.md', '### `sfu_request_key_frame`']],
  sfu_set_preferred_layers: [['protocol.md', '### `sfu_set_preferred_layers`']],
  sfu_restart_ice: [['protocol.md', '### `sfu_restart_ice`']],
  media_moved: [['protocol.md', '### `media_moved`']],
};

const OTHER_INPUTS: Array<[name: string, schema: ZodType, sections: Section[]]> = [
  ['the handshake auth', handshakeAuthSchema, [['protocol.md', '## Handshake']]],
  ['GET /api/rooms query', listRoomsQuerySchema, [['rooms.md', '### Listing and pages']]],
  ['GET /api/rooms/:id/members query', pageQuerySchema, [['rooms.md', '### Listing and pages']]],
  [
    'GET /api/rooms/:roomId/messages query',
    chatHistoryQuerySchema,
    [['chat.md', '### `GET /api/rooms/:roomId/messages`']],
  ],
  ['GET /api/search/messages query', messageSearchQuerySchema, [['chat.md', '## Search']]],
  ['GET /api/analytics/summary query', summaryQuerySchema, [['analytics.md', '### Summary']]],
  ['GET /api/analytics/calls query', callsQuerySchema, [['analytics.md', '### Calls']]],
];

/** A JSON schema node as `z.toJSONSchema` writes it (OpenAPI 3.0 flavour). */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  nullable?: boolean;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

/** A field of a schema: its dotted path, its node, and whether its object requires it. */
interface Field {
  path: string;
  node: JsonSchema;
  required: boolean;
}

function fieldsOf(root: JsonSchema): Field[] {
  const deref = (node: JsonSchema): JsonSchema => {
    if (!node.$ref) return node;
    const name = node.$ref.split('/').at(-1)!;
    return deref((root.$defs ?? root.definitions ?? {})[name]);
  };
  const walk = (node: JsonSchema, prefix: string): Field[] =>
    Object.entries(deref(node).properties ?? {}).flatMap(([name, raw]) => {
      const child = deref(raw);
      const path = `${prefix}${name}`;
      const own = { path, node: child, required: deref(node).required?.includes(name) ?? false };
      if (child.type === 'object') return [own, ...walk(child, `${path}.`)];
      if (child.type === 'array' && child.items && deref(child.items).type === 'object')
        return [own, ...walk(child.items, `${path}[].`)];
      return [own];
    });
  return walk(root, '');
}

/** The lines of a section: from its heading to the next heading of the same or a higher level. */
function sectionLines([file, heading]: Section): string[] {
  const lines = readFileSync(resolve(DOCS, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`${file} has no heading "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const out: string[] = [];
  let fenced = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level) break;
    out.push(line);
  }
  return out;
}

/** A row of a Markdown table: its cells, its table's header (lower case) and its text. */
interface Row {
  cells: string[];
  header: string[];
  text: string;
}

/** The table rows of some sections. */
function rowsIn(sections: Section[]): Row[] {
  return sections.flatMap((section) => rowsOf(sectionLines(section)));
}

/** The table rows among some lines, each with the header of its table. */
function rowsOf(lines: string[]): Row[] {
  const rows: Row[] = [];
  {
    let header: string[] | null = null;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        header = null;
        continue;
      }
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
      if (!header) header = cells.map((c) => c.toLowerCase());
      else rows.push({ cells, header, text: line });
    }
  }
  return rows;
}

/** What a field's row fails to say, as sentences; empty when it says everything. */
function problemsOf(field: Field, rows: Row[]): string[] {
  const row = rows.find((r) => r.cells[0] === `\`${field.path}\``);
  if (!row) return [`no row for \`${field.path}\``];
  const problems: string[] = [];
  const say = (what: string) => problems.push(`\`${field.path}\`: ${what}`);
  const required = row.header.indexOf('required');
  if (required < 0) say('its table has no "required" column');
  else if (!row.cells[required]?.startsWith(field.required ? 'yes' : 'no'))
    say(`"required" must say ${field.required ? 'yes' : 'no'}`);
  // Digits grouped with commas or thin spaces read as one number.
  const text = row.text.replace(/(\d)[,\u202f\u2009](?=\d{3})/g, '$1');
  const { node } = field;
  if (node.type && !new RegExp(`\\b${node.type}`).test(text)) say(`the type ${node.type}`);
  if (node.nullable && !/\bnull\b/.test(text)) say('that it may be null');
  for (const value of node.enum ?? [])
    if (!text.includes(`\`${String(value)}\``)) say(`\`${String(value)}\``);
  for (const key of [
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'minItems',
    'maxItems',
  ] as const) {
    const limit = node[key];
    if (limit === undefined || limit >= Number.MAX_SAFE_INTEGER) continue;
    if (!new RegExp(`(?<![\\d.])${limit}(?![\\d.])`).test(text)) say(`${key} ${limit}`);
  }
  if (node.default !== undefined) {
    const shown =
      typeof node.default === 'string' ? `\`${node.default}\`` : JSON.stringify(node.default);
    if (!text.includes(shown)) say(`the default ${shown}`);
  }
  return problems;
}

describe('the docs describe every field of every request', () => {
  let server: RunningServer;
  let bodies: Map<string, JsonSchema>;

  beforeAll(async () => {
    server = await startTestServer();
    const doc = await api<{
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
      >;
    }>(server, 'GET', '/api/docs/openapi.json');
    bodies = new Map(
      Object.entries(doc.body.paths).flatMap(([path, ops]) =>
        Object.entries(ops).flatMap(([method, op]) =>
          op.requestBody
            ? [
                [
                  `${method.toUpperCase()} ${path}`,
                  op.requestBody.content['application/json'].schema,
                ],
              ]
            : [],
        ),
      ),
    );
  });
  afterAll(() => server.close());

  it('knows where every REST body and every client event is documented', () => {
    expect([...bodies.keys()].sort()).toEqual(Object.keys(REST_BODIES).sort());
    expect(Object.keys(SOCKET_PAYLOADS).sort()).toEqual(Object.values(ClientEvent).sort());
  });

  it.each(Object.entries(REST_BODIES))('%s: every body field', (route, sections) => {
    const schema = bodies.get(route);
    expect(schema, route).toBeDefined();
    expect(fieldsOf(schema!).flatMap((f) => problemsOf(f, rowsIn(sections)))).toEqual([]);
  });

  it.each(Object.entries(SOCKET_PAYLOADS))('%s: every payload field', (event, sections) => {
    const schema = jsonSchemaOf(clientPayloadSchemas[event as ClientEventName]) as JsonSchema;
    expect(fieldsOf(schema).flatMap((f) => problemsOf(f, rowsIn(sections)))).toEqual([]);
  });

  it.each(OTHER_INPUTS)('%s: every field', (_name, schema, sections) => {
    expect(
      fieldsOf(jsonSchemaOf(schema) as JsonSchema).flatMap((f) => problemsOf(f, rowsIn(sections))),
    ).toEqual([]);
  });

  it('finds a missing row, a wrong "required", a missing type, value, limit or default', () => {
    const rows = rowsOf([
      '| field  | type                          | required | default  |',
      '| ------ | ----------------------------- | -------- | -------- |',
      '| `role` | string: `member`, 1–7 chars   | no       | `member` |',
    ]);
    const role = (node: JsonSchema, required = false): Field => ({ path: 'role', node, required });
    const node: JsonSchema = { type: 'string', enum: ['member'], minLength: 1, maxLength: 7 };
    expect(problemsOf(role({ ...node, default: 'member' }), rows)).toEqual([]);
    expect(problemsOf({ ...role(node), path: 'nowhere' }, rows)).toEqual(['no row for `nowhere`']);
    expect(problemsOf(role(node, true), rows)).toEqual(['`role`: "required" must say yes']);
    expect(problemsOf(role({ ...node, type: 'integer' }), rows)).toEqual([
      '`role`: the type integer',
    ]);
    expect(problemsOf(role({ ...node, nullable: true }), rows)).toEqual([
      '`role`: that it may be null',
    ]);
    expect(problemsOf(role({ ...node, enum: ['member', 'owner'] }), rows)).toEqual([
      '`role`: `owner`',
    ]);
    expect(problemsOf(role({ ...node, maxLength: 70 }), rows)).toEqual(['`role`: maxLength 70']);
    expect(problemsOf(role({ ...node, default: 'owner' }), rows)).toEqual([
      '`role`: the default `owner`',
    ]);
  });
});
