/**
 * The baseline of bench/api-capacity: a bare fastify server that does what a submit must do at
 * the least — parse the JSON body and INSERT one row into SQLite (better-sqlite3, the same WAL and
 * synchronous=NORMAL pragmas as the store) — and answer the new id as text.
 */
import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';

/** Starts the bare server on 127.0.0.1:`port` (0: a free port) with its database at `dbPath`. */
export async function startBareServer(
  dbPath: string,
  port = 0,
): Promise<{ url: string; app: FastifyInstance; close(): Promise<void> }> {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
    created TEXT NOT NULL)`);
  const insert = db.prepare('INSERT INTO tasks (id, body, created) VALUES (?, ?, ?)');
  const app = Fastify({ logger: false });
  app.post('/v1/jobproxy/submit', async (request, reply) => {
    const id = randomUUID();
    insert.run(id, JSON.stringify(request.body), new Date().toISOString());
    return reply.type('text/plain').send(id);
  });
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${boundPort}`,
    app,
    async close() {
      await app.close();
      db.close();
    },
  };
}
