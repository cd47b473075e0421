package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/frontdesk/frontdesk/internal/database"
)

// Resource kinds.
const (
	KindStaff = "staff"
	KindRoom  = "room"
)

func (r Resource) validate() error {
	bad := ValidationError{}
	if n := strings.TrimSpace(r.Name); n == "" || len(n) > 100 {
		bad["name"] = "a name of 1 to 100 characters is required"
	}
	if r.Kind != KindStaff && r.Kind != KindRoom {
		bad["kind"] = "must be staff or room"
	}
	if len(bad) > 0 {
		return bad
	}
	return nil
}

// CreateResource adds a member of staff or a room. It performs no service until
// SetResourceServices says which.
func (s *Store) CreateResource(ctx context.Context, db database.DBTX, ws int64, r Resource) (Resource, error) {
	r.Name = strings.TrimSpace(r.Name)
	if err := r.validate(); err != nil {
		return Resource{}, err
	}
	out := Resource{}
	err := db.QueryRow(ctx, s.q.InsertResource, ws, r.Name, r.Kind).Scan(&out.ID, &out.Name, &out.Kind, &out.IsDefault)
	if err != nil {
		return Resource{}, fmt.Errorf("booking: create resource %q: %w", r.Name, err)
	}
	return out, nil
}

// Resource returns one active resource.
func (s *Store) Resource(ctx context.Context, db database.DBTX, ws, id int64) (Resource, error) {
	var r Resource
	err := db.QueryRow(ctx, s.q.GetResource, ws, id).Scan(&r.ID, &r.Name, &r.Kind, &r.IsDefault)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("booking: resource %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("booking: resource %d: %w", id, err)
	}
	return r, nil
}

// UpdateResource renames a resource or changes its kind.
func (s *Store) UpdateResource(ctx context.Context, db database.DBTX, ws int64, r Resource) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := r.validate(); err != nil {
		return err
	}
	tag, err := db.Exec(ctx, s.q.UpdateResource, ws, r.ID, r.Name, r.Kind)
	if err != nil {
		return fmt.Errorf("booking: update resource %d: %w", r.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("booking: resource %d: %w", r.ID, ErrNotFound)
	}
	return nil
}

// SetResourceServices says which services the resource performs. A service left with
// nobody to perform it is refused (call inside a transaction, which the error rolls back).
func (s *Store) SetResourceServices(ctx context.Context, db database.DBTX, ws, resource int64, services []int64) error {
	if services == nil {
		services = []int64{}
	}
	if _, err := db.Exec(ctx, s.q.UnlinkResourceServices, ws, resource, services); err != nil {
		return fmt.Errorf("booking: resource %d services: %w", resource, err)
	}
	if _, err := db.Exec(ctx, s.q.LinkResourceServices, ws, resource, services); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23503" {
			return ValidationError{"services": "names a service this business does not have"}
		}
		return fmt.Errorf("booking: resource %d services: %w", resource, err)
	}
	rows, err := db.Query(ctx, s.q.ServicesWithoutResource, ws)
	if err != nil {
		return fmt.Errorf("booking: services without resource: %w", err)
	}
	orphans, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("booking: services without resource: %w", err)
	}
	if len(orphans) > 0 {
		return ValidationError{"services": fmt.Sprintf("nobody else performs %s: keep it here, or give it to someone first", strings.Join(orphans, ", "))}
	}
	return nil
}

// SetResourceHours replaces the weekly hours of one resource; with none it follows the
// business's opening hours.
func (s *Store) SetResourceHours(ctx context.Context, db database.DBTX, ws, resource int64, windows []Window) error {
	return s.setHours(ctx, db, ws, &resource, windows)
}

// ResourceHours returns the resource's own weekly hours (empty: it follows the business's).
func (s *Store) ResourceHours(ctx context.Context, db database.DBTX, ws, resource int64) (map[time.Weekday][]Window, error) {
	return s.hours(ctx, db, ws, &resource)
}

// AddException adds one day that differs from the weekly hours, for the business
// (ResourceID nil) or one resource.
func (s *Store) AddException(ctx context.Context, db database.DBTX, ws int64, e Exception) (int64, error) {
	var opens, closes *string
	if !e.Closed {
		if e.Start < 0 || e.End > EndOfDay || e.End <= e.Start {
			return 0, ValidationError{"closes": "must be later than it opens"}
		}
		o, c := e.Start.String(), e.End.String()
		opens, closes = &o, &c
	}
	if len(e.Note) > 200 {
		return 0, ValidationError{"note": "must be at most 200 characters"}
	}
	var id int64
	err := db.QueryRow(ctx, s.q.AddException, ws, e.ResourceID, e.Day, e.Closed, opens, closes, strings.TrimSpace(e.Note)).Scan(&id)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return 0, ValidationError{"resource": "is not one of this business's staff or rooms"}
	}
	if err != nil {
		return 0, fmt.Errorf("booking: add exception %s: %w", e.Day.Format(time.DateOnly), err)
	}
	return id, nil
}

// DeleteException removes one exception.
func (s *Store) DeleteException(ctx context.Context, db database.DBTX, ws, id int64) error {
	tag, err := db.Exec(ctx, s.q.DeleteException, ws, id)
	if err != nil {
		return fmt.Errorf("booking: delete exception %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("booking: exception %d: %w", id, ErrNotFound)
	}
	return nil
}

// UpcomingExceptions lists the exceptions from the local day first on (at most 200).
func (s *Store) UpcomingExceptions(ctx context.Context, db database.DBTX, ws int64, first time.Time) ([]Exception, error) {
	rows, err := db.Query(ctx, s.q.ListExceptionRows, ws, first)
	if err != nil {
		return nil, fmt.Errorf("booking: list exceptions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Exception, error) {
		var e Exception
		var opens, closes int
		err := row.Scan(&e.ID, &e.ResourceID, &e.Day, &e.Closed, &opens, &closes, &e.Note)
		e.Start, e.End = TimeOfDay(opens), TimeOfDay(closes)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("booking: list exceptions: %w", err)
	}
	return out, nil
}

// SetResourceCalendar names the resource's own Google calendar ("" for none): shared
// with the connected account, its busy times hold that resource alone.
func (s *Store) SetResourceCalendar(ctx context.Context, db database.DBTX, ws, resource int64, calendarID string) error {
	calendarID = strings.TrimSpace(calendarID)
	if len(calendarID) > 255 || strings.ContainsAny(calendarID, " \t\r\n") {
		return ValidationError{"google_calendar_id": "must be a Google calendar id such as someone@example.com, without spaces"}
	}
	tag, err := db.Exec(ctx, s.q.SetResourceCalendar, ws, resource, calendarID)
	if err != nil {
		return fmt.Errorf("booking: resource %d calendar: %w", resource, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("booking: resource %d: %w", resource, ErrNotFound)
	}
	return nil
}

// ResourceCalendar is the resource's own Google calendar id, or "".
func (s *Store) ResourceCalendar(ctx context.Context, db database.DBTX, ws, resource int64) (string, error) {
	var id string
	err := db.QueryRow(ctx, s.q.GetResourceCalendar, ws, resource).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("booking: resource %d: %w", resource, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("booking: resource %d calendar: %w", resource, err)
	}
	return id, nil
}
