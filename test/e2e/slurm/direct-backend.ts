/**
 * Shared by the Slurm and Grid Engine e2e tests: a batch backend driven directly (no server), for
 * the cases a server cannot show, such as a submit whose answer was lost.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Backend } from '../../../src/backends/backend.js';
import { createBackend } from '../../../src/backends/create-backend.js';
import { newTaskRecord } from '../../../src/model/new-task.js';
import type { TaskRecord, TaskSpec } from '../../../src/model/task.js';
import { frameworkOptions, tempDir } from '../../helpers/test-server.js';

/** A backend of `framework` on a fresh work directory (readable by other users too). */
export async function directBackend(
  framework: string,
  options: Record<string, unknown> = {},
): Promise<{ backend: Backend; workdir: string }> {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const workdir = join(dir, 'work');
  const backend = await createBackend(framework, {
    // As the test server does: jobs run as the server's user (an explicit choice; runAs has its own test).
    options: frameworkOptions(framework, { runAs: 'root', ...options }),
    workdir,
    stateDir: join(dir, 'state'),
    log: pino({ level: 'silent' }),
    report: () => undefined,
  });
  return { backend, workdir };
}

/** A task record as the service would hand it to a framework. */
export function taskRecord(workdir: string, id: string, command: string): TaskRecord {
  const dir = join(workdir, 'tasks', id);
  const spec: TaskSpec = {
    user: 'root',
    origin: 'v1',
    executors: [{ command: ['/bin/sh', '-c', command] }],
    resources: {},
  };
  const logPaths = [{ stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') }];
  return { ...newTaskRecord(id, spec, 'test', logPaths), seq: 1 };
}
