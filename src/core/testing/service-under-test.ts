/**
 * A task service over an in-memory SQLite store (wrapped to inject faults) and a scripted
 * framework, for unit tests of the service's own logic: no daemons, no root, no ports.
 */
import { pino } from 'pino';
import type { JobReport } from '../../backends/backend.js';
import { newTaskRecord } from '../../model/new-task.js';
import type { TaskRecord, TaskSpec } from '../../model/task.js';
import { guardStore } from '../../store/guarded-store.js';
import { openSqliteStore } from '../../store/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { TaskService } from '../task-service.js';
import type { TaskChange, TaskHooks } from '../task-service-types.js';
import { faultyStore, type FaultyStore } from './faulty-store.js';
import { scriptedFramework, type ScriptedFramework } from './scripted-framework.js';

export interface ServiceUnderTest {
  service: TaskService;
  framework: ScriptedFramework;
  /** The store the service uses: faults injected here come out as the SQLite store's would. */
  faults: FaultyStore;
  store: Store;
  changes: TaskChange[];
}

export const SPEC: TaskSpec = {
  user: 'alice',
  origin: 'v1',
  executors: [{ command: ['/bin/sh', '-c', 'true'] }],
  resources: {},
};

export function serviceUnderTest(
  options: {
    hooks?: TaskHooks;
    submitConcurrency?: number;
    seed?: Omit<TaskRecord, 'seq'>[];
    retentionSec?: number;
    /** Changes what the store does before faults are injected (a held fsync, say). */
    wrapStore?: (raw: Store) => Store;
  } = {},
): ServiceUnderTest {
  const raw = openSqliteStore(':memory:');
  for (const record of options.seed ?? []) raw.insertTask(record);
  const faults = faultyStore(options.wrapStore?.(raw) ?? raw);
  const log = pino({ level: 'silent' });
  const store = guardStore(faults, log);
  const framework = scriptedFramework({ submitConcurrency: options.submitConcurrency });
  const service = new TaskService({
    store,
    backend: framework,
    workdir: '/nonexistent/jobproxy-unit',
    pollInterval: 60_000,
    containers: 'host',
    allowedRoots: ['/nonexistent/jobproxy-unit'],
    log,
    hooks: options.hooks,
    storeRetryMs: 5,
    retentionSec: options.retentionSec,
  });
  const changes: TaskChange[] = [];
  service.events.on('change', (change: TaskChange) => changes.push(change));
  return { service, framework, faults, store: raw, changes };
}

/** A stored task in `state` with a job id, as if it had been submitted earlier. */
export function storedTask(
  id: string,
  state: TaskRecord['state'],
  jobId: string | null,
): Omit<TaskRecord, 'seq'> {
  const record = newTaskRecord(id, SPEC, 'scripted', [
    { stdout: '/dev/null', stderr: '/dev/null' },
  ]);
  return { ...record, state, jobId, started: state === 'RUNNING' ? record.created : null };
}

/** A terminal report as a framework gives it. */
export function ended(state: JobReport['state'], exitCode: number, at = new Date()): JobReport {
  return { state, exitCode, ended: at.toISOString(), description: `exited with code ${exitCode}` };
}
