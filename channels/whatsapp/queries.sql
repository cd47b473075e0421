-- name: TryLock
-- A session lock: it lasts while the connection that took it lives, so a node that
-- dies lets go of its devices with its connection.
SELECT pg_try_advisory_lock($1);

-- name: Unlock
SELECT pg_advisory_unlock($1);

-- name: UpgradeLock
-- Held by the transaction that brings whatsmeow's tables up to date.
SELECT pg_advisory_xact_lock($1);
