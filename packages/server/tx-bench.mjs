import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDataSource } from './dist/database/data-source.js';
import { SqliteMessageStore } from './dist/chat/chat-writer.repository.js';
import { generateMessageId } from './dist/chat/chat.service.js';
const dir = mkdtempSync(join(process.env.DIR ?? tmpdir(), 'txb-'));
const file = join(dir, 'x.sqlite');
const ds = await openDataSource({ driver: 'sqlite', file, url: `sqlite:${file}`, runMigrations: true });
await ds.query(`INSERT INTO rooms (id, name, visibility, password_hash, capacity, topology, owner_id) VALUES ('r1','r','private',NULL,4,'auto',NULL)`);
await ds.destroy();
const db = new Database(file, { timeout: 5000 });
db.pragma('journal_mode = WAL');
if (process.env.SYNC) db.pragma(`synchronous = ${process.env.SYNC}`);
if (process.env.PREFIX !== undefined) { db.exec(`DROP TABLE chat_search_fts; CREATE VIRTUAL TABLE chat_search_fts USING fts5(text, content='chat_search_content', content_rowid='doc', tokenize='unicode61 remove_diacritics 2'${process.env.PREFIX ? `, prefix='${process.env.PREFIX}'` : ''})`); }
if (process.env.NOCJK) db.exec(`DROP TABLE chat_search_cjk_terms; DROP TABLE chat_search_cjk; CREATE VIRTUAL TABLE chat_search_cjk USING fts5(text, content='chat_search_cjk_content', content_rowid='doc', tokenize='trigram remove_diacritics 1')`);
const store = new SqliteMessageStore(db);
const WORDS = 'meeting agenda notes camera screen share call later today tomorrow review design budget release deploy coffee lunch thanks question answer'.split(' ');
let n = 0;
const row = () => { n++; const w = []; for (let i = 0; i < 8 + (n % 7); i++) w.push(WORDS[(n * 7 + i * 13) % WORDS.length]); return { id: generateMessageId(), roomId: 'r1', senderId: 'u1', senderName: 'U', senderAvatar: null, clientId: 'c' + n, text: w.join(' ') + ' #' + n, createdAt: '2026-11-24 10:00:00.000' }; };
const B = Number(process.env.B ?? 10), T = Number(process.env.T ?? 2000);
for (let i = 0; i < 200; i++) store.commit(Array.from({ length: B }, row));
let ix = 0;
const c0 = process.cpuUsage(), t0 = performance.now();
for (let i = 0; i < T; i++) { store.commit(Array.from({ length: B }, row)); if (process.env.IDX && store.unindexed >= 128) { const a = performance.now(); while (store.unindexed) store.index(); ix += performance.now() - a; } }
const wall = performance.now() - t0, cpu = process.cpuUsage(c0);
console.log(`B=${B} sync=${process.env.SYNC ?? 'FULL'}: wall ${(wall / T).toFixed(3)} ms/tx (index share ${(ix / T).toFixed(3)}), cpu ${((cpu.user + cpu.system) / T).toFixed(0)} us/tx (sys ${(cpu.system / T).toFixed(0)}), per row wall ${(wall / T / B * 1000).toFixed(1)} us`);
