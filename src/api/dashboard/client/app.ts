/**
 * The dashboard page: loads the task list and the overview, follows the event stream, and opens
 * a task's detail from the list or the URL (#task=<id>). Keys: "/" search, Escape close detail.
 */
import type { StateEventData } from '../../events-routes.js';
import type { V1State } from '../../v1-state-view.js';
import { askForToken, forgetToken, getJson } from './api.js';
import { byId } from './dom.js';
import { openEventStream } from './event-stream.js';
import { loadOverview } from './overview.js';
import { TaskDetail } from './task-detail.js';
import { TaskList } from './task-list.js';

/** The overview is redrawn at least this often (the chart's minutes move on). */
const OVERVIEW_MS = 10_000;

let statusTimer: number | undefined;

/** A short message at the bottom of the page (errors stay longer). */
function notify(message: string, error = false): void {
  const status = byId('status');
  status.textContent = message;
  status.classList.toggle('error', error);
  status.hidden = false;
  window.clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => (status.hidden = true), error ? 8000 : 3000);
}

function taskFromHash(): string | undefined {
  const match = /^#task=(.+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** The page: the task list, the open task's detail, the overview, the live event stream. */
class Dashboard {
  private readonly list = new TaskList((id) => this.openTask(id));
  private readonly detail = new TaskDetail(notify, () => this.closeTask());
  private overviewTimer: number | undefined;

  openTask(id: string): void {
    if (taskFromHash() !== id) history.replaceState(null, '', `#task=${encodeURIComponent(id)}`);
    this.list.select(id);
    void this.detail.open(id);
  }

  closeTask(): void {
    const id = this.detail.openId;
    this.detail.close();
    this.list.select(undefined);
    history.replaceState(null, '', location.pathname);
    if (id) document.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(id)}"]`)?.focus();
  }

  refreshOverview(delay = 0): void {
    window.clearTimeout(this.overviewTimer);
    this.overviewTimer = window.setTimeout(() => {
      loadOverview((state) => this.list.filterState(state))
        .catch((error: Error) => notify(`Reading the overview failed: ${error.message}`, true))
        .finally(() => this.refreshOverview(OVERVIEW_MS));
    }, delay);
  }

  async loadList(): Promise<void> {
    try {
      const answer = await getJson<{ state: V1State[] }>('/v1/jobproxy/state');
      this.list.replaceAll(answer.state);
    } catch (error) {
      notify(`Reading the tasks failed: ${(error as Error).message}`, true);
    }
  }

  /** Keeps the list, the detail and the overview current from the event stream. */
  connectEvents(): void {
    const live = byId('live');
    openEventStream('/v1/jobproxy/events', {
      onOpen: () => {
        live.textContent = 'live';
        live.classList.add('up');
        // Whatever changed while we were not connected.
        void this.loadList();
        this.refreshOverview();
      },
      onEvent: (name, data) => this.onEvent(name, data),
      onDown(reason) {
        live.textContent = `reconnecting (${reason})`;
        live.classList.remove('up');
      },
    });
  }

  private onEvent(name: string, data: unknown): void {
    if (name === 'state') {
      const event = data as StateEventData;
      this.list.upsert(event.task);
      if (this.detail.openId === event.id) void this.detail.refresh();
    } else if (name === 'deleted') {
      const { id } = data as { id: string };
      this.list.remove(id);
      if (this.detail.openId === id) this.closeTask();
    }
    this.refreshOverview(1000);
  }

  /** The token button, `/` to search, Escape to close the detail, the #task= address. */
  bindControls(): void {
    byId('token-button').addEventListener('click', () => {
      forgetToken();
      askForToken('Enter the token to use. It is kept for this browser tab only.')
        .then(() => {
          void this.loadList();
          this.refreshOverview();
        })
        .catch(() => undefined);
    });
    document.addEventListener('keydown', (event) => {
      const typing = (event.target as HTMLElement).matches('input, select, textarea');
      if (event.key === '/' && !typing) {
        event.preventDefault();
        this.list.focusSearch();
      } else if (
        event.key === 'Escape' &&
        this.detail.openId &&
        !document.querySelector('dialog[open]')
      ) {
        this.closeTask();
      }
    });
    window.addEventListener('hashchange', () => {
      const id = taskFromHash();
      if (id && id !== this.detail.openId) this.openTask(id);
    });
  }
}

function main(): void {
  const dashboard = new Dashboard();
  dashboard.connectEvents();
  dashboard.bindControls();
  const initial = taskFromHash();
  if (initial) dashboard.openTask(initial);
}

main();
