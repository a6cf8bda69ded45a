/**
 * The task detail: facts, exit code, stdout/stderr tails (followed live while the task runs),
 * the state history and the spec; cancel and delete, each confirmed first.
 */
import type { V1State } from '../../v1-state-view.js';
import { ApiError, getJson, send } from './api.js';
import { byId, h, paintState } from './dom.js';
import { formatDuration, formatTime } from './format.js';

/** What GET /v1/jobproxy/detail/{id} answers. */
export interface TaskDetailAnswer {
  state: V1State;
  spec: unknown;
  history: { state: string; at: string }[];
  jobId: string | null;
  systemLogs: string[];
}

const FINISHED = new Set(['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED']);
/** How often the outputs are read again while the task runs. */
const FOLLOW_MS = 1000;

/** Asks a yes/no question in the confirm dialog; resolves true for OK. */
export function confirmAction(question: string, ok: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm-dialog');
  byId('confirm-text').textContent = question;
  byId('confirm-ok').textContent = ok;
  dialog.returnValue = '';
  dialog.showModal();
  byId('confirm-ok').focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

export class TaskDetail {
  private id: string | undefined;
  private timer: number | undefined;
  private loading = false;
  private readonly panel = byId('detail');

  constructor(
    private readonly notify: (message: string, error?: boolean) => void,
    private readonly onClose: () => void,
  ) {
    byId('close-button').addEventListener('click', () => this.onClose());
    byId('cancel-button').addEventListener('click', () => void this.cancel());
    byId('delete-button').addEventListener('click', () => void this.remove());
  }

  get openId(): string | undefined {
    return this.id;
  }

  /** Shows task `id` and follows it while it runs. */
  async open(id: string): Promise<void> {
    const switching = this.id !== id;
    this.id = id;
    this.panel.hidden = false;
    if (switching) {
      for (const part of ['stdout', 'stderr', 'spec']) byId(part).textContent = '';
      byId('detail-title').textContent = id;
    }
    await this.refresh();
    if (switching) this.panel.focus();
  }

  close(): void {
    this.id = undefined;
    window.clearTimeout(this.timer);
    this.panel.hidden = true;
  }

  /** Reads the task again (a state event for it arrived, or the follow timer fired). */
  async refresh(): Promise<void> {
    const id = this.id;
    if (!id || this.loading) return;
    this.loading = true;
    window.clearTimeout(this.timer);
    try {
      const detail = await getJson<TaskDetailAnswer>(
        `/v1/jobproxy/detail/${encodeURIComponent(id)}`,
      );
      if (this.id !== id) return;
      this.render(detail);
      if (!FINISHED.has(detail.state.code)) {
        this.timer = window.setTimeout(() => void this.refresh(), FOLLOW_MS);
      }
    } catch (error) {
      if (this.id !== id) return;
      if (error instanceof ApiError && error.status === 404) {
        this.notify(`Task ${id} no longer exists.`);
        this.onClose();
      } else {
        this.notify(`Reading the task failed: ${(error as Error).message}`, true);
        this.timer = window.setTimeout(() => void this.refresh(), FOLLOW_MS * 3);
      }
    } finally {
      this.loading = false;
    }
  }

  private render(detail: TaskDetailAnswer): void {
    const { state } = detail;
    const running = !FINISHED.has(state.code);
    const badge = byId('detail-state');
    badge.textContent = state.code;
    paintState(badge, state.code);
    byId<HTMLButtonElement>('cancel-button').disabled = !running;
    byId('stdout-follow').textContent = running ? '(following live)' : '';
    const facts: [string, string][] = [
      ['Description', state.description],
      ['Exit code', state.exitCode === undefined ? '–' : String(state.exitCode)],
      ['Owner', state.user],
      [
        'Framework',
        state.framework +
          (detail.jobId && detail.jobId !== state.id ? ` (job ${detail.jobId})` : ''),
      ],
      ['Created', formatTime(state.created)],
      ['Started', formatTime(state.started) || '–'],
      ['Ended', formatTime(state.ended) || '–'],
    ];
    if (detail.systemLogs.length) facts.push(['System log', detail.systemLogs.join('\n')]);
    byId('detail-facts').replaceChildren(
      ...facts.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
    );
    setFollowing(byId('stdout'), state.stdout ?? '');
    setFollowing(byId('stderr'), state.stderr ?? '');
    const first = detail.history[0] ? Date.parse(detail.history[0].at) : 0;
    byId('history-rows').replaceChildren(
      ...detail.history.map((entry) => {
        const badgeCell = h('span', { class: 'badge' }, entry.state);
        paintState(badgeCell, entry.state);
        return h(
          'tr',
          {},
          h('td', {}, badgeCell),
          h('td', { title: entry.at }, formatTime(entry.at)),
          h('td', { class: 'num' }, `+${formatDuration(Date.parse(entry.at) - first)}`),
        );
      }),
    );
    const spec = JSON.stringify(detail.spec, null, 2);
    if (byId('spec').textContent !== spec) byId('spec').textContent = spec;
  }

  private async cancel(): Promise<void> {
    const id = this.id;
    if (
      !id ||
      !(await confirmAction(`Cancel task ${id}? It stops and stays listed.`, 'Cancel task'))
    ) {
      return;
    }
    try {
      await send('POST', `/v1/jobproxy/cancel/${encodeURIComponent(id)}`);
      this.notify(`Task ${id} canceled.`);
      await this.refresh();
    } catch (error) {
      this.notify(`Cancel failed: ${(error as Error).message}`, true);
    }
  }

  private async remove(): Promise<void> {
    const id = this.id;
    const question = `Delete task ${id}? It is stopped if it runs, and removed for good.`;
    if (!id || !(await confirmAction(question, 'Delete'))) return;
    try {
      await send('DELETE', `/v1/jobproxy/delete/${encodeURIComponent(id)}`);
      this.notify(`Task ${id} deleted.`);
      this.onClose();
    } catch (error) {
      this.notify(`Delete failed: ${(error as Error).message}`, true);
    }
  }
}

/** Sets an output's text, staying scrolled to the end if the reader was there (tail -f). */
function setFollowing(element: HTMLElement, text: string): void {
  if (element.textContent === text) return;
  const atEnd = element.scrollTop + element.clientHeight >= element.scrollHeight - 4;
  element.textContent = text;
  if (atEnd) element.scrollTop = element.scrollHeight;
}
