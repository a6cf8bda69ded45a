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

function main(): void {
  const list = new TaskList((id) => openTask(id));
  const detail = new TaskDetail(notify, () => closeTask());

  function openTask(id: string): void {
    if (taskFromHash() !== id) history.replaceState(null, '', `#task=${encodeURIComponent(id)}`);
    list.select(id);
    void detail.open(id);
  }

  function closeTask(): void {
    const id = detail.openId;
    detail.close();
    list.select(undefined);
    history.replaceState(null, '', location.pathname);
    if (id) document.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(id)}"]`)?.focus();
  }

  let overviewTimer: number | undefined;
  const refreshOverview = (delay = 0): void => {
    window.clearTimeout(overviewTimer);
    overviewTimer = window.setTimeout(() => {
      loadOverview((state) => list.filterState(state))
        .catch((error: Error) => notify(`Reading the overview failed: ${error.message}`, true))
        .finally(() => refreshOverview(OVERVIEW_MS));
    }, delay);
  };

  const loadList = async (): Promise<void> => {
    try {
      const answer = await getJson<{ state: V1State[] }>('/v1/jobproxy/state');
      list.replaceAll(answer.state);
    } catch (error) {
      notify(`Reading the tasks failed: ${(error as Error).message}`, true);
    }
  };

  const live = byId('live');
  openEventStream('/v1/jobproxy/events', {
    onOpen() {
      live.textContent = 'live';
      live.classList.add('up');
      // Whatever changed while we were not connected.
      void loadList();
      refreshOverview();
    },
    onEvent(name, data) {
      if (name === 'state') {
        const event = data as StateEventData;
        list.upsert(event.task);
        if (detail.openId === event.id) void detail.refresh();
      } else if (name === 'deleted') {
        const { id } = data as { id: string };
        list.remove(id);
        if (detail.openId === id) closeTask();
      }
      refreshOverview(1000);
    },
    onDown(reason) {
      live.textContent = `reconnecting (${reason})`;
      live.classList.remove('up');
    },
  });

  byId('token-button').addEventListener('click', () => {
    forgetToken();
    askForToken('Enter the token to use. It is kept for this browser tab only.')
      .then(() => {
        void loadList();
        refreshOverview();
      })
      .catch(() => undefined);
  });

  document.addEventListener('keydown', (event) => {
    const typing = (event.target as HTMLElement).matches('input, select, textarea');
    if (event.key === '/' && !typing) {
      event.preventDefault();
      list.focusSearch();
    } else if (event.key === 'Escape' && detail.openId && !document.querySelector('dialog[open]')) {
      closeTask();
    }
  });
  window.addEventListener('hashchange', () => {
    const id = taskFromHash();
    if (id && id !== detail.openId) openTask(id);
  });

  const initial = taskFromHash();
  if (initial) openTask(initial);
}

main();
