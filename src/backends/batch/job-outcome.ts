/**
 * Turns what is known of a finished batch job — the markers its script left in the task directory
 * and the scheduler's final word — into the task's end state, exit code and description. The
 * markers are trusted for exit codes (schedulers report them unreliably); the scheduler is trusted
 * for what only it knows (it cancelled, timed out or killed the job, or the node failed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { JobReport } from '../backend.js';
import { MARKERS } from './job-script.js';
import type { SchedulerJob } from './scheduler.js';

const SIGXCPU = constants.signals.SIGXCPU;
const SIGKILL = constants.signals.SIGKILL;

export interface OutcomeFacts {
  /** The framework's name, for descriptions. */
  framework: string;
  taskDir: string;
  executorCount: number;
  /** The scheduler's final view of the job; absent when it has forgotten the job. */
  job?: SchedulerJob;
  memoryMiB?: number;
  cputimeSec?: number;
  /**
   * How the scheduler enforces memory: `kill` (it kills a job over the limit: Slurm) or
   * `address-space` (an allocation over it fails and the command exits as it sees fit: GE h_vmem).
   */
  memoryBy: 'kill' | 'address-space';
  /** The job script's own stderr (the scheduler's messages land there). */
  scriptStderr: string;
  /** What the scheduler writes there when it kills a job for its memory. */
  memoryKillMessage?: RegExp;
  /** Each executor's stderr file, where a container CLI's own failure is written. */
  executorStderr?: string[];
}

function readCode(path: string): number | null {
  try {
    const code = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(code) ? code : null;
  } catch {
    return null;
  }
}

function signalName(signal: number): string {
  return Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] ?? `signal ${signal}`;
}

function tail(path: string, bytes = 2000): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(-bytes).trim();
  } catch {
    return '';
  }
}

/** Per-executor exit codes recorded by the job script, null where an executor did not end. */
export function readExecutorCodes(taskDir: string, count: number): (number | null)[] {
  return Array.from({ length: count }, (_, i) => readCode(join(taskDir, MARKERS.executorExit(i))));
}

/** The task's exit code as the job script recorded it, if it got that far. */
export function readTaskExit(taskDir: string): number | null {
  return readCode(join(taskDir, MARKERS.exit));
}

/** The final report of a finished job. */
export function finishedReport(facts: OutcomeFacts): JobReport {
  const executorExitCodes = readExecutorCodes(facts.taskDir, facts.executorCount);
  const exitCode = readTaskExit(facts.taskDir);
  const ended = facts.job?.ended ?? new Date().toISOString();
  const base: ReportBase = { executorExitCodes, ended, started: facts.job?.started };
  const meaning = facts.job?.meaning;
  const cliFailure = containerStartFailure(facts, executorExitCodes);
  if (cliFailure !== undefined) return { ...base, ...cliFailure, exitCode };
  if (exitCode !== null && meaning !== 'timeout' && meaning !== 'node-failure') {
    return exitedReport(base, exitCode, facts);
  }
  return schedulerReport(base, exitCode, facts) ?? leftoverReport(base, facts);
}

type ReportBase = Pick<JobReport, 'executorExitCodes' | 'ended' | 'started'>;

/** The script recorded the task's exit code: COMPLETE, or the executor's own failure. */
function exitedReport(base: ReportBase, exitCode: number, facts: OutcomeFacts): JobReport {
  if (exitCode === 0) {
    return { ...base, state: 'COMPLETE', exitCode, description: 'exited with code 0' };
  }
  return { ...base, state: 'EXECUTOR_ERROR', exitCode, description: describeExit(exitCode, facts) };
}

/** What the scheduler alone knows ended the job (cancel, time, memory, node); else undefined. */
function schedulerReport(
  base: ReportBase,
  exitCode: number | null,
  facts: OutcomeFacts,
): JobReport | undefined {
  const said = facts.job ? ` (${facts.framework}: ${describeNative(facts.job)})` : '';
  const killedCode = exitCode ?? 128 + SIGKILL;
  switch (facts.job?.meaning) {
    case 'cancelled':
      return {
        ...base,
        state: 'CANCELED',
        exitCode,
        description: `cancelled in the scheduler${said}`,
      };
    case 'timeout':
      return {
        ...base,
        state: 'EXECUTOR_ERROR',
        exitCode,
        description: `killed: time limit exceeded${said}`,
      };
    case 'out-of-memory':
      return {
        ...base,
        state: 'EXECUTOR_ERROR',
        exitCode: killedCode,
        description: memoryKilled(facts),
      };
    case 'limit':
      return {
        ...base,
        state: 'EXECUTOR_ERROR',
        exitCode: killedCode,
        description: limitKilled(facts, said),
      };
    case 'node-failure':
      return systemFailure(base, `the node running the job failed${said}`, facts);
    default:
      return undefined;
  }
}

