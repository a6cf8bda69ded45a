/**
 * The task table: every visible task, newest first, filtered by state, owner and text, kept
 * current by the event stream. Rows are updated in place (never rebuilt) so focus and selection
 * survive live updates; the arrow keys move between rows and Enter opens one.
 */
import type { V1State } from '../../v1-state-view.js';
import { byId, h, paintState } from './dom.js';
import { formatDuration, shortId, taskTimes } from './format.js';

/** Rows drawn at most; the count says how many more match. */
const MAX_ROWS = 500;
const FINISHED = new Set(['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED']);
export const STATES = [
  'QUEUED',
  'INITIALIZING',
  'RUNNING',
  'CANCELING',
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'CANCELED',
];

interface Row {
  element: HTMLTableRowElement;
  cells: Record<'state' | 'owner' | 'framework' | 'age' | 'duration' | 'desc', HTMLElement>;
  badge: HTMLElement;
}

export class TaskList {
  private readonly tasks = new Map<string, V1State>();
  private readonly rows = new Map<string, Row>();
  private readonly body = byId<HTMLTableSectionElement>('task-rows');
  private readonly stateFilter = byId<HTMLSelectElement>('filter-state');
  private readonly ownerFilter = byId<HTMLSelectElement>('filter-owner');
  private readonly textFilter = byId<HTMLInputElement>('filter-text');
  private selected: string | undefined;
  private renderQueued = false;

  constructor(private readonly onOpen: (id: string) => void) {
    for (const state of STATES) this.stateFilter.append(h('option', { value: state }, state));
    for (const input of [this.stateFilter, this.ownerFilter, this.textFilter]) {
      input.addEventListener('input', () => this.render());
    }
    byId('filters').addEventListener('submit', (event) => event.preventDefault());
    this.body.addEventListener('keydown', (event) => this.onKey(event));
    setInterval(() => this.refreshTimes(), 1000);
  }

  /** Replaces every task (after a (re)connect). */
  replaceAll(tasks: V1State[]): void {
    this.tasks.clear();
    for (const task of tasks) this.tasks.set(task.id, task);
    this.scheduleRender();
  }

  upsert(task: V1State): void {
    this.tasks.set(task.id, task);
    this.scheduleRender();
  }

  remove(id: string): void {
    this.tasks.delete(id);
    this.scheduleRender();
  }

  get(id: string): V1State | undefined {
    return this.tasks.get(id);
  }

  /** Marks the row of the task the detail shows. */
  select(id: string | undefined): void {
    this.selected = id;
    for (const [rowId, row] of this.rows) {
      row.element.setAttribute('aria-selected', String(rowId === id));
    }
  }

  /** Shows only tasks in `state` (the overview's count chips). */
  filterState(state: string): void {
    this.stateFilter.value = this.stateFilter.value === state ? '' : state;
    this.render();
  }

  focusSearch(): void {
    this.textFilter.focus();
    this.textFilter.select();
  }

  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private matching(): V1State[] {
    const state = this.stateFilter.value;
    const owner = this.ownerFilter.value;
    const text = this.textFilter.value.trim().toLowerCase();
    return [...this.tasks.values()]
      .filter((t) => !state || (state === 'unfinished' ? !FINISHED.has(t.code) : t.code === state))
      .filter((t) => !owner || t.user === owner)
      .filter(
        (t) =>
          !text ||
          [t.id, t.user, t.description, t.framework, t.code].some((field) =>
            field.toLowerCase().includes(text),
          ),
      )
      .sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  }

  private render(): void {
    this.updateOwners();
    const matching = this.matching();
    const shown = matching.slice(0, MAX_ROWS);
    const wanted = new Set(shown.map((t) => t.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) {
        row.element.remove();
        this.rows.delete(id);
      }
    }
    // Walk in order, inserting or moving only rows out of place (moving would drop focus).
    let cursor = this.body.firstElementChild;
    for (const task of shown) {
      const row = this.rows.get(task.id) ?? this.createRow(task);
      this.fillRow(row, task);
      if (cursor === row.element) cursor = cursor.nextElementSibling;
      else this.body.insertBefore(row.element, cursor);
    }
    const count = byId('list-count');
    count.textContent =
      matching.length > shown.length
        ? `${shown.length} of ${matching.length} shown (narrow the filter)`
        : `${matching.length} of ${this.tasks.size} tasks`;
    byId('list-empty').hidden = shown.length > 0;
  }

  private createRow(task: V1State): Row {
    const badge = h('span', { class: 'badge' });
    const cell = (cls = ''): HTMLTableCellElement => h('td', cls ? { class: cls } : {});
    const cells = {
      state: cell(),
      owner: cell(),
      framework: cell(),
      age: cell('num'),
      duration: cell('num'),
      desc: cell('desc'),
    };
    cells.state.append(badge);
    const element = h(
      'tr',
      { tabindex: 0, 'data-id': task.id, 'aria-selected': String(task.id === this.selected) },
      h('td', { class: 'id', title: task.id }, shortId(task.id)),
      cells.state,
      cells.owner,
      cells.framework,
      cells.age,
      cells.duration,
      cells.desc,
    );
    element.addEventListener('click', () => this.onOpen(task.id));
    const row = { element, cells, badge };
    this.rows.set(task.id, row);
    return row;
  }

  private fillRow(row: Row, task: V1State): void {
    if (row.badge.textContent !== task.code) {
      row.badge.textContent = task.code;
      paintState(row.badge, task.code);
      row.element.dataset.state = task.code;
    }
    row.cells.owner.textContent = task.user;
    row.cells.framework.textContent = task.framework;
    row.cells.desc.textContent = task.description;
    this.fillTimes(row, task);
  }

  private fillTimes(row: Row, task: V1State): void {
    const { ageMs, durationMs } = taskTimes(task);
    row.cells.age.textContent = formatDuration(ageMs);
    row.cells.duration.textContent = durationMs === undefined ? '–' : formatDuration(durationMs);
  }

  private refreshTimes(): void {
    for (const [id, row] of this.rows) {
      const task = this.tasks.get(id);
      if (task) this.fillTimes(row, task);
    }
  }

  private updateOwners(): void {
    const owners = [...new Set([...this.tasks.values()].map((t) => t.user))].sort();
    const present = [...this.ownerFilter.options].slice(1).map((o) => o.value);
    if (owners.join('\n') === present.join('\n')) return;
    const current = this.ownerFilter.value;
    this.ownerFilter.replaceChildren(
      h('option', { value: '' }, 'all'),
      ...owners.map((owner) => h('option', { value: owner }, owner)),
    );
    this.ownerFilter.value = owners.includes(current) ? current : '';
  }

  private onKey(event: KeyboardEvent): void {
    const row = (event.target as HTMLElement).closest('tr');
    if (!row) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.onOpen(row.dataset.id!);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      (next as HTMLElement | null)?.focus();
    }
  }
}
