/**
 * Grid Engine's job states and accounting failure codes, and what they mean to the batch engine.
 * A qstat state is a string of letters (qstat(1) "state": d(eletion), E(rror), h(old),
 * r(unning), R(estarted), s(uspended), S(uspended by queue), t(ransferring), T(hreshold),
 * w(aiting), q(ueued)); the most telling letter decides.
 */
import type { JobMeaning } from '../batch/scheduler.js';

/** qstat(1) state letters, most telling first. */
export const QSTAT_STATE_LETTERS: readonly (readonly [string, JobMeaning])[] = [
  // Error: the job will not run until the error is cleared (e.g. an unwritable output path).
  ['E', 'stuck'],
  // Being deleted: still running until the kill lands.
  ['d', 'running'],
  ['s', 'suspended'],
  ['S', 'suspended'],
  ['T', 'suspended'],
  ['r', 'running'],
  ['t', 'starting'],
  ['h', 'queued'],
  ['w', 'queued'],
  ['q', 'queued'],
];

/** The meaning of a qstat state such as "qw", "r", "Eqw", "dr"; unknown letters count as running. */
export function meaningOfQstatState(state: string): JobMeaning {
  for (const [letter, meaning] of QSTAT_STATE_LETTERS) if (state.includes(letter)) return meaning;
  return 'running';
}

/**
 * qacct(1) "failed" codes (accounting(5); the execd's shepherd exit codes) that say more than
 * "ended": 37 is a limit the execd enforced; 1–36 and 38 mean the job failed before or while it
 * was being started, i.e. the scheduler could not run it. 0 and 100 ("assumedly after job") leave
 * the outcome to the exit status.
 */
export const QACCT_FAILED_CODES: Readonly<Record<number, JobMeaning>> = {
  37: 'limit',
};

/** The meaning of a qacct record from its failed code. */
export function meaningOfQacctFailure(failed: number): JobMeaning {
  if (QACCT_FAILED_CODES[failed]) return QACCT_FAILED_CODES[failed]!;
  if (failed === 0 || failed === 100) return 'ended';
  return 'system-failure';
}
