-- +goose Up
-- The free times a draft offers, and the offer a conversation is waiting on once that
-- draft was sent: the customer's next message may pick one ("2", "the 3:30 one").
ALTER TABLE drafts ADD COLUMN offer jsonb;
ALTER TABLE conversations ADD COLUMN flow jsonb;

-- +goose Down
ALTER TABLE drafts DROP COLUMN offer;
ALTER TABLE conversations DROP COLUMN flow;
