/**
 * The successor rules of HostJobs (handOver, placeSuccessor, dropSuccessor), with a scripted
 * launcher so that every interleaving is the test's choice: who may be handed over, when it holds
 * cores, what a drop, a lost launcher or a failure after its start leave behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import type { JobReport } from '../backend.js';
import type { TaskRecord } from '../../model/task.js';
import { frameworkDefaults } from '../create-backend.js';
import { Capacity } from './capacity.js';
import type { DirectStart } from './direct-start.js';
import { HostJobs } from './host-jobs.js';
import type { DirectStarted, TaskLauncher, ToldExit } from './launcher.js';
import type { LocalOptions, StartingTask } from './local-jobs.js';
import { prepareTaskParents } from './task-dirs.js';
import { TaskSetup } from './task-setup.js';
import { localTask } from './testing/local-task.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-successor-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Beyond any pid_max: signalling these reaches no process. */
let nextPid = 5_000_000;

interface Handed {
  id: number;
  start: DirectStart;
  onExit: (pid: number, told?: ToldExit) => void;
  resolve: (started: DirectStarted) => void;
  reject: (error: Error) => void;
}

/** The launcher's side, played by the test: starts, ends, a successor started at an end. */
class ScriptedLauncher implements TaskLauncher {
  readonly takesSuccessors = true;
  readonly calls: string[] = [];
  readonly running = new Map<number, (pid: number, told?: ToldExit) => void>();
  handed: Handed | undefined;
  private nextId = 1;

  launch(): Promise<number> {
    throw new Error('no supervisor in these tests');
  }

  launchDirect(start: DirectStart, onExit: Handed['onExit']): Promise<DirectStarted> {
    this.calls.push(`start ${taskOf(start)}`);
    return Promise.resolve(this.started(onExit));
  }

  handOver(start: DirectStart, onExit: Handed['onExit']) {
    const id = this.nextId++;
    this.calls.push(`hand over ${taskOf(start)}`);
    const started = new Promise<DirectStarted>((resolve, reject) => {
      this.handed = { id, start, onExit, resolve, reject };
    });
    return { id, started };
  }

  release(id: number): void {
    this.calls.push('release');
    if (this.handed?.id === id) this.startHanded();
  }

  drop(id: number): void {
    this.calls.push('drop');
    if (this.handed?.id !== id) return;
    this.handed.reject(new Error('dropped before its start'));
    this.handed = undefined;
  }

  close(): void {}

  /** A direct task ends with `code`; the successor, if any, starts in its place (and is named). */
  end(pid: number, code = 0): void {
    const onExit = this.running.get(pid)!;
    this.running.delete(pid);
    onExit(pid, { exitCode: code, ...(this.handed ? { next: this.handed.id } : {}) });
    if (this.handed) this.startHanded();
  }

  /** The first running task ends, told to the server before the launcher starts its successor. */
  endUnseen(): void {
    const [pid, onExit] = [...this.running.entries()][0]!;
    this.running.delete(pid);
    onExit(pid, { exitCode: 0 });
  }

  /** The launcher dies: a successor it held fails as the real one's pending requests do. */
  lose(): void {
    this.handed?.reject(new Error('the launcher process exited'));
    this.handed = undefined;
  }

  private startHanded(): void {
    const handed = this.handed!;
    this.handed = undefined;
    this.calls.push(`start ${taskOf(handed.start)}`);
    handed.resolve(this.started(handed.onExit));
  }

  private started(onExit: Handed['onExit']): DirectStarted {
    const pid = nextPid++;
    this.running.set(pid, onExit);
    return { pid, launcher: process.pid, launcherStart: 1 };
  }
}

function taskOf(start: DirectStart): string {
  return start.taskDir.split('/').pop()!;
}

let seq = 0;

