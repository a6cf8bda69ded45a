-- The identity pool: the uid each task owner runs as when no Unix account is mapped to it
-- (local.runAs=pool). Stable for the life of the store; two owners never share a uid.
CREATE TABLE identities (
  owner    TEXT    PRIMARY KEY,
  uid      INTEGER NOT NULL UNIQUE,
  assigned TEXT    NOT NULL
);
