package admin

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// auditPage is how many entries a page of the audit log shows; auditExportMax bounds a CSV.
const (
	auditPage      = 50
	auditExportMax = 50000
)

// AuditEntry is one line of the audit log: who did what to which object, and when.
type AuditEntry struct {
	ID         int64          `json:"id"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   int64          `json:"object_id,omitempty"`
	Detail     map[string]any `json:"detail"`
	CreatedAt  time.Time      `json:"created_at"`
}

// DetailText is the detail as a short line for a table or a CSV cell.
func (e AuditEntry) DetailText() string {
	if len(e.Detail) == 0 {
		return ""
	}
	b, err := json.Marshal(e.Detail)
	if err != nil {
		return ""
	}
	return string(b)
}

// AuditFilter selects entries; zero fields match everything. To is exclusive.
type AuditFilter struct {
	Actor, Action, ObjectType string
	From, To                  *time.Time
}

// AuditLog returns up to limit entries from offset, newest first.
func (a *Accounts) AuditLog(ctx context.Context, db database.DBTX, ws int64, f AuditFilter, limit, offset int) ([]AuditEntry, error) {
	rows, err := db.Query(ctx, a.q.team.AuditEntries, ws, f.Actor, f.Action, f.ObjectType, f.From, f.To, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("admin: read audit log: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		return e, r.Scan(&e.ID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("admin: read audit log: %w", err)
	}
	return out, nil
}

// AuditFacets returns the actors, actions and object types in the log, for the filters.
func (a *Accounts) AuditFacets(ctx context.Context, db database.DBTX, ws int64) (map[string][]string, error) {
	rows, err := db.Query(ctx, a.q.team.AuditFacets, ws)
	if err != nil {
		return nil, fmt.Errorf("admin: read audit facets: %w", err)
	}
	out := map[string][]string{}
	var kind, value string
	_, err = pgx.ForEachRow(rows, []any{&kind, &value}, func() error {
		out[kind] = append(out[kind], value)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("admin: read audit facets: %w", err)
	}
	return out, nil
}

// auditFilter reads the filters from the query string; dates are days in the workspace's
// time zone, both ends included.
func (h *Handler) auditFilter(c *fiber.Ctx) (AuditFilter, error) {
	f := AuditFilter{Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		ObjectType: strings.TrimSpace(c.Query("object_type"))}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return f, err
	}
	loc := w.Location()
	day := func(name string) (*time.Time, error) {
		raw := strings.TrimSpace(c.Query(name))
		if raw == "" {
			return nil, nil //nolint:nilnil // no date given: no bound
		}
		d, err := time.ParseInLocation("2006-01-02", raw, loc)
		if err != nil {
			return nil, fiber.NewError(fiber.StatusBadRequest, name+" must be a date like 2026-01-31")
		}
		return &d, nil
	}
	if f.From, err = day("from"); err != nil {
		return f, err
	}
	if f.To, err = day("to"); err != nil {
		return f, err
	}
	if f.To != nil {
		next := f.To.AddDate(0, 0, 1)
		f.To = &next
	}
	return f, nil
}

// auditEntries reads the page of the audit log the request asks for (?page=, from 1)
// under its filters, and whether more pages follow.
func (h *Handler) auditEntries(c *fiber.Ctx) (f AuditFilter, page int64, entries []AuditEntry, more bool, err error) {
	if f, err = h.auditFilter(c); err != nil {
		return f, 0, nil, false, err
	}
	if page, err = queryInt(c, "page", 1, 1<<20); err != nil {
		return f, 0, nil, false, err
	}
	page = max(page, 1)
	entries, err = h.Accounts.AuditLog(c.UserContext(), h.Pool, workspaceID(c), f, auditPage+1, int(page-1)*auditPage)
	if err != nil {
		return f, 0, nil, false, err
	}
	more = len(entries) > auditPage
	return f, page, entries[:min(len(entries), auditPage)], more, nil
}

func (h *Handler) auditPage(c *fiber.Ctx) error {
	f, page, entries, more, err := h.auditEntries(c)
	if err != nil {
		return err
	}
	ctx, ws := c.UserContext(), workspaceID(c)
	facets, err := h.Accounts.AuditFacets(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	// A value filtered on stays selectable even when it is older than the facets read.
	for kind, v := range map[string]string{"actor": f.Actor, "action": f.Action, "object_type": f.ObjectType} {
		if v != "" && !slices.Contains(facets[kind], v) {
			facets[kind] = append(facets[kind], v)
		}
	}
	w, err := h.Conversations.Workspace(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, k := range []string{"actor", "action", "object_type", "from", "to"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	pageLink := func(p int64) string {
		q.Set("page", strconv.FormatInt(p, 10))
		return "/admin/settings/audit?" + q.Encode()
	}
	var prev, next string
	if page > 1 {
		prev = pageLink(page - 1)
	}
	if more {
		next = pageLink(page + 1)
	}
	q.Del("page")
	return h.pages.Render(c, "audit.html", fiber.Map{
		"Title": "Audit log", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "settings",
		"Entries": entries, "Facets": facets, "Filter": fiber.Map{"Actor": f.Actor, "Action": f.Action,
			"ObjectType": f.ObjectType, "From": c.Query("from"), "To": c.Query("to")},
		"Page": page, "Prev": prev, "Next": next, "CSV": "/admin/settings/audit.csv?" + q.Encode(),
	})
}

// auditCSV exports the filtered log, newest first.
func (h *Handler) auditCSV(c *fiber.Ctx) error {
	f, err := h.auditFilter(c)
	if err != nil {
		return err
	}
	entries, err := h.Accounts.AuditLog(c.UserContext(), h.Pool, workspaceID(c), f, auditExportMax, 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"time", "actor", "action", "object_type", "object_id", "detail"})
	for _, e := range entries {
		id := ""
		if e.ObjectID != 0 {
			id = strconv.FormatInt(e.ObjectID, 10)
		}
		_ = w.Write([]string{e.CreatedAt.UTC().Format(time.RFC3339), csvText(e.Actor), e.Action, e.ObjectType, id, csvText(e.DetailText())})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("admin: write audit csv: %w", err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit-log.csv"`)
	return c.Send(buf.Bytes())
}

func (h *Handler) apiAudit(c *fiber.Ctx) error {
	_, page, entries, more, err := h.auditEntries(c)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []AuditEntry{}
	}
	return c.JSON(fiber.Map{"entries": entries, "page": page, "more": more})
}
