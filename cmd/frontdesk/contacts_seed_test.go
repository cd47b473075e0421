package main

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// seeder inserts a workspace's contacts, conversations, messages, drafts and
// appointments at chosen times, straight into the tables, so figures can be worked out
// by hand. Nothing is queued: the pipeline never sees these rows.
type seeder struct {
	t    *testing.T
	pool *pgxpool.Pool
	ws   int64
}

func (s seeder) id(sql string, args ...any) int64 {
	s.t.Helper()
	var id int64
	require.NoError(s.t, s.pool.QueryRow(context.Background(), sql, args...).Scan(&id), sql)
	return id
}

func (s seeder) exec(sql string, args ...any) {
	s.t.Helper()
	_, err := s.pool.Exec(context.Background(), sql, args...)
	require.NoError(s.t, err, sql)
}

func (s seeder) contact(name, phone, email string) int64 {
	var p *string
	if phone != "" {
		p = &phone
	}
	return s.id(`INSERT INTO contacts (workspace_id, name, phone, email) VALUES ($1, $2, $3, $4) RETURNING id`, s.ws, name, p, email)
}

func (s seeder) address(contact int64, channel, address string) {
	s.exec(`INSERT INTO contact_addresses (workspace_id, channel, address, contact_id) VALUES ($1, $2, $3, $4)`, s.ws, channel, address, contact)
}

func (s seeder) conversation(contact int64, channel string, at time.Time) int64 {
	return s.id(`INSERT INTO conversations (workspace_id, contact_id, channel, created_at, last_message_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING id`, s.ws, contact, channel, at)
}

func (s seeder) message(conv int64, direction, text string, at time.Time) int64 {
	sender := "contact"
	if direction == "outbound" {
		sender = "user"
	}
	return s.id(`INSERT INTO messages (workspace_id, conversation_id, direction, sender_type, channel, text, created_at)
		SELECT $1, $2, $3, $4, c.channel, $5, $6 FROM conversations c WHERE c.workspace_id = $1 AND c.id = $2
		RETURNING id`, s.ws, conv, direction, sender, text, at)
}

// draft answers message msg; decided is nil for a draft no person decided.
func (s seeder) draft(conv, msg int64, intent, status, content, original string, at time.Time, decided *time.Time) int64 {
	return s.id(`INSERT INTO drafts (workspace_id, conversation_id, message_id, content, original, intent, confidence,
		provider, status, created_at, decided_at) VALUES ($1, $2, $3, $4, $5, $6, 0.9, 'test', $7, $8, $9) RETURNING id`,
		s.ws, conv, msg, content, original, intent, status, at, decided)
}

func (s seeder) service(name string) int64 {
	return s.id(`INSERT INTO services (workspace_id, name, duration_minutes) VALUES ($1, $2, 30) RETURNING id`, s.ws, name)
}

func (s seeder) appointment(contact, service int64, status, notes string, start, created time.Time) int64 {
	return s.id(`INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, status, starts_at, ends_at,
		during, notes, created_at)
		SELECT $1, r.id, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '30 minutes',
			tstzrange($5::timestamptz, $5::timestamptz + interval '30 minutes'), $6, $7
		FROM resources r WHERE r.workspace_id = $1 AND r.is_default RETURNING id`,
		s.ws, service, contact, status, start, notes, created)
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }
