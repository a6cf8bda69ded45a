/** Reads how a local task ended from its marker files and names the limit that killed it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import type { JobReport } from '../backend.js';

const SIGXCPU_EXIT = 128 + constants.signals.SIGXCPU;

/** A whole line of digits, or null: an empty or torn file is no exit code. */
function readExitFile(path: string): number | null {
  try {
    const match = /^(\d+)\n$/.exec(readFileSync(path, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function signalName(code: number): string {
  const number = code - 128;
  const name = Object.entries(constants.signals).find(([, n]) => n === number)?.[0];
  return name ?? `signal ${number}`;
}

export interface OutcomeFacts {
  /** The task's markers directory (in the server's private state). */
  taskDir: string;
  executorCount: number;
  oomKilled: boolean;
  memoryMiB?: number;
  cputimeSec?: number;
  /** How the memory limit was enforced, for the description where it cannot be told for sure. */
  memoryBy: 'cgroup' | 'rlimit' | 'none';
  /** A direct task's end as its launcher told it (one executor): no marker needs reading. */
  told?: { exitCode: number; complaint?: string };
}

/** Per-executor exit codes recorded so far, null where an executor did not end. */
export function readExecutorExitCodes(taskDir: string, executorCount: number): (number | null)[] {
  if (executorCount === 1) return [readExitFile(join(taskDir, 'exit'))];
  return Array.from({ length: executorCount }, (_, i) => readExitFile(join(taskDir, `exit.${i}`)));
}

/** The final report of a task whose supervisor is gone; SYSTEM_ERROR if it left no exit code. */
export function readOutcome(facts: OutcomeFacts): JobReport {
  const { told } = facts;
  const exitCode = told ? told.exitCode : readExitFile(join(facts.taskDir, 'exit'));
  const executorExitCodes = told
    ? [exitCode]
    : readExecutorExitCodes(facts.taskDir, facts.executorCount);
  const ended = new Date().toISOString();
  if (facts.oomKilled) {
    return {
      state: 'EXECUTOR_ERROR',
      exitCode,
      executorExitCodes,
      ended,
      description: `killed: memory limit ${facts.memoryMiB} MiB exceeded`,
    };
  }
  if (exitCode === null) {
    return {
      state: 'SYSTEM_ERROR',
      exitCode: null,
      executorExitCodes,
      ended,
      description: 'the task supervisor ended without recording an exit code',
      systemLog:
        'supervisor process gone and no exit marker was written (killed or machine restarted?)',
    };
  }
  if (exitCode === 0) {
    return {
      state: 'COMPLETE',
      exitCode,
      executorExitCodes,
      ended,
      description: 'exited with code 0',
    };
  }
  const complaint = told ? (told.complaint ?? '') : readSupervisorComplaint(facts.taskDir);
  return {
    state: 'EXECUTOR_ERROR',
    exitCode,
    executorExitCodes,
    ended,
    description: describeFailure(exitCode, facts),
    ...(complaint ? { systemLog: complaint } : {}),
  };
}

/** What the supervisor's shell said (an output file it could not open), at most 2 KiB. */
function readSupervisorComplaint(markersDir: string): string {
  try {
    return readFileSync(join(markersDir, 'supervisor.err'), 'utf8').slice(0, 2048).trim();
  } catch {
    return '';
  }
}

function describeFailure(exitCode: number, facts: OutcomeFacts): string {
  if (
    exitCode === SIGXCPU_EXIT ||
    (exitCode === 137 && facts.cputimeSec !== undefined && facts.memoryBy !== 'cgroup')
  ) {
    if (facts.cputimeSec !== undefined) {
      return `killed: cputime limit ${facts.cputimeSec} s exceeded`;
    }
  }
  if (exitCode > 128 && exitCode < 128 + 65) return `killed by ${signalName(exitCode)}`;
  if (facts.memoryBy === 'rlimit' && facts.memoryMiB !== undefined) {
    return `exited with code ${exitCode} (memory limited to ${facts.memoryMiB} MiB of address space)`;
  }
  return `exited with code ${exitCode}`;
}
