-- +goose Up
-- What rules read and change on a conversation: its place in the workflow, its tags,
-- the facts tracked about it, and who looks after it.
ALTER TABLE conversations
    ADD COLUMN workflow_status text NOT NULL DEFAULT 'new',
    ADD COLUMN tags            text[] NOT NULL DEFAULT '{}',
    ADD COLUMN context         jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN assigned_to     bigint;

CREATE TABLE rules (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    name         text NOT NULL,
    trigger      text NOT NULL,
    priority     integer NOT NULL DEFAULT 0,
    -- time_elapsed rules: how long a conversation must be quiet.
    after_seconds integer,
    enabled      boolean NOT NULL DEFAULT true,
    -- The whole rule as the owner wrote it, checked by rules.Parse before it is stored.
    definition   jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX rules_trigger_idx ON rules (workspace_id, trigger, priority DESC) WHERE enabled;

-- Every evaluation of a rule: whether it matched, what it did, how long it took.
CREATE TABLE rule_runs (
    workspace_id    bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    rule_id         bigint NOT NULL,
    conversation_id bigint NOT NULL,
    trigger         text NOT NULL,
    matched         boolean NOT NULL,
    actions         jsonb NOT NULL DEFAULT '[]',
    error           text NOT NULL DEFAULT '',
    duration_us     integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, rule_id) REFERENCES rules (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX rule_runs_rule_idx ON rule_runs (workspace_id, rule_id, id DESC);
-- time_elapsed rules run once per quiet spell: this finds an earlier run.
CREATE INDEX rule_runs_conversation_idx ON rule_runs (workspace_id, conversation_id, rule_id, created_at);

-- Each attempt to deliver a webhook action, with what the receiver answered.
CREATE TABLE rule_webhook_calls (
    workspace_id bigint NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    run_id       bigint NOT NULL,
    url          text NOT NULL,
    attempt      integer NOT NULL,
    status_code  integer NOT NULL DEFAULT 0,
    error        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, run_id) REFERENCES rule_runs (workspace_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE rule_webhook_calls;
DROP TABLE rule_runs;
DROP TABLE rules;
ALTER TABLE conversations DROP COLUMN workflow_status, DROP COLUMN tags, DROP COLUMN context, DROP COLUMN assigned_to;
