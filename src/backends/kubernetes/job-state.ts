/**
 * What a task's Job and pod, as the API server shows them, mean for the task (a pure function,
 * tested with status JSON captured from a real cluster). The pod's executors are init containers,
 * so a pod still Pending may be RUNNING a command; the last report step carries every executor's
 * exit code in its termination message. Kubernetes' own reasons (ErrImagePull, Unschedulable,
 * Evicted, a lost node) end the task SYSTEM_ERROR with that reason.
 * Pod phases: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
 */
import type { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node';
import type { JobReport } from '../backend.js';
import type { ResourceSpec } from '../../model/task.js';
import { describeEnd, finalReport } from '../local/docker/describe-exit.js';
import { parseExecutorRecords } from './pod-scripts.js';

/** Waiting reasons that mean the pod cannot start as it is (the image or its config). */
export const START_FAILURES = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export interface StateFacts {
  resources: ResourceSpec;
  executorCount: number;
  /** Seconds a pod may stay unschedulable. */
  unschedulableTimeout: number;
  now: Date;
}

type Status = V1ContainerStatus;
const iso = (value: Date | string | undefined): string | undefined =>
  value === undefined ? undefined : new Date(value).toISOString();

function statuses(pod: V1Pod): { init: Status[]; main: Status[] } {
  return {
    init: pod.status?.initContainerStatuses ?? [],
    main: pod.status?.containerStatuses ?? [],
  };
}

function startFailure(pod: V1Pod): JobReport | undefined {
  const { init, main } = statuses(pod);
  for (const status of [...init, ...main]) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && START_FAILURES.has(waiting.reason)) {
      const description = `${waiting.reason}: ${waiting.message ?? `container ${status.name}`}`;
      return { state: 'SYSTEM_ERROR', exitCode: null, description, systemLog: description };
    }
  }
  return undefined;
}

function executorStarted(pod: V1Pod): string | undefined {
  const exec = statuses(pod).init.find((s) => s.name === 'exec-0');
  return iso(exec?.state?.running?.startedAt ?? exec?.state?.terminated?.startedAt);
}

function pendingReport(pod: V1Pod, facts: StateFacts): JobReport {
  const failure = startFailure(pod);
  if (failure) return failure;
  // The kubelet fails a pod whose init container saw an OOM kill (even one its wrapper survived)
  // by stopping its sandbox, and the pod then stays Pending: the end is known now.
  const oomKilled = statuses(pod).init.some((s) => s.state?.terminated?.reason === 'OOMKilled');
  const killed = oomKilled ? containerEnd(pod, facts) : undefined;
  if (killed) return { ...killed, started: executorStarted(pod) };
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = new Date(scheduled.lastTransitionTime ?? pod.metadata?.creationTimestamp ?? 0);
    const waited = (facts.now.getTime() - since.getTime()) / 1000;
    const message = scheduled.message ?? 'no node fits';
    if (waited > facts.unschedulableTimeout) {
      const description = `Unschedulable for ${Math.round(waited)} s: ${message}`;
      return { state: 'SYSTEM_ERROR', exitCode: null, description, systemLog: description };
    }
    return { state: 'QUEUED', description: `waiting for a node: ${message}` };
  }
  const running = statuses(pod).init.some(
    (s) => s.name.startsWith('exec-') && (s.state?.running || s.state?.terminated),
  );
  if (running) return { state: 'RUNNING', description: 'running', started: executorStarted(pod) };
  if (scheduled?.status === 'True') return { state: 'INITIALIZING', description: 'starting' };
  return { state: 'QUEUED', description: 'waiting for a node' };
}

/** The end as the last report step recorded it. */
function recordedEnd(pod: V1Pod, facts: StateFacts): JobReport | undefined {
  const last = statuses(pod).main.find((s) => s.name === `stderr-${facts.executorCount - 1}`);
  const terminated = last?.state?.terminated;
  if (!terminated || terminated.message === undefined) return undefined;
  const records = parseExecutorRecords(terminated.message, facts.executorCount);
  const report = finalReport(records, facts.resources);
  return { ...report, ended: iso(terminated.finishedAt) ?? report.ended };
}

