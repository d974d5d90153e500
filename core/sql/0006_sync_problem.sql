-- Schema version 6: the last sync problem as a kind the apps decide on (JSON of
-- qorgau_core::sync::SyncProblem), beside the words kept in last_error for people and logs.

ALTER TABLE sync_state ADD COLUMN last_problem TEXT;
