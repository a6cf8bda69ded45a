/** The v1 State answer as the client commands read it, and how they print several of them. */

/** One task's state (GET /v1/jobproxy/state[/{id}]); stdout/stderr only in a single-task answer. */
export interface TaskStateAnswer {
  id: string;
  code: string;
  description?: string;
  exitCode?: number | null;
  user?: string;
  framework?: string;
  created?: string;
  started?: string;
  ended?: string;
  stdout?: string;
  stderr?: string;
}

/** The listing answer: `{"state":[State…]}`. */
export interface StatesAnswer {
  state: TaskStateAnswer[];
}

/** The states after which a task never changes again (DESIGN §2). */
export const FINISHED_CODES = new Set(['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED']);

/** Left-aligned columns separated by two spaces, one line per row, a header first. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [header, ...rows].map(line).join('\n') + '\n';
}

/** The id, code and description columns of many states. */
export function formatStates(states: readonly TaskStateAnswer[]): string {
  return formatTable(
    ['ID', 'CODE', 'DESCRIPTION'],
    states.map((s) => [s.id, s.code, s.description ?? '']),
  );
}
