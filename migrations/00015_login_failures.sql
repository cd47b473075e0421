-- +goose Up
-- Wrong passwords per email address, for the admin sign-in's lockout: after a few in a
-- row the address is locked for a time that doubles with each further failure. Kept
-- for unknown addresses too, so a lockout does not tell which addresses have accounts.
CREATE TABLE login_failures (
    email        text PRIMARY KEY,
    failures     integer NOT NULL,
    locked_until timestamptz,
    last_failure timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_last_idx ON login_failures (last_failure);

-- +goose Down
DROP TABLE login_failures;
