// Package tracking keeps the facts tracked about conversations: the workspace's
// versioned context schema, each conversation's values with who set them and how sure
// they were, the history of every change, and the extraction that fills values from
// messages. Field definitions themselves are in conversation/schema.
package tracking

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
	"github.com/frontdesk/frontdesk/rules"
)

//go:embed queries.sql
var queriesSQL string

// ErrNotFound is returned for a conversation or version the workspace does not have.
var ErrNotFound = errors.New("not found")

// RuleFirer queues the workspace's rules for a change in the transaction that records it,
// with the changed facts as they were before.
type RuleFirer interface {
	FireChangeTx(ctx context.Context, tx pgx.Tx, ws, conversationID int64, t rules.Trigger, before map[string]any) error
}

// Options are the Store's dependencies.
type Options struct {
	Log *slog.Logger
	// Rules hear context_changed; nil runs none.
	Rules RuleFirer
	// AI extracts fields with a model when set; without it, or when it fails, the
	// offline extraction runs.
	AI  FieldExtractor
	Now func() time.Time
}

// Store keeps schemas, values and history.
type Store struct {
	Options
	q queries
}

type queries struct {
	LockVersions, Current, Version, Versions, InsertVersion, FilledConversations, ScoreEmpty string
	LockContext, ReadContext, WriteContext, InsertHistory, History, FillCounts, CountActive  string
	InboundText, Region                                                                      string
}

// New loads the store's queries.
func New(opts Options) (*Store, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{Options: opts}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("tracking: %w", err)
	}
	return s, nil
}

// Version is one saved schema.
type Version struct {
	Number    int           `json:"version"`
	Schema    schema.Schema `json:"schema"`
	CreatedBy int64         `json:"created_by,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
}

// VersionInfo summarises a saved version.
type VersionInfo struct {
	Number    int   `json:"version"`
	Fields    int   `json:"fields"`
	CreatedBy int64 `json:"created_by,omitempty"`
	// CreatedByName is the person's name; empty for a version saved by the system (the
	// demo's seed) or by someone since removed.
	CreatedByName string    `json:"created_by_name,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

func scanVersion(row pgx.Row) (Version, error) {
	var v Version
	var by *int64
	if err := row.Scan(&v.Number, &v.Schema, &by, &v.CreatedAt); err != nil {
		return v, err
	}
	if by != nil {
		v.CreatedBy = *by
	}
	return v, nil
}

// Current is the workspace's newest schema; a workspace that never saved one has
// version 0 with no fields.
func (s *Store) Current(ctx context.Context, db database.DBTX, ws int64) (Version, error) {
	v, err := scanVersion(db.QueryRow(ctx, s.q.Current, ws))
	if errors.Is(err, pgx.ErrNoRows) {
		return Version{Schema: schema.Schema{Fields: []schema.Field{}}}, nil
	}
	if err != nil {
		return v, fmt.Errorf("tracking: current schema of workspace %d: %w", ws, err)
	}
	return v, nil
}

// Version reads one saved version.
func (s *Store) Version(ctx context.Context, db database.DBTX, ws int64, n int) (Version, error) {
	v, err := scanVersion(db.QueryRow(ctx, s.q.Version, ws, n))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("tracking: version %d: %w", n, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("tracking: version %d of workspace %d: %w", n, ws, err)
	}
	return v, nil
}

// Versions lists the saved versions, newest first.
func (s *Store) Versions(ctx context.Context, db database.DBTX, ws int64) ([]VersionInfo, error) {
	rows, err := db.Query(ctx, s.q.Versions, ws)
	if err != nil {
		return nil, fmt.Errorf("tracking: versions of workspace %d: %w", ws, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (VersionInfo, error) {
		var v VersionInfo
		var by *int64
		err := r.Scan(&v.Number, &v.Fields, &by, &v.CreatedByName, &v.CreatedAt)
		if by != nil {
			v.CreatedBy = *by
		}
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("tracking: versions of workspace %d: %w", ws, err)
	}
	return out, nil
}

// Saved is the result of saving a version: the version, the fields whose type
// changed, and the values that failed to convert (and were dropped).
type Saved struct {
	Version  Version         `json:"version"`
	Changes  []schema.Change `json:"changes"`
	Failures []ConvFailure   `json:"failures"`
}

// ConvFailure is a value of one conversation that did not convert.
type ConvFailure struct {
	ConversationID int64 `json:"conversation_id"`
	schema.Failure
}

// Save stores next as the workspace's new version. A field whose type changes needs a
// choice (convert or drop) in choices, else nothing is saved and the error names the
// field's path. Values of changed fields are migrated, and every conversation's
// completion and priority is recomputed under the new version.
func (s *Store) Save(ctx context.Context, pool *pgxpool.Pool, ws, userID int64, next schema.Schema, choices map[string]schema.Choice, region string) (Saved, error) {
	return s.save(ctx, pool, ws, userID, next, choices, region, false)
}

// errPreview rolls a preview's transaction back.
var errPreview = errors.New("preview")

// Preview is what Save would do, saving nothing: the changed fields and, for those
// without a choice, the values that would fail to convert.
func (s *Store) Preview(ctx context.Context, pool *pgxpool.Pool, ws int64, next schema.Schema, choices map[string]schema.Choice, region string) (Saved, error) {
	return s.save(ctx, pool, ws, 0, next, choices, region, true)
}

func (s *Store) save(ctx context.Context, pool *pgxpool.Pool, ws, userID int64, next schema.Schema, choices map[string]schema.Choice, region string, preview bool) (Saved, error) {
	if err := next.Check(); err != nil {
		return Saved{}, err
	}
	if next.Fields == nil {
		next.Fields = []schema.Field{}
	}
	var out Saved
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		out = Saved{Changes: []schema.Change{}, Failures: []ConvFailure{}}
		if _, err := tx.Exec(ctx, s.q.LockVersions, ws); err != nil {
			return fmt.Errorf("tracking: lock schema of workspace %d: %w", ws, err)
		}
		prev, err := s.Current(ctx, tx, ws)
		if err != nil {
			return err
		}
		if changes := schema.Changes(prev.Schema, next); len(changes) > 0 {
			out.Changes = changes
		}
		if preview {
			all := map[string]schema.Choice{}
			for _, c := range out.Changes {
				all[c.Key] = cmp.Or(choices[c.Key], schema.Convert)
			}
			choices = all
		}
		if err := schema.RequireChoices(out.Changes, choices); err != nil {
			return err
		}
		def, err := json.Marshal(next)
		if err != nil {
			return err
		}
		v := Version{Number: prev.Number + 1, Schema: next, CreatedBy: userID}
		if err := tx.QueryRow(ctx, s.q.InsertVersion, ws, v.Number, def, userID).Scan(&v.CreatedAt); err != nil {
			return fmt.Errorf("tracking: save schema of workspace %d: %w", ws, err)
		}
		out.Version = v
		if out.Failures, err = s.rescore(ctx, tx, ws, v, out.Changes, choices, region); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, s.q.ScoreEmpty, ws, next.Completion(map[string]any{}), next.Score(map[string]any{})); err != nil {
			return err
		}
		if preview {
			return errPreview
		}
		return nil
	})
	if errors.Is(err, errPreview) {
		err = nil
	}
	return out, err
}

