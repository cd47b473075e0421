package conversation

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// Roles and personalities the assistant can take.
var (
	Roles = []string{"receptionist", "banker", "medical", "dental", "legal", "real_estate", //nolint:gochecknoglobals // read-only table
		"salon_beauty", "fitness", "restaurant", "education", "automotive", "general"}
	Personalities = []string{"professional", "friendly", "casual", "formal", "empathetic", "concise"} //nolint:gochecknoglobals // read-only table
	ApprovalModes = []string{"review_all", "auto_threshold", "auto_all"}                              //nolint:gochecknoglobals // read-only table
)

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`) //nolint:gochecknoglobals // compiled once

var regionPattern = regexp.MustCompile(`^[A-Z]{2}$`) //nolint:gochecknoglobals // compiled once

// Workspace is one business, with its persona and approval policy.
type Workspace struct {
	ID                 int64    `json:"id"`
	Slug               string   `json:"slug"`
	Name               string   `json:"name"`
	Timezone           string   `json:"timezone"`
	PhoneRegion        string   `json:"phone_region"`
	AssistantName      string   `json:"assistant_name"`
	Role               string   `json:"role"`
	Personality        string   `json:"personality"`
	CustomInstructions string   `json:"custom_instructions"`
	ApprovalMode       string   `json:"approval_mode"`
	ApprovalThreshold  float32  `json:"approval_threshold"`
	AutoIntents        []string `json:"auto_intents"`
}

// Location is the workspace's timezone, UTC when it is unknown.
func (w Workspace) Location() *time.Location {
	if loc, ok := zones.Load(w.Timezone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(w.Timezone)
	if err != nil {
		return time.UTC
	}
	zones.Store(w.Timezone, loc)
	return loc
}

// zones keeps the zones loaded by name: time.LoadLocation reads and parses the zone's
// file on every call, and a message asks for its workspace's zone many times.
var zones sync.Map //nolint:gochecknoglobals // cache of immutable values

// ValidationError says what is wrong with each field of a form, by field name.
type ValidationError = validation.Error

// Validate checks settings a person edits.
func (w Workspace) Validate() error {
	bad := ValidationError{}
	if strings.TrimSpace(w.Name) == "" {
		bad["name"] = "name is required"
	}
	if _, err := time.LoadLocation(w.Timezone); err != nil || w.Timezone == "" {
		bad["timezone"] = fmt.Sprintf("%q is not an IANA time zone such as Europe/London", w.Timezone)
	}
	if !regionPattern.MatchString(w.PhoneRegion) {
		bad["phone_region"] = fmt.Sprintf("%q must be a two-letter country code such as GB", w.PhoneRegion)
	}
	if strings.TrimSpace(w.AssistantName) == "" {
		bad["assistant_name"] = "the assistant needs a name"
	}
	if !slices.Contains(Roles, w.Role) {
		bad["role"] = fmt.Sprintf("%q is not one of %s", w.Role, strings.Join(Roles, ", "))
	}
	if !slices.Contains(Personalities, w.Personality) {
		bad["personality"] = fmt.Sprintf("%q is not one of %s", w.Personality, strings.Join(Personalities, ", "))
	}
	if !slices.Contains(ApprovalModes, w.ApprovalMode) {
		bad["approval_mode"] = fmt.Sprintf("%q is not one of %s", w.ApprovalMode, strings.Join(ApprovalModes, ", "))
	}
	if w.ApprovalThreshold < 0 || w.ApprovalThreshold > 1 {
		bad["approval_threshold"] = "must be between 0 and 1"
	}
	if len(w.CustomInstructions) > 4000 {
		bad["custom_instructions"] = "must be at most 4000 characters"
	}
	if len(bad) > 0 {
		return bad
	}
	return nil
}

func scanWorkspace(row pgx.Row) (Workspace, error) {
	var w Workspace
	err := row.Scan(w.columns()...)
	return w, err
}

// columns are where the workspace's columns scan to, in the order the queries select them.
func (w *Workspace) columns() []any {
	return []any{&w.ID, &w.Slug, &w.Name, &w.Timezone, &w.PhoneRegion, &w.AssistantName, &w.Role, &w.Personality,
		&w.CustomInstructions, &w.ApprovalMode, &w.ApprovalThreshold, &w.AutoIntents}
}

// CreateWorkspace creates a business with the default persona and policy.
func (s *Service) CreateWorkspace(ctx context.Context, db database.DBTX, slug, name, timezone, phoneRegion string) (Workspace, error) {
	if _, err := time.LoadLocation(timezone); err != nil || timezone == "" {
		return Workspace{}, fmt.Errorf("%w: timezone %q is not an IANA zone such as Europe/London", ErrInvalid, timezone)
	}
	if phoneRegion == "" {
		phoneRegion = "US"
	}
	if !regionPattern.MatchString(strings.ToUpper(phoneRegion)) {
		return Workspace{}, fmt.Errorf("%w: phone region %q must be a two-letter country code such as GB", ErrInvalid, phoneRegion)
	}
	if !slugPattern.MatchString(slug) {
		return Workspace{}, fmt.Errorf("%w: slug %q must be 2-63 lower-case letters, digits or dashes", ErrInvalid, slug)
	}
	if strings.TrimSpace(name) == "" {
		return Workspace{}, fmt.Errorf("%w: name is required", ErrInvalid)
	}
	var id int64
	if err := db.QueryRow(ctx, s.q.InsertWorkspace, slug, strings.TrimSpace(name), timezone, strings.ToUpper(phoneRegion)).Scan(&id); err != nil {
		if strings.Contains(err.Error(), "workspaces_slug_key") {
			return Workspace{}, fmt.Errorf("%w: a workspace with slug %q already exists", ErrInvalid, slug)
		}
		return Workspace{}, fmt.Errorf("conversation: create workspace %q: %w", slug, err)
	}
	return s.Workspace(ctx, db, id)
}

// Workspace returns one workspace.
func (s *Service) Workspace(ctx context.Context, db database.DBTX, id int64) (Workspace, error) {
	w, err := scanWorkspace(db.QueryRow(ctx, s.q.GetWorkspace, id))
	if err != nil {
		return w, notFound(fmt.Sprintf("workspace %d", id), err)
	}
	return w, nil
}

// WorkspaceBySlug returns the workspace with that slug.
func (s *Service) WorkspaceBySlug(ctx context.Context, db database.DBTX, slug string) (Workspace, error) {
	w, err := scanWorkspace(db.QueryRow(ctx, s.q.GetWorkspaceBySlug, slug))
	if err != nil {
		return w, notFound(fmt.Sprintf("workspace %q", slug), err)
	}
	return w, nil
}

// UpdateSettings saves the persona and approval policy after validating them.
func (s *Service) UpdateSettings(ctx context.Context, db database.DBTX, w Workspace, actor string) error {
	if err := w.Validate(); err != nil {
		return err
	}
	if w.AutoIntents == nil {
		w.AutoIntents = []string{}
	}
	tag, err := db.Exec(ctx, s.q.UpdateSettings, w.ID, w.Name, w.Timezone, w.AssistantName, w.Role,
		w.Personality, w.CustomInstructions, w.ApprovalMode, w.ApprovalThreshold, w.AutoIntents, w.PhoneRegion)
	if err != nil {
		return fmt.Errorf("conversation: update settings: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("conversation: workspace %d: %w", w.ID, ErrNotFound)
	}
	return s.audit(ctx, db, w.ID, actor, "settings.update", "workspace", w.ID, map[string]any{
		"role": w.Role, "personality": w.Personality, "approval_mode": w.ApprovalMode,
	})
}

func (s *Service) audit(ctx context.Context, db database.DBTX, ws int64, actor, action, objType string, objID int64, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	if _, err := db.Exec(ctx, s.q.InsertAudit, ws, actor, action, objType, objID, detail); err != nil {
		return fmt.Errorf("conversation: audit %s: %w", action, err)
	}
	return nil
}
