-- +goose Up
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE workspaces (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name                text NOT NULL CHECK (name <> ''),
    timezone            text NOT NULL DEFAULT 'UTC',
    phone_region        text NOT NULL DEFAULT 'US' CHECK (phone_region ~ '^[A-Z]{2}$'),
    language            text NOT NULL DEFAULT 'english',
    assistant_name      text NOT NULL DEFAULT 'Ava',
    role                text NOT NULL DEFAULT 'receptionist',
    personality         text NOT NULL DEFAULT 'friendly',
    custom_instructions text NOT NULL DEFAULT '',
    approval_mode       text NOT NULL DEFAULT 'review_all'
                        CHECK (approval_mode IN ('review_all', 'auto_threshold', 'auto_all')),
    approval_threshold  real NOT NULL DEFAULT 0.85 CHECK (approval_threshold BETWEEN 0 AND 1),
    auto_intents        text[] NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    email         text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    name          text NOT NULL DEFAULT '',
    role          text NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'staff')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    UNIQUE (id)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE user_sessions (
    workspace_id bigint NOT NULL,
    token_hash   bytea NOT NULL PRIMARY KEY,
    user_id      bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE api_tokens (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    token_hash   bytea NOT NULL UNIQUE,
    name         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE contacts (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    phone        text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    name         text NOT NULL DEFAULT '',
    email        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, phone)
);

-- A contact's address on one channel (a Telegram chat id, a WhatsApp JID, a phone).
CREATE TABLE contact_addresses (
    workspace_id bigint NOT NULL,
    channel      text NOT NULL,
    address      text NOT NULL,
    contact_id   bigint NOT NULL,
    PRIMARY KEY (workspace_id, channel, address),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE conversations (
    workspace_id    bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    contact_id      bigint NOT NULL,
    channel         text NOT NULL,
    status          text NOT NULL DEFAULT 'open',
    needs_human     boolean NOT NULL DEFAULT false,
    last_message_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
-- One open conversation per contact and channel.
CREATE UNIQUE INDEX conversations_open_key ON conversations (workspace_id, contact_id, channel)
    WHERE status <> 'closed';
CREATE INDEX conversations_recent_idx ON conversations (workspace_id, last_message_at DESC);

CREATE TABLE messages (
    workspace_id    bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    conversation_id bigint NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    sender_type     text NOT NULL CHECK (sender_type IN ('contact', 'ai', 'user', 'system')),
    channel         text NOT NULL,
    text            text NOT NULL DEFAULT '',
    external_id     text,
    draft_id        bigint,
    is_ai_generated boolean NOT NULL DEFAULT false,
    delivery_status text NOT NULL DEFAULT 'received',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations (workspace_id, id) ON DELETE CASCADE
);
-- A redelivered webhook carries the same external id: the insert becomes a no-op.
CREATE UNIQUE INDEX messages_external_key ON messages (workspace_id, channel, direction, external_id)
    WHERE external_id IS NOT NULL;
-- One outbound message per draft: a reply is never sent twice.
CREATE UNIQUE INDEX messages_draft_key ON messages (workspace_id, draft_id) WHERE draft_id IS NOT NULL;
CREATE INDEX messages_conversation_idx ON messages (workspace_id, conversation_id, id);

CREATE TABLE drafts (
    workspace_id    bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    conversation_id bigint NOT NULL,
    message_id      bigint NOT NULL,
    content         text NOT NULL,
    original        text NOT NULL,
    intent          text NOT NULL,
    confidence      real NOT NULL,
    sources         jsonb NOT NULL DEFAULT '[]',
    provider        text NOT NULL,
    needs_human     boolean NOT NULL DEFAULT false,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'edited', 'rejected', 'superseded', 'sending', 'sent', 'failed')),
    decided_by      bigint,
    decided_at      timestamptz,
    sent_at         timestamptz,
    error           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, message_id),
    FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX drafts_pending_idx ON drafts (workspace_id, created_at) WHERE status = 'pending';

CREATE TABLE audit_log (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    actor        text NOT NULL,
    action       text NOT NULL,
    object_type  text NOT NULL,
    object_id    bigint,
    detail       jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE portal_links (
    workspace_id bigint NOT NULL,
    token_hash   bytea NOT NULL PRIMARY KEY,
    contact_id   bigint NOT NULL,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE portal_codes (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    phone        text NOT NULL,
    code_hash    bytea NOT NULL,
    attempts     int NOT NULL DEFAULT 0,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, phone)
);

CREATE TABLE portal_sessions (
    workspace_id bigint NOT NULL,
    token_hash   bytea NOT NULL PRIMARY KEY,
    contact_id   bigint NOT NULL,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);

CREATE TABLE kb_documents (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    title        text NOT NULL,
    kind         text NOT NULL DEFAULT 'text',
    status       text NOT NULL DEFAULT 'ready',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE kb_chunks (
    workspace_id    bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    document_id     bigint NOT NULL,
    position        int NOT NULL,
    heading         text NOT NULL DEFAULT '',
    content         text NOT NULL,
    language        regconfig NOT NULL DEFAULT 'english',
    tsv             tsvector GENERATED ALWAYS AS (to_tsvector(language, heading || ' ' || content)) STORED,
    embedding       vector,
    embedding_model text,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, document_id) REFERENCES kb_documents (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX kb_chunks_tsv_idx ON kb_chunks USING gin (tsv);

-- Weekly opening hours; resource_id is null for the business as a whole.
CREATE TABLE availability_rules (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    weekday      smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens_at     time NOT NULL,
    closes_at    time NOT NULL CHECK (closes_at > opens_at),
    PRIMARY KEY (workspace_id, id)
);

-- +goose Down
DROP TABLE availability_rules, kb_chunks, kb_documents, portal_sessions, portal_codes, portal_links,
    audit_log, drafts, messages, conversations, contact_addresses, contacts, api_tokens,
    user_sessions, users, workspaces;
