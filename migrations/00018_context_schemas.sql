-- +goose Up
-- The fields a workspace tracks about its conversations, one row per saved version:
-- a conversation keeps the version its values were filled under.
CREATE TABLE context_schemas (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    version      integer NOT NULL,
    -- Checked by schema.Parse before it is stored.
    definition   jsonb NOT NULL,
    created_by   bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, version)
);

-- conversations.context stays the values map rules read; beside it: who set each
-- value (context_meta: {"field": {"set_by": "ai"|"user"|"rule", "user_id", "confidence", "set_at"}}),
-- the schema version, and the completion and priority the inbox sorts by.
ALTER TABLE conversations
    ADD COLUMN context_version    integer NOT NULL DEFAULT 0,
    ADD COLUMN context_meta       jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN context_completion smallint NOT NULL DEFAULT 0,
    ADD COLUMN context_priority   integer NOT NULL DEFAULT 0;
CREATE INDEX conversations_priority_idx ON conversations (workspace_id, context_priority DESC, last_message_at DESC);

-- Every change of a value: what it was, what it became, and who changed it.
CREATE TABLE context_history (
    workspace_id    bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    conversation_id bigint NOT NULL,
    field           text NOT NULL,
    old_value       jsonb,
    new_value       jsonb,
    set_by          text NOT NULL,
    user_id         bigint,
    confidence      real,
    version         integer NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX context_history_conversation_idx ON context_history (workspace_id, conversation_id, id DESC);

-- +goose Down
DROP TABLE context_history;
DROP INDEX conversations_priority_idx;
ALTER TABLE conversations DROP COLUMN context_version, DROP COLUMN context_meta,
    DROP COLUMN context_completion, DROP COLUMN context_priority;
DROP TABLE context_schemas;
