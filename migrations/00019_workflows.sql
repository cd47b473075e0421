-- +goose Up
-- Each workspace's status workflow: its statuses, the moves allowed between them, and
-- the automatic moves (kept as rules, flagged workflow, so one engine runs them all).
CREATE TABLE workflows (
    workspace_id bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    definition   jsonb NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE rules ADD COLUMN workflow boolean NOT NULL DEFAULT false;

-- Every change of a conversation's workflow status, by a person or a rule: the funnel.
CREATE TABLE status_changes (
    workspace_id    bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    conversation_id bigint NOT NULL,
    from_status     text NOT NULL,
    to_status       text NOT NULL,
    -- person or rule
    source          text NOT NULL,
    user_id         bigint,
    rule_id         bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX status_changes_created_idx ON status_changes (workspace_id, created_at);

-- Retention deletes old runs by age.
CREATE INDEX rule_runs_created_idx ON rule_runs (created_at);

-- +goose Down
DROP INDEX rule_runs_created_idx;
DROP TABLE status_changes;
ALTER TABLE rules DROP COLUMN workflow;
DROP TABLE workflows;
