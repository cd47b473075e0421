-- +goose Up
-- Each user's choice of e-mail per notification kind; no row means the role's default.
CREATE TABLE notification_preferences (
    workspace_id bigint NOT NULL,
    user_id      bigint NOT NULL,
    kind         text NOT NULL,
    email        boolean NOT NULL,
    PRIMARY KEY (workspace_id, user_id, kind),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);

-- Quiet hours in the workspace's local time, minutes after midnight; start > end crosses
-- midnight. E-mails due inside them wait for the end.
CREATE TABLE notification_quiet_hours (
    workspace_id bigint NOT NULL,
    user_id      bigint NOT NULL,
    start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   smallint NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
    CHECK (start_minute <> end_minute),
    PRIMARY KEY (workspace_id, user_id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);

-- One row per notification and user: the e-mail goes out at most once, and a failure
-- is kept where the owner can see it.
CREATE TABLE notification_emails (
    workspace_id    bigint NOT NULL,
    notification_id bigint NOT NULL,
    user_id         bigint NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'waiting', 'sent', 'failed')),
    due_at          timestamptz,
    attempts        integer NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, notification_id, user_id),
    FOREIGN KEY (workspace_id, notification_id) REFERENCES notifications (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX notification_emails_waiting_idx ON notification_emails (workspace_id, user_id, due_at) WHERE status = 'waiting';

-- +goose Down
DROP TABLE notification_emails;
DROP TABLE notification_quiet_hours;
DROP TABLE notification_preferences;
