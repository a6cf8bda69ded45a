/**
 * Runs the submit commands, at most `submitCommands` at once, and groups the tasks waiting for
 * one into array jobs: a task waits until no other task has come for LINGER_MS (never more than
 * MAX_LINGER_MS, or until `arraySize` wait), and while commands run, tasks that arrive wait for a
 * free one; a command takes all that wait (up to `arraySize`, same resources and user) as one
 * array. A lone task is an ordinary job. So a burst of N tasks costs a few submit commands
 * instead of N, and a single task waits LINGER_MS more.
 */
import { randomUUID } from 'node:crypto';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskRecord } from '../../model/task.js';
import { taskDirOf, type EngineContext } from './engine-context.js';
import { ARRAY_TASKS, renderArrayScript } from './job-script.js';
import { ARRAY_MARKER, prepareTask, type Owner } from './prepare-task.js';
import type { CommandResult } from './run-command.js';

/** How long the batcher waits for another task before it submits what it has. */
const LINGER_MS = 20;
/** The longest a task waits for others. */
const MAX_LINGER_MS = 200;

/** Turns a failed submit command into the error a task's submit rejects with. */
export type SubmitFailure = (task: TaskRecord, argv: string[], result: CommandResult) => Error;

interface Waiting {
  task: TaskRecord;
  owner?: Owner;
  resolve(jobId: string): void;
  reject(error: Error): void;
}

/** The name of an array job, by which a lost array submit is found again. */
export function arrayNameOf(batchId: string): string {
  return `jpa-${batchId}`;
}

export class SubmitBatcher {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  /** When the oldest waiting task arrived (for MAX_LINGER_MS). */
  private since = 0;

  constructor(
    private readonly context: EngineContext,
    private readonly failure: SubmitFailure,
  ) {}

  /** Submits a fresh task (or one whose earlier submit is known not to exist); resolves to its job id. */
  submit(task: TaskRecord, owner: Owner | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.since = Date.now();
      this.waiting.push({ task, owner, resolve, reject });
      clearTimeout(this.timer);
      const { arraySize } = this.context.settings;
      const waited = Date.now() - this.since;
      if (arraySize === 1 || this.waiting.length >= arraySize || waited >= MAX_LINGER_MS)
        this.flush();
      else this.timer = setTimeout(() => this.flush(), Math.min(LINGER_MS, MAX_LINGER_MS - waited));
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    while (this.running < this.context.settings.submitCommands && this.waiting.length > 0) {
      const group = this.takeGroup();
      this.running++;
      void this.submitGroup(group).finally(() => {
        this.running--;
        this.flush();
      });
    }
    if (this.waiting.length > 0) this.since = Date.now();
  }

  /** The first waiting task and those that can share its array (same resources, same user). */
  private takeGroup(): Waiting[] {
    const key = groupKey(this.waiting[0]!);
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    for (const waiting of this.waiting) {
      (group.length < this.context.settings.arraySize && groupKey(waiting) === key
        ? group
        : rest
      ).push(waiting);
    }
    this.waiting.splice(0, this.waiting.length, ...rest);
    return group;
  }

  private async submitGroup(group: Waiting[]): Promise<void> {
    const prepared: Waiting[] = [];
    const single = group.length === 1;
    const arrayDir = join(this.context.workdir, 'arrays', randomUUID());
    for (const [i, waiting] of group.entries()) {
      try {
        const taskDir = taskDirOf(this.context, waiting.task.id);
        prepareTask(this.context, waiting.task, waiting.owner);
        if (single) rmSync(join(taskDir, ARRAY_MARKER), { force: true });
        else writeFileSync(join(taskDir, ARRAY_MARKER), `${arrayDir}\n${prepared.length + 1}\n`);
        prepared.push(waiting);
      } catch (error) {
        group[i]!.reject(error as Error);
      }
    }
    if (prepared.length === 0) return;
    // A command runner that throws (spawn failed, aborted) rejects the group's submits; it must
    // never be an unhandled rejection with the submits left waiting forever.
    try {
      if (single) await this.submitSingle(prepared[0]!);
      else await this.submitArray(arrayDir, prepared);
    } catch (error) {
      for (const waiting of prepared) waiting.reject(error as Error);
    }
  }

  private async submitSingle(waiting: Waiting): Promise<void> {
    const { scheduler } = this.context;
    const scriptPath = join(taskDirOf(this.context, waiting.task.id), 'job.sh');
    const argv = this.withUser(waiting, this.withExtras(scheduler.submitCommand(scriptPath)));
    const result = await this.context.run(argv);
    const jobId = result.code === 0 ? scheduler.parseSubmit(result.stdout) : undefined;
    if (jobId !== undefined) return waiting.resolve(jobId);
    waiting.reject(
      result.code === 0 ? noJobId(argv, result) : this.failure(waiting.task, argv, result),
    );
  }

  private async submitArray(arrayDir: string, elements: Waiting[]): Promise<void> {
    const { scheduler } = this.context;
    const first = elements[0]!;
    const { cores, memoryMiB, cputimeSec } = first.task.spec.resources;
    mkdirSync(arrayDir, { recursive: true });
    const taskDirs = elements.map((w) => taskDirOf(this.context, w.task.id));
    writeFileSync(join(arrayDir, ARRAY_TASKS), taskDirs.map((dir) => `${dir}\n`).join(''));
    const scriptPath = join(arrayDir, 'array.sh');
    const directives = scheduler.directives({
      jobName: arrayNameOf(arrayDir.split('/').pop()!),
      taskDir: arrayDir,
      scriptStdout: scheduler.array.outputPattern(arrayDir, 'out'),
      scriptStderr: scheduler.array.outputPattern(arrayDir, 'err'),
      cores,
      memoryMiB,
      cputimeSec,
    });
    const script = renderArrayScript({
      arrayDir,
      directivePrefix: scheduler.directivePrefix,
      directives,
      indexVariable: scheduler.array.indexVariable,
      taskDirs,
    });
    writeFileSync(scriptPath, script, { mode: 0o755 });
    if (first.owner) {
      for (const path of [arrayDir, scriptPath, join(arrayDir, ARRAY_TASKS)]) {
        chownSync(path, first.owner.uid, first.owner.gid);
      }
    }
    const argv = this.withUser(
      first,
      this.withExtras(scheduler.array.submitCommand(scriptPath, elements.length)),
    );
    const result = await this.context.run(argv);
    const arrayId = result.code === 0 ? scheduler.parseSubmit(result.stdout) : undefined;
    elements.forEach((waiting, i) => {
      if (arrayId !== undefined) waiting.resolve(scheduler.array.elementId(arrayId, i + 1));
      else
        waiting.reject(
          result.code === 0 ? noJobId(argv, result) : this.failure(waiting.task, argv, result),
        );
    });
  }

  /** The operator's extra native options go just before the script path. */
  private withExtras(argv: string[]): string[] {
    const copy = [...argv];
    copy.splice(copy.length - 1, 0, ...this.context.settings.extraOptions);
    return copy;
  }

  private withUser(waiting: Waiting, argv: string[]): string[] {
    return waiting.owner ? ['runuser', '-u', waiting.owner.name, '--', ...argv] : argv;
  }
}

function groupKey(waiting: Waiting): string {
  const { cores, memoryMiB, cputimeSec } = waiting.task.spec.resources;
  return JSON.stringify([cores, memoryMiB, cputimeSec, waiting.owner?.name ?? '']);
}

function noJobId(argv: string[], result: CommandResult): Error {
  return new Error(
    `no job id in the output of ${argv[0]}: ${JSON.stringify(result.stdout.slice(0, 200))}`,
  );
}