/** The end when an executor's own container failed (its wrapper was killed, e.g. OOM). */
function containerEnd(pod: V1Pod, facts: StateFacts): JobReport | undefined {
  const { init } = statuses(pod);
  const tools = init.find((s) => s.name === 'jobproxy-tools')?.state?.terminated;
  if (tools && tools.exitCode !== 0) {
    const description = `the tools step failed (${tools.reason ?? 'Error'}, exit ${tools.exitCode}): kubernetes.toolsImage needs a static /bin/busybox`;
    return { state: 'SYSTEM_ERROR', exitCode: null, description, systemLog: description };
  }
  for (let i = 0; i < facts.executorCount; i++) {
    const ended = init.find((s) => s.name === `exec-${i}`)?.state?.terminated;
    if (!ended || (ended.exitCode === 0 && ended.reason !== 'OOMKilled')) continue;
    const oomKilled = ended.reason === 'OOMKilled';
    // The wrapper that survived an OOM kill exits 0; the command itself died of SIGKILL.
    const end = { exitCode: oomKilled && ended.exitCode === 0 ? 137 : ended.exitCode, oomKilled };
    const executorExitCodes = Array.from({ length: facts.executorCount }, (_, k) =>
      k === i ? end.exitCode : null,
    );
    return {
      state: 'EXECUTOR_ERROR',
      exitCode: end.exitCode,
      executorExitCodes,
      description: describeEnd(end, facts.resources),
      ended: iso(ended.finishedAt),
    };
  }
  return undefined;
}

/** Why Kubernetes stopped the pod (eviction, preemption, a lost node), if it says so. */
function disruption(pod: V1Pod): string | undefined {
  const target = pod.status?.conditions?.find(
    (c) => c.type === 'DisruptionTarget' && c.status === 'True',
  );
  if (target) return `${target.reason ?? 'DisruptionTarget'}: ${target.message ?? ''}`.trim();
  if (pod.status?.reason) return `${pod.status.reason}: ${pod.status.message ?? ''}`.trim();
  return undefined;
}

function endedReport(pod: V1Pod, facts: StateFacts): JobReport {
  const recorded = recordedEnd(pod, facts);
  if (recorded) return { ...recorded, started: executorStarted(pod) };
  const reason = disruption(pod);
  if (reason)
    return { state: 'SYSTEM_ERROR', exitCode: null, description: reason, systemLog: reason };
  const failed = containerEnd(pod, facts) ?? startFailure(pod);
  if (failed) return { ...failed, started: executorStarted(pod) };
  const description = `the pod ended ${pod.status?.phase} without a record of its executors`;
  return { state: 'SYSTEM_ERROR', exitCode: null, description, systemLog: description };
}

function jobOnlyReport(job: V1Job): JobReport | undefined {
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) {
    const description = `the Job failed with no pod left (${failed.reason ?? 'Failed'}: ${failed.message ?? ''})`;
    return { state: 'SYSTEM_ERROR', exitCode: null, description, systemLog: description };
  }
  return { state: 'QUEUED', description: 'waiting for its pod' };
}

/** What the Job and its pod (either may be unknown) mean for the task; undefined: nothing known. */
export function reportOf(
  job: V1Job | undefined,
  pod: V1Pod | undefined,
  facts: StateFacts,
): JobReport | undefined {
  if (!pod) return job ? jobOnlyReport(job) : undefined;
  // Evicted, preempted, or its node gone: Kubernetes says so before the pod ends.
  const target = pod.status?.conditions?.find(
    (c) => c.type === 'DisruptionTarget' && c.status === 'True',
  );
  if (target && !recordedEnd(pod, facts)) {
    const description = `${target.reason ?? 'DisruptionTarget'}: ${target.message ?? ''}`.trim();
    return { state: 'SYSTEM_ERROR', exitCode: null, description, systemLog: description };
  }
  switch (pod.status?.phase) {
    case 'Succeeded':
    case 'Failed':
      return endedReport(pod, facts);
    case 'Running':
      return { state: 'RUNNING', description: 'running', started: executorStarted(pod) };
    case 'Unknown': {
      const description = `node lost: the pod's state is Unknown (${pod.status?.reason ?? 'no reason given'})`;
      return { state: 'SYSTEM_ERROR', exitCode: null, description, systemLog: description };
    }
    default:
      return pendingReport(pod, facts);
  }
}
