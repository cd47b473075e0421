package booking

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/frontdesk/frontdesk/internal/database"
)

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`) //nolint:gochecknoglobals // compiled once

// Service is something a customer books: how long it takes, the time kept free before
// and after it, its price, and the resources that can perform it.
type Service struct {
	ID                  int64   `json:"id"`
	Name                string  `json:"name"`
	Description         string  `json:"description"`
	DurationMinutes     int     `json:"duration_minutes"`
	BufferBeforeMinutes int     `json:"buffer_before_minutes"`
	BufferAfterMinutes  int     `json:"buffer_after_minutes"`
	PriceCents          *int64  `json:"price_cents"`
	Currency            string  `json:"currency"`
	Active              bool    `json:"active"`
	ResourceIDs         []int64 `json:"resource_ids"`
}

// Validate checks what a person enters.
func (sv Service) Validate() error {
	bad := ValidationError{}
	if n := strings.TrimSpace(sv.Name); n == "" || len(n) > 200 {
		bad["name"] = "a name of 1 to 200 characters is required"
	}
	if sv.DurationMinutes < 5 || sv.DurationMinutes > 1440 {
		bad["duration_minutes"] = "must be from 5 to 1440 minutes"
	}
	if sv.BufferBeforeMinutes < 0 || sv.BufferBeforeMinutes > 240 {
		bad["buffer_before_minutes"] = "must be from 0 to 240 minutes"
	}
	if sv.BufferAfterMinutes < 0 || sv.BufferAfterMinutes > 240 {
		bad["buffer_after_minutes"] = "must be from 0 to 240 minutes"
	}
	if sv.PriceCents != nil && *sv.PriceCents < 0 {
		bad["price"] = "must not be negative"
	}
	if !currencyPattern.MatchString(sv.Currency) {
		bad["currency"] = fmt.Sprintf("%q is not a three-letter currency code such as GBP", sv.Currency)
	}
	if len(bad) > 0 {
		return bad
	}
	return nil
}

func (sv Service) duration() time.Duration { return time.Duration(sv.DurationMinutes) * time.Minute }

// CreateService adds a service. Without resources it is performed by the workspace's
// default resource.
func (s *Store) CreateService(ctx context.Context, db TxBeginner, ws int64, sv Service) (Service, error) {
	sv.Name, sv.Description = strings.TrimSpace(sv.Name), strings.TrimSpace(sv.Description)
	if sv.Currency == "" {
		sv.Currency = "USD"
	}
	if err := sv.Validate(); err != nil {
		return Service{}, err
	}
	if len(sv.ResourceIDs) == 0 {
		var def int64
		if err := db.QueryRow(ctx, s.q.DefaultResource, ws).Scan(&def); err != nil {
			return Service{}, fmt.Errorf("booking: default resource: %w", err)
		}
		sv.ResourceIDs = []int64{def}
	}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, s.q.InsertService, ws, sv.Name, sv.Description, sv.DurationMinutes,
			sv.BufferBeforeMinutes, sv.BufferAfterMinutes, sv.PriceCents, sv.Currency).Scan(&sv.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, s.q.LinkServiceResources, ws, sv.ID, sv.ResourceIDs)
		return err
	})
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.ConstraintName == "services_name_key":
		return Service{}, ValidationError{"name": fmt.Sprintf("a service named %q exists already", sv.Name)}
	case errors.As(err, &pgErr) && pgErr.Code == "23503":
		return Service{}, ValidationError{"resource_ids": "names a resource this business does not have"}
	case err != nil:
		return Service{}, fmt.Errorf("booking: create service %q: %w", sv.Name, err)
	}
	sv.Active = true
	return sv, nil
}

func scanService(row pgx.Row) (Service, error) {
	var sv Service
	err := row.Scan(&sv.ID, &sv.Name, &sv.Description, &sv.DurationMinutes, &sv.BufferBeforeMinutes,
		&sv.BufferAfterMinutes, &sv.PriceCents, &sv.Currency, &sv.Active, &sv.ResourceIDs)
	return sv, err
}

// Services lists the workspace's active services by name.
func (s *Store) Services(ctx context.Context, db database.DBTX, ws int64) ([]Service, error) {
	rows, err := db.Query(ctx, s.q.ListServices, ws)
	if err != nil {
		return nil, fmt.Errorf("booking: list services: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Service, error) { return scanService(row) })
	if err != nil {
		return nil, fmt.Errorf("booking: list services: %w", err)
	}
	return out, nil
}

// Service returns one service, active or not.
func (s *Store) Service(ctx context.Context, db database.DBTX, ws, id int64) (Service, error) {
	sv, err := scanService(db.QueryRow(ctx, s.q.GetService, ws, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Service{}, fmt.Errorf("booking: service %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Service{}, fmt.Errorf("booking: service %d: %w", id, err)
	}
	return sv, nil
}

// Resource is a member of staff or a room that appointments hold.
type Resource struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	IsDefault bool   `json:"is_default"`
}

// Resources lists the workspace's active resources, the default first.
func (s *Store) Resources(ctx context.Context, db database.DBTX, ws int64) ([]Resource, error) {
	rows, err := db.Query(ctx, s.q.ListResources, ws)
	if err != nil {
		return nil, fmt.Errorf("booking: list resources: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Resource])
	if err != nil {
		return nil, fmt.Errorf("booking: list resources: %w", err)
	}
	return out, nil
}
