/**
 * Fills a bench server's store with finished tasks by writing through the store module directly
 * (not the API), which is much faster for 100,000 tasks. Each record is what the task service
 * stores for a v1 submit of `{"user":"bench","cmd":["/bin/true"]}` that then ran to COMPLETE, so
 * a listing of them is as large as a listing of real finished tasks.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseV1Task } from '../src/model/validate-v1.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { benchStorePath, benchWorkdir } from './bench-server.js';

/** Inserts `count` COMPLETE tasks into the store of a bench server in `dir` (which must be down). */
export function fillStore(dir: string, count: number): void {
  const store = openSqliteStore(benchStorePath(dir));
  try {
    // One transaction: one fsync for the lot (the store runs synchronous = FULL).
    store.transaction(() => fillRows(store, dir, count));
  } finally {
    store.close();
  }
}

function fillRows(store: Store, dir: string, count: number): void {
  const spec = parseV1Task({ user: 'bench', cmd: ['/bin/true'] });
  const start = Date.now() - count * 10;
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const taskDir = join(benchWorkdir(dir), 'tasks', id);
    // Spread the times as a busy server would have written them, 10 ms apart.
    const created = new Date(start + i * 10).toISOString();
    store.insertTask({
      id,
      spec,
      framework: 'local',
      state: 'COMPLETE',
      description: 'exited with code 0',
      exitCode: 0,
      jobId: id,
      created,
      started: created,
      ended: new Date(start + i * 10 + 5).toISOString(),
      logPaths: [{ stdout: join(taskDir, 'stdout'), stderr: join(taskDir, 'stderr') }],
      results: [{ exitCode: 0 }],
      systemLogs: [],
    });
  }
}
