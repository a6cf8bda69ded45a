-- Tasks of both APIs. seq is the submit order and the stable listing order; id is public.
CREATE TABLE tasks (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT    NOT NULL UNIQUE,
  user         TEXT    NOT NULL,
  framework    TEXT    NOT NULL,
  origin       TEXT    NOT NULL,
  name         TEXT,
  state        TEXT    NOT NULL,
  description  TEXT    NOT NULL DEFAULT '',
  exit_code    INTEGER,
  job_id       TEXT,
  spec         TEXT    NOT NULL,
  log_paths    TEXT    NOT NULL,
  results      TEXT    NOT NULL DEFAULT '[]',
  system_logs  TEXT    NOT NULL DEFAULT '[]',
  created      TEXT    NOT NULL,
  started      TEXT,
  ended        TEXT
);
CREATE INDEX tasks_by_state ON tasks (state, seq);
CREATE INDEX tasks_by_user ON tasks (user, seq);

-- TES tags, one row each, so tag filters are an index lookup.
CREATE TABLE task_tags (
  task_seq INTEGER NOT NULL REFERENCES tasks (seq) ON DELETE CASCADE,
  key      TEXT    NOT NULL,
  value    TEXT    NOT NULL,
  PRIMARY KEY (task_seq, key)
);
CREATE INDEX task_tags_by_key ON task_tags (key, value);