/** No exit code and no word from the scheduler: a kill by signal, or a job that never ran. */
function leftoverReport(base: ReportBase, facts: OutcomeFacts): JobReport {
  const said = facts.job ? ` (${facts.framework}: ${describeNative(facts.job)})` : '';
  const claimed = existsSync(join(facts.taskDir, MARKERS.claim));
  const signal = facts.job?.signal ?? null;
  if (claimed && signal !== null && signal > 0) {
    // The scheduler killed the running script: a limit if the task had one it could hit.
    const code = 128 + signal;
    return {
      ...base,
      state: 'EXECUTOR_ERROR',
      exitCode: code,
      description: describeExit(code, facts),
    };
  }
  if (!claimed) return systemFailure(base, `the job ended before the task started${said}`, facts);
  return systemFailure(base, `the job ended without recording an exit code${said}`, facts);
}

/**
 * The first executor whose container CLI could not even start its container (the script's
 * cli-failed marker: docker run exited 125–127): a SYSTEM_ERROR naming the CLI's own message.
 */
function containerStartFailure(
  facts: OutcomeFacts,
  codes: readonly (number | null)[],
): Pick<JobReport, 'state' | 'description' | 'systemLog'> | undefined {
  const index = codes.findIndex((_, i) => existsSync(join(facts.taskDir, MARKERS.cliFailed(i))));
  if (index < 0) return undefined;
  const stderr = facts.executorStderr?.[index];
  const message = stderr ? lastLines(tail(stderr), 3) : '';
  const what = `the container CLI could not start executor ${index}'s container (exit ${codes[index]})`;
  const description = message ? `${what}: ${message}` : what;
  return { state: 'SYSTEM_ERROR', description, systemLog: description };
}

function lastLines(text: string, count: number): string {
  return text.split('\n').filter(Boolean).slice(-count).join('; ');
}

function describeNative(job: SchedulerJob): string {
  const parts = [job.nativeState];
  if (job.reason) parts.push(job.reason);
  if (job.exitCode !== undefined && job.exitCode !== null) parts.push(`exit ${job.exitCode}`);
  if (job.signal) parts.push(`signal ${job.signal}`);
  return parts.join(', ');
}

function systemFailure(base: ReportBase, description: string, facts: OutcomeFacts): JobReport {
  const stderr = tail(facts.scriptStderr);
  const systemLog = stderr ? `${description}; job script stderr: ${stderr}` : description;
  return { ...base, state: 'SYSTEM_ERROR', exitCode: null, description, systemLog };
}

function memoryKilled(facts: OutcomeFacts): string {
  return `killed: memory limit ${facts.memoryMiB ?? '?'} MiB exceeded`;
}

function cputimeKilled(facts: OutcomeFacts): string {
  return `killed: cputime limit ${facts.cputimeSec} s exceeded`;
}

function limitKilled(facts: OutcomeFacts, schedulerWord: string): string {
  if (facts.memoryMiB !== undefined && facts.cputimeSec === undefined) return memoryKilled(facts);
  if (facts.cputimeSec !== undefined && facts.memoryMiB === undefined) return cputimeKilled(facts);
  return `killed: a resource limit was exceeded${schedulerWord}`;
}

function describeExit(code: number, facts: OutcomeFacts): string {
  const memoryMessage =
    facts.memoryKillMessage !== undefined && facts.memoryKillMessage.test(tail(facts.scriptStderr));
  if (facts.memoryMiB !== undefined && (memoryMessage || facts.job?.meaning === 'out-of-memory')) {
    return memoryKilled(facts);
  }
  if (facts.cputimeSec !== undefined && code === 128 + SIGXCPU) return cputimeKilled(facts);
  if (code === 128 + SIGKILL) {
    if (facts.memoryMiB !== undefined && facts.memoryBy === 'kill') return memoryKilled(facts);
    if (facts.cputimeSec !== undefined) return cputimeKilled(facts);
  }
  const plain =
    code > 128 && code < 128 + 65
      ? `killed by ${signalName(code - 128)}`
      : `exited with code ${code}`;
  if (facts.memoryMiB !== undefined && facts.memoryBy === 'address-space') {
    // An allocation failed and the command gave up in its own way (an error exit, SIGSEGV,
    // SIGABRT): name the limit it most likely ran into.
    return `${plain} (memory limit ${facts.memoryMiB} MiB of address space: allocations over it fail)`;
  }
  return plain;
}
