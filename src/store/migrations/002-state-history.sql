-- Every state a task entered, with when the server recorded it: the detail view's history, the
-- dashboard's chart of tasks per state. Written in the same transaction as the state itself.
CREATE TABLE task_states (
  task_seq INTEGER NOT NULL REFERENCES tasks (seq) ON DELETE CASCADE,
  state    TEXT    NOT NULL,
  at       TEXT    NOT NULL
);
CREATE INDEX task_states_by_task ON task_states (task_seq, at);
CREATE INDEX task_states_by_time ON task_states (at);

-- Tasks stored before this table existed: their creation, and the state they are in now.
INSERT INTO task_states (task_seq, state, at) SELECT seq, 'QUEUED', created FROM tasks;
INSERT INTO task_states (task_seq, state, at)
  SELECT seq, state, coalesce(ended, started, created) FROM tasks WHERE state <> 'QUEUED';
