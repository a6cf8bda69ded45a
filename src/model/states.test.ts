import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canTransition,
  isTaskState,
  isTerminal,
  TASK_STATES,
  TERMINAL_STATES,
  type TaskState,
} from './states.js';

const FORWARD: TaskState[] = ['QUEUED', 'INITIALIZING', 'RUNNING'];
const OUTCOMES: TaskState[] = ['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR'];

test('the terminal states are the outcomes and CANCELED', () => {
  assert.deepEqual([...TERMINAL_STATES].sort(), [...OUTCOMES, 'CANCELED'].sort());
  for (const state of TASK_STATES)
    assert.equal(isTerminal(state), TERMINAL_STATES.has(state), state);
});

test('a terminal state never changes', () => {
  for (const from of TERMINAL_STATES) {
    for (const to of TASK_STATES) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
  }
});

test('no state moves to itself', () => {
  for (const state of TASK_STATES) assert.equal(canTransition(state, state), false, state);
});

test('the forward path moves ahead, may skip, never back', () => {
  FORWARD.forEach((from, i) => {
    FORWARD.forEach((to, j) => {
      assert.equal(canTransition(from, to), j > i, `${from} → ${to}`);
    });
  });
});

test('every unfinished state may end in any outcome or be canceled', () => {
  for (const from of FORWARD) {
    for (const to of [...OUTCOMES, 'CANCELING'] as TaskState[]) {
      assert.equal(canTransition(from, to), true, `${from} → ${to}`);
    }
  }
});

test('CANCELING only ends: CANCELED, or a real outcome that won the race; never forward again', () => {
  for (const to of TASK_STATES) {
    assert.equal(canTransition('CANCELING', to), isTerminal(to), `CANCELING → ${to}`);
  }
});

test('CANCELED is reached only through CANCELING (or straight from an unfinished state)', () => {
  for (const from of TASK_STATES) {
    assert.equal(canTransition(from, 'CANCELED'), !isTerminal(from), `${from} → CANCELED`);
  }
});

test('isTaskState knows exactly the state names', () => {
  for (const state of TASK_STATES) assert.ok(isTaskState(state));
  for (const name of ['queued', 'DONE', '', 'RUNNING '])
    assert.equal(isTaskState(name), false, name);
});
