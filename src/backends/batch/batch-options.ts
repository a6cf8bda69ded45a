/**
 * The options every batch framework has (each framework adds its own: partition or queue, binary
 * paths, …), with their defaults, and the typed settings the engine reads from them.
 */
import type { FrameworkOption } from '../backend.js';

/** What the batch engine needs from a framework's options, already typed. */
export interface BatchSettings {
  /** Extra native submit options, split on whitespace, placed before the script path. */
  extraOptions: string[];
  /** Seconds a submit keeps being retried while the scheduler cannot be reached. */
  submitRetryDeadline: number;
  /** Seconds one scheduler command may take before it counts as no answer. */
  commandTimeout: number;
  /** Seconds between two queries of the scheduler's queue. */
  pollSeconds: number;
  /** Scheduler commands (submits; accounting queries) run at once. */
  submitCommands: number;
  /** Most tasks one submit command takes, as an array job (1: no array jobs). */
  arraySize: number;
  /** The container CLI in job scripts (docker, podman, apptainer) or host. */
  containerCli: string;
  /** Submit as the task's user (runuser -u USER) rather than as the server's user. */
  /** Who jobs are submitted as (src/backends/run-as.ts). */
  runAs: string;
  userMap: string;
  /** Pin executors to as many CPUs as the task asked when the scheduler left the job more. */
  bindCores: boolean;
}

/** The shared options, in the order `jobproxy -h -f NAME` prints them after the framework's own. */
export const BATCH_OPTIONS: readonly FrameworkOption[] = [
  {
    key: 'extraOptions',
    default: '',
    help: 'extra native submit options, separated by spaces, added to every submit (e.g. "--qos=normal" or "-P project")',
  },
  {
    key: 'submitRetryDeadline',
    default: 600,
    help: 'seconds after acceptance a task stays QUEUED while the scheduler cannot be reached; then SYSTEM_ERROR',
  },
  {
    key: 'commandTimeout',
    default: 30,
    help: 'seconds one scheduler command may take before it counts as no answer',
  },
  {
    key: 'pollSeconds',
    aliases: ['pollInterval'],
    default: 1,
    help: 'seconds between two queries of the scheduler about unfinished jobs (one query for all)',
  },
  {
    key: 'submitCommands',
    aliases: ['submitConcurrency'],
    default: 4,
    help: 'submit commands (and accounting queries) run at the same time',
  },
  {
    key: 'arraySize',
    default: 100,
    help: 'most tasks one submit command takes: tasks arriving within ~20 ms of each other, or while submit commands run, go as one array job when they ask for the same resources; 1: one job per task',
  },
  {
    key: 'containerCli',
    default: '',
    help: 'which container CLI the job script runs images with (a name or path: docker, podman, apptainer); empty: as the containers key says (auto: docker). It may refine containers (containers=auto, containerCli=podman), never contradict it (containers=host with containerCli=docker is refused at start)',
  },
  {
    key: 'runAs',
    default: 'nobody',
    help: "when the server runs as root, the Unix user jobs are submitted as (runuser -u USER; the user must exist on the cluster): owner (the task owner's own account), a user name (shared by all owners: needs sharedIdentity=true when auth is on), or root (explicitly); ignored when the server is not root",
  },
  {
    key: 'userMap',
    default: '',
    help: 'owner=unixuser pairs, comma-separated, applied before runAs (alice=alice,bob=lab)',
  },
  {
    key: 'sharedIdentity',
    default: false,
    help: 'accept runAs=<user> or root with authentication on: all owners share one identity',
  },
  {
    key: 'bindCores',
    default: true,
    help: 'pin a task that asked for N cores to N of the CPUs the scheduler gave its job, when it gave more',
  },
];

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : value === undefined ? fallback : String(value);
}

function number(value: unknown, fallback: number): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** The kind of container runner a CLI name or path is (`/usr/bin/docker` → docker). */
function runnerKind(cli: string): string {
  const base = cli.split('/').pop() ?? cli;
  return base === 'singularity' ? 'apptainer' : base;
}

/**
 * The CLI job scripts run images with: the top-level `containers` key decides (host: none), and
 * `<framework>.containerCli`, when set, says which CLI (checked by containerProblems first).
 */
export function containerCliOf(containers: string | undefined, containerCli: string): string {
  if (containerCli) return containerCli;
  return containers === undefined || containers === 'auto' ? 'docker' : containers;
}

/** A `<framework>.containerCli` that contradicts `containers`, named with both keys. */
export function containerProblems(
  framework: string,
  options: Record<string, unknown>,
  containers: string,
): string[] {
  const cli = text(options.containerCli, '').trim();
  if (!cli || containers === 'auto') return [];
  const agrees = containers === 'host' ? cli === 'host' : runnerKind(cli) === containers;
  if (agrees) return [];
  return [
    `${framework}.containerCli=${cli} contradicts containers=${containers}: the containers key ` +
      `decides how images run; ${framework}.containerCli may only name which ${containers === 'host' ? 'CLI (none: host)' : `${containers} CLI`} (or leave it empty)`,
  ];
}

/** The typed shared settings from a framework's options (missing ones take their defaults). */
export function readBatchSettings(
  options: Record<string, unknown>,
  containers?: string,
): BatchSettings {
  return {
    extraOptions: text(options.extraOptions, '').split(/\s+/).filter(Boolean),
    submitRetryDeadline: number(options.submitRetryDeadline, 600),
    commandTimeout: number(options.commandTimeout, 30),
    pollSeconds: number(options.pollSeconds, 1),
    submitCommands: Math.max(1, Math.floor(number(options.submitCommands, 4))),
    arraySize: Math.min(1000, Math.max(1, Math.floor(number(options.arraySize, 100)))),
    containerCli: containerCliOf(containers, text(options.containerCli, '').trim()),
    runAs: text(options.runAs, 'nobody').trim() || 'nobody',
    userMap: text(options.userMap, ''),
    bindCores: flag(options.bindCores, true),
  };
}

/** A string option, trimmed; empty means "not set". */
export function readText(options: Record<string, unknown>, key: string, fallback = ''): string {
  return text(options[key], fallback).trim();
}
