/**
 * The small shell programs each task pod runs, through the static busybox the tools step copies
 * into the pod's own volume (so an executor image needs no shell of its own):
 * - around executor i: skip when an earlier executor failed, apply the cputime rlimit
 *   (`ulimit -t`) and the CPU pinning, run the argv with stdout to the container log and stderr
 *   to a file, then record "exitcode oomkills" — it always exits 0, so the pod goes on to the
 *   steps that report;
 * - the report step for executor i prints that stderr file (its log is the executor's stderr);
 *   the last one also writes every executor's record to its termination message and exits with
 *   the code of the last executor that ran.
 * Only integers are written into the scripts; paths and argv are passed as arguments.
 */

/** The per-pod volume the steps share. */
export const POD_DIR = '/.jobproxy';
export const BUSYBOX = `${POD_DIR}/busybox`;
/** Where the tools image keeps busybox (an executor in that image needs no copy). */
export const TOOLS_BUSYBOX = '/bin/busybox';

export interface ExecutorScriptFacts {
  index: number;
  ignoreError: boolean;
  cputimeSec?: number;
  /** Whole cores to pin to (absent: no pinning). */
  pinCores?: number;
  /** Where the pinned CPUs start (spreads tasks over the CPUs). */
  pinOffset: number;
  /** The busybox the wrapper runs (default: the copy in the pod's volume). */
  busybox?: string;
}

/** The copy that makes busybox available to every later step (run in the tools image). */
export function toolsCommand(): string[] {
  return [TOOLS_BUSYBOX, 'cp', TOOLS_BUSYBOX, BUSYBOX];
}

/**
 * argv of executor i's container: `busybox sh -c SCRIPT jobproxy STDIN ARGV…` (STDIN '' = none).
 */
export function executorCommand(
  facts: ExecutorScriptFacts,
  argv: readonly string[],
  stdin = '',
): string[] {
  const busybox = facts.busybox ?? BUSYBOX;
  return [busybox, 'sh', '-c', executorScript(facts), 'jobproxy', stdin, ...argv];
}

function pinLines(cores: number, offset: number): string[] {
  return [
    `n=$($B nproc); l=; k=0`,
    `if [ ${cores} -lt "$n" ]; then while [ $k -lt ${cores} ]; do l="$l\${l:+,}$(( (${offset} + k) % n ))"; k=$((k + 1)); done; fi`,
    // A CPU the container may not use (a cpuset) makes taskset fail: run unpinned then.
    `if [ -n "$l" ] && $B taskset -c "$l" true 2>/dev/null; then set -- $B taskset -c "$l" "$@"; fi`,
  ];
}

export function executorScript(facts: ExecutorScriptFacts): string {
  const i = facts.index;
  const lines = [
    `D=${POD_DIR}; B=${facts.busybox ?? BUSYBOX}`,
    `[ -e $D/stop ] && exit 0`,
    `in=$1; shift; [ -n "$in" ] || in=/dev/null`,
  ];
  if (facts.cputimeSec !== undefined) {
    lines.push(
      `ulimit -t ${Math.max(1, Math.ceil(facts.cputimeSec))} || { echo "126 0" > $D/rc.${i}; exit 0; }`,
    );
  }
  if (facts.pinCores !== undefined) lines.push(...pinLines(facts.pinCores, facts.pinOffset));
  lines.push(
    `"$@" < "$in" 2> $D/stderr.${i}`,
    `rc=$?; oom=0`,
    // The kernel's count of OOM kills in this container's memory cgroup (v1, then v2).
    `for f in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do`,
    `  if [ -r $f ]; then oom=$($B awk '$1 == "oom_kill" { print $2 }' $f); break; fi`,
    `done`,
    `echo "$rc \${oom:-0}" > $D/rc.${i}`,
    facts.ignoreError ? `exit 0` : `[ $rc -eq 0 ] || : > $D/stop`,
    `exit 0`,
  );
  return lines.join('\n');
}

/** argv of the report step of executor i (of `count`), run in the tools image. */
export function reportCommand(index: number, count: number): string[] {
  const lines = [`D=${POD_DIR}`, `cat $D/stderr.${index} 2>/dev/null`];
  if (index === count - 1) {
    lines.push(`m=; f=0`);
    for (let i = 0; i < count; i++) {
      lines.push(
        `r=$(cat $D/rc.${i} 2>/dev/null); m="$m\${r:--};"`,
        `if [ -n "$r" ]; then set -- $r; f=$1; fi`,
      );
    }
    lines.push(`echo "$m" > /dev/termination-log`, `exit $f`);
  } else {
    lines.push('exit 0');
  }
  return ['/bin/busybox', 'sh', '-c', lines.join('\n')];
}

/** One executor's record from the report step: its exit code and whether an OOM kill happened. */
export interface ExecutorRecord {
  exitCode: number;
  oomKilled: boolean;
}

/** "0 0;3 0;-;" → [{0,false}, {3,false}, null]; entries not there (or malformed) are null. */
export function parseExecutorRecords(message: string, count: number): (ExecutorRecord | null)[] {
  const parts = message.trim().split(';');
  return Array.from({ length: count }, (_, i) => {
    const match = /^(\d+) (\d+)$/.exec((parts[i] ?? '').trim());
    if (!match) return null;
    return { exitCode: Number(match[1]), oomKilled: Number(match[2]) > 0 };
  });
}
