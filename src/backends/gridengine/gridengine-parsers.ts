/** Parsers of Grid Engine's command outputs, each with a sample of what it reads. */
import { XMLParser } from 'fast-xml-parser';
import type { SchedulerJob } from '../batch/scheduler.js';
import { meaningOfQacctFailure, meaningOfQstatState } from './gridengine-states.js';

// qsub -terse prints the job id alone: "42" (an array job: "42.1-10:1").
export function parseQsub(stdout: string): string | undefined {
  return /^(\d+)(?:\.\S+)?\s*$/m.exec(stdout.trim())?.[1];
}

const xml = new XMLParser({
  ignoreAttributes: true,
  processEntities: false,
  parseTagValue: false,
  isArray: (name) => name === 'job_list' || name === 'Queue-List',
});

interface QstatJob {
  JB_job_number?: string;
  state?: string;
  JAT_start_time?: string;
  /** Array elements: "3" (a running one), "9-12:1" or "1,4-6:1" (waiting ones, grouped). */
  tasks?: string;
}

/** The element indexes of a qstat tasks field ("9-12:1", "1,4-6:2", "3"). */
export function expandTaskRange(text: string): number[] {
  const indexes: number[] = [];
  for (const part of text.split(',')) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!match) continue;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    const step = Math.max(1, Number(match[3] ?? 1));
    for (let i = first; i <= last; i += step) indexes.push(i);
  }
  return indexes;
}

/** Every job_list element, wherever qstat put it (running jobs sit under their queue). */
function jobLists(node: unknown, found: QstatJob[] = []): QstatJob[] {
  if (Array.isArray(node)) {
    for (const item of node) jobLists(item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'job_list') found.push(...(value as QstatJob[]));
      else jobLists(value, found);
    }
  }
  return found;
}

/** Grid Engine's local time stamps ("2026-11-28T18:18:42") as RFC 3339. */
function sgeTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const time = new Date(text.trim());
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

// qstat -u '*' -xml prints (running jobs inside <queue_info>, waiting ones in <job_info>):
//   <job_info><queue_info>
//     <job_list state="running"><JB_job_number>3</JB_job_number><JB_name>jp-…</JB_name>
//       <state>r</state><JAT_start_time>2026-11-28T18:18:49</JAT_start_time>…</job_list>
//     <job_list state="running"><JB_job_number>514</JB_job_number><state>r</state>
//       <tasks>2</tasks>…</job_list>
//   </queue_info><job_info>
//     <job_list state="pending"><JB_job_number>4</JB_job_number><state>hqw</state>…</job_list>
//     <job_list state="pending"><JB_job_number>514</JB_job_number><state>qw</state>
//       <tasks>9-12:1</tasks>…</job_list>
//   </job_info></job_info>
// Array elements come out as "514.2", "514.9", … one job each.
export function parseQstatXml(stdout: string): SchedulerJob[] {
  const jobs: SchedulerJob[] = [];
  for (const entry of jobLists(xml.parse(stdout))) {
    const jobId = String(entry.JB_job_number ?? '').trim();
    const state = String(entry.state ?? '').trim();
    if (!jobId || !state) continue;
    const job = {
      nativeState: state,
      meaning: meaningOfQstatState(state),
      started: sgeTime(entry.JAT_start_time),
    };
    const tasks = entry.tasks === undefined ? '' : String(entry.tasks).trim();
    if (tasks === '') jobs.push({ jobId, ...job });
    else
      for (const index of expandTaskRange(tasks)) jobs.push({ jobId: `${jobId}.${index}`, ...job });
  }
  return jobs;
}

// qacct -j 1 prints a record per run, each after a line of "=":
//   ==============================================================
//   qname        all.q
//   jobname      jp-2f0c…
//   jobnumber    1
//   taskid       undefined          (an array element: its index; its id is then "1.3")
//   start_time   Sat Nov 28 18:18:42 2026
//   end_time     Sat Nov 28 18:18:42 2026
//   failed       0
//   exit_status  3
// with "failed       100 : assumedly after job" (and exit_status 137) for a killed job, and
// "failed       37  : qmaster enforced h_rt, h_cpu, or h_vmem limit" for a limit.
export function parseQacct(stdout: string): SchedulerJob[] {
  const jobs = new Map<string, SchedulerJob>();
  for (const record of stdout.split(/^=+\s*$/m)) {
    const fields = new Map<string, string>();
    for (const line of record.split('\n')) {
      const match = /^(\w+)\s+(.*?)\s*$/.exec(line);
      if (match) fields.set(match[1]!, match[2]!);
    }
    const jobNumber = fields.get('jobnumber');
    if (!jobNumber) continue;
    // "taskid 3" for an array element, "taskid undefined" otherwise.
    const taskId = fields.get('taskid');
    const jobId =
      taskId !== undefined && /^\d+$/.test(taskId) ? `${jobNumber}.${taskId}` : jobNumber;
    const failedText = fields.get('failed') ?? '0';
    const failed = Number(/^\d+/.exec(failedText)?.[0] ?? 0);
    const exitStatus = Number(fields.get('exit_status') ?? NaN);
    const exitCode = Number.isInteger(exitStatus) ? exitStatus : null;
    const killed = exitCode !== null && exitCode > 128 && failed !== 0;
    const reason = /^\d+\s*:\s*(.+)$/.exec(failedText)?.[1];
    jobs.set(jobId, {
      jobId,
      nativeState: `failed ${failed}`,
      meaning: meaningOfQacctFailure(failed),
      reason,
      exitCode,
      signal: killed ? exitCode - 128 : null,
      started: sgeTime(fields.get('start_time')),
      ended: sgeTime(fields.get('end_time')),
    });
  }
  return [...jobs.values()];
}

// qstat -j jp-TASK prints "job_number:                 4" among its lines (exit 1 and
// "Following jobs do not exist" when there is none); qacct -j jp-TASK prints records as above.
export function parseFoundGridEngineJob(stdout: string): string | undefined {
  const matches = [...stdout.matchAll(/^(?:job_number:|jobnumber)\s+(\d+)/gm)];
  return matches.at(-1)?.[1];
}