// rescore migrates changed fields' values and recomputes completion and priority of the
// workspace's conversations with values.
func (s *Store) rescore(ctx context.Context, tx pgx.Tx, ws int64, v Version, changes []schema.Change, choices map[string]schema.Choice, region string) ([]ConvFailure, error) {
	rows, err := tx.Query(ctx, s.q.FilledConversations, ws)
	if err != nil {
		return nil, fmt.Errorf("tracking: read values of workspace %d: %w", ws, err)
	}
	type filled struct {
		id     int64
		values map[string]any
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (filled, error) {
		var f filled
		err := r.Scan(&f.id, &f.values)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("tracking: read values of workspace %d: %w", ws, err)
	}
	failures := []ConvFailure{}
	for _, f := range list {
		c, err := s.lock(ctx, tx, ws, f.id)
		if err != nil {
			return nil, err
		}
		values, failed := schema.Migrate(v.Schema, changes, choices, c.Values, region)
		for _, x := range failed {
			failures = append(failures, ConvFailure{ConversationID: f.id, Failure: x})
		}
		version := c.Version
		for _, ch := range changes {
			old, had := c.Values[ch.Key]
			if !had {
				continue
			}
			// A converted conversation now reads under the new version.
			version = v.Number
			nv := values[ch.Key]
			if err := s.history(ctx, tx, ws, f.id, ch.Key, old, nv, Setter{By: "migration"}, v.Number); err != nil {
				return nil, err
			}
			if nv == nil {
				delete(c.Meta, ch.Key)
			}
		}
		c.Values, c.Version = values, version
		if err := s.write(ctx, tx, ws, f.id, c, v.Schema); err != nil {
			return nil, err
		}
	}
	return failures, nil
}
