-- +goose Up
-- A value set by a rule's set_field action names the rule in its history, as a
-- person's names the person. The name is kept as it was then: history is a record.
ALTER TABLE context_history ADD COLUMN rule_id bigint, ADD COLUMN rule_name text NOT NULL DEFAULT '';

-- What a webhook's receiver answered (the start of its body), shown with the rule's runs.
ALTER TABLE rule_webhook_calls ADD COLUMN response text NOT NULL DEFAULT '';
CREATE INDEX rule_webhook_calls_run_idx ON rule_webhook_calls (workspace_id, run_id);

-- +goose Down
DROP INDEX rule_webhook_calls_run_idx;
ALTER TABLE rule_webhook_calls DROP COLUMN response;
ALTER TABLE context_history DROP COLUMN rule_name, DROP COLUMN rule_id;
