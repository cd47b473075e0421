-- +goose Up
-- A business's account on a provider: a Twilio number, a Telegram bot, a WhatsApp device.
CREATE TABLE channel_accounts (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    kind         text NOT NULL CHECK (kind IN ('twilio', 'telegram', 'whatsapp')),
    name         text NOT NULL DEFAULT '',
    -- What may be shown: the number or sender, the bot's name, the API base URL.
    settings     jsonb NOT NULL DEFAULT '{}',
    -- Tokens, sealed with AES-256-GCM under a key derived from FRONTDESK_SECRET_KEY.
    credentials  bytea NOT NULL,
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pairing', 'error')),
    last_error   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    UNIQUE (id)
);

-- Replies go back through the account the customer last wrote to.
ALTER TABLE conversations ADD COLUMN channel_account_id bigint;
ALTER TABLE conversations ADD FOREIGN KEY (workspace_id, channel_account_id)
    REFERENCES channel_accounts (workspace_id, id) ON DELETE SET NULL (channel_account_id);

-- Why a provider refused or dropped a message (status callbacks).
ALTER TABLE messages ADD COLUMN delivery_error text NOT NULL DEFAULT '';

-- Files and voice notes. A row is written with the message, before the file is fetched
-- from the provider, so a download that fails loses nothing: it stays 'pending' or
-- 'failed' with the provider's reference, and the message is still answered.
CREATE TABLE attachments (
    workspace_id bigint NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    message_id   bigint NOT NULL,
    status       text NOT NULL DEFAULT 'stored' CHECK (status IN ('pending', 'stored', 'failed')),
    -- The provider's reference (a media URL, a Telegram file id) while pending.
    source       text NOT NULL DEFAULT '',
    kind         text NOT NULL DEFAULT 'document' CHECK (kind IN ('image', 'audio', 'video', 'document')),
    file_name    text NOT NULL DEFAULT '',
    content_type text NOT NULL DEFAULT 'application/octet-stream',
    size_bytes   bigint NOT NULL DEFAULT 0,
    blob_key     text NOT NULL DEFAULT '',
    transcript   text,
    error        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, message_id) REFERENCES messages (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX attachments_message_idx ON attachments (workspace_id, message_id);

-- +goose Down
DROP TABLE attachments;
ALTER TABLE messages DROP COLUMN delivery_error;
ALTER TABLE conversations DROP COLUMN channel_account_id;
DROP TABLE channel_accounts;