/** HostJobs of `cores` cores on the scripted launcher; reports and recoveries collected. */
function setUp(cores: number) {
  const dir = mkdtempSync(join(root, 'case-'));
  const options = {
    ...frameworkDefaults('local'),
    cores,
    runAs: 'root',
    cgroups: 'off',
  } as unknown as LocalOptions;
  const reports: { id: string; report: JobReport }[] = [];
  const context = {
    options: options as unknown as Record<string, unknown>,
    workdir: join(dir, 'work'),
    stateDir: join(dir, 'state'),
    log: pino({ level: 'silent' }),
    report: (id: string, report: JobReport) => reports.push({ id, report }),
  };
  prepareTaskParents(context.workdir, context.stateDir, false);
  const launcher = new ScriptedLauncher();
  const capacity = new Capacity(cores, 1024);
  const recovered: string[] = [];
  const jobs = new HostJobs({
    context,
    options,
    setup: new TaskSetup(context, options, undefined),
    capacity,
    freed: () => undefined,
    lostBeforeStart: (task) => recovered.push(task.id),
    launcher,
  });
  const start = (task: TaskRecord): StartingTask => {
    const entry = { id: task.id, seq: task.seq, cores: 1, memoryMiB: 0, launch: 1, task };
    return entry;
  };
  const task = (id: string, resources: TaskRecord['spec']['resources'] = {}) =>
    localTask(context.workdir, id, { seq: ++seq, resources });
  /** One direct task running, `name` handed over behind it. */
  const runningWithSuccessor = async (name: string): Promise<void> => {
    jobs.launch(start(task('running')));
    await tick();
    assert.equal(jobs.handOver(start(task(name))), true);
    await tick();
  };
  return { jobs, launcher, capacity, reports, recovered, start, task, runningWithSuccessor };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function stateOf(reports: { id: string; report: JobReport }[], id: string): string[] {
  return reports.filter((r) => r.id === id).map((r) => r.report.state);
}

test('handed over when the cores are full, started in the place of the task that ends', async () => {
  const { jobs, launcher, capacity, reports, start, task } = setUp(1);
  const first = task('first');
  jobs.launch(start(first));
  await tick();
  const next = task('next');
  assert.equal(capacity.fits(1, 0), false);
  assert.equal(jobs.handOver(start(next)), true);
  assert.equal(jobs.handOver(start(task('third'))), false, 'one successor at a time');
  await tick();
  assert.deepEqual(launcher.calls, ['start first', 'hand over next']);
  assert.equal(jobs.placeSuccessor(), false, 'no place yet: nothing after it may start');
  assert.equal(jobs.successorsWaiting(), 1, 'counted as queued while it waits');
  assert.equal(capacity.running.has('next'), false, 'it holds no cores while it waits');

  launcher.end([...launcher.running.keys()][0]!);
  // The server sees the place free (the first ended) and gives it to the successor.
  assert.equal(jobs.placeSuccessor(), true);
  assert.equal(capacity.running.has('next'), true);
  assert.equal(jobs.successorsWaiting(), 0);
  assert.equal(launcher.calls.includes('release'), false, 'started in its place: no release');
  await tick();
  await tick();
  assert.deepEqual(stateOf(reports, 'next'), ['RUNNING']);
  assert.equal(capacity.fits(1, 0), false, 'its core is held, once');
  launcher.end([...launcher.running.keys()][0]!);
  await tick();
  assert.equal(capacity.fits(1, 0), true, 'and given back at its end');
  assert.deepEqual(stateOf(reports, 'next'), ['RUNNING', 'COMPLETE']);
});

test('not handed over when a running direct task is smaller, or nothing direct runs', async () => {
  const { jobs, start, task } = setUp(4);
  const big = task('big', { cores: 2 });
  assert.equal(jobs.handOver(start(big)), false, 'nothing runs: nothing would end');
  jobs.launch(start(task('small')));
  await tick();
  const bigEntry = { ...start(big), cores: 2 };
  assert.equal(jobs.handOver(bigEntry), false, 'it would not fit in the place of a 1-core task');
  assert.equal(jobs.handOver(start(task('limited', { memoryMiB: 64 }))), false);
});

test('released when a place frees elsewhere, before its own turn comes', async () => {
  const { jobs, launcher, capacity, runningWithSuccessor } = setUp(1);
  await runningWithSuccessor('waiting');
  // The running task's end is heard by the server but, in this interleaving, not yet acted on by
  // the launcher: the server's release starts it.
  launcher.endUnseen();
  assert.equal(jobs.placeSuccessor(), true);
  assert.ok(launcher.calls.includes('release'));
  assert.equal(launcher.calls.at(-1), 'start waiting');
  assert.equal(capacity.running.has('waiting'), true);
});

test('dropped before its start: it never runs, and holds nothing', async () => {
  const { jobs, launcher, capacity, reports, recovered, runningWithSuccessor } = setUp(1);
  await runningWithSuccessor('canceled');
  assert.equal(await jobs.dropSuccessor('canceled'), true);
  assert.equal(launcher.calls.includes('start canceled'), false);
  assert.deepEqual(stateOf(reports, 'canceled'), [], 'no state of its own: the cancel tells it');
  assert.deepEqual(recovered, []);
  assert.equal(capacity.running.has('canceled'), false);
  assert.equal(jobs.placeSuccessor(), true, 'no successor waits any more');
  assert.equal(await jobs.dropSuccessor('other'), false, 'not a successor');
});

test('its launcher lost before it started: recovered (claims decide), never failed', async () => {
  const { launcher, capacity, reports, recovered, runningWithSuccessor } = setUp(1);
  await runningWithSuccessor('orphan');
  launcher.lose();
  await tick();
  assert.deepEqual(recovered, ['orphan']);
  assert.deepEqual(stateOf(reports, 'orphan'), []);
  assert.equal(capacity.running.has('orphan'), false);
});

test('a successor whose start fails after it held its place ends SYSTEM_ERROR and gives it back', async () => {
  const { jobs, launcher, capacity, reports, recovered, runningWithSuccessor } = setUp(1);
  await runningWithSuccessor('unlucky');
  launcher.endUnseen();
  // Its place is given (held) before the launcher says its start failed.
  const handed = launcher.handed!;
  launcher.handed = undefined;
  assert.equal(jobs.placeSuccessor(), true);
  handed.reject(new Error('cannot write claim.1: No space left on device'));
  await tick();
  await tick();
  const [report] = reports.filter((r) => r.id === 'unlucky');
  assert.equal(report?.report.state, 'SYSTEM_ERROR');
  assert.match(report!.report.description ?? '', /No space left/);
  assert.deepEqual(recovered, []);
  assert.equal(capacity.fits(1, 0), true, 'its core is free again');
});
