-- +goose Up
-- A value set by a rule's set_field action names the rule in its history, as a
-- person's names the person. The name is kept as it was then: history is a record.
ALTER TABLE context_history ADD COLUMN rule_id bigint, ADD COLUMN rule_name text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE context_history DROP COLUMN rule_name, DROP COLUMN rule_id;
