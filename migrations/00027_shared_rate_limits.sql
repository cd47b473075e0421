-- +goose Up
-- Rate limits every node draws on together (a Twilio number's sends): per key, the
-- generic cell rate algorithm's theoretical arrival time, one timestamp. Not a
-- workspace's data: keys name channel accounts, like River's tables they are global.
CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    tat timestamptz NOT NULL
);

-- +goose Down
DROP TABLE rate_limits;
