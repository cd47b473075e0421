package admin

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// fieldRow is one field of the schema builder's form, as typed.
type fieldRow struct {
	Index                                 int
	Position                              string
	Key, Label, Type, Min, Max, Pattern   string
	Options, Hint, DependsOn, DependsVals string
	Currency, Migrate                     string
	Required, AIExtract, Remove           bool
	// Errors are this field's errors, by the part they concern ("options", "type").
	Errors map[string]string
}

type builderView struct {
	Rows      []fieldRow
	Priority  string
	Types     []schema.Type
	Templates []schema.Template
	Version   int
	Errors    map[string]string // errors not about one field
	Saved     string
	Versions  []tracking.VersionInfo
}

func (h *Handler) registerContextUI(ui fiber.Router) {
	ui.Get("/context", h.contextPage)
	ui.Post("/context", h.saveContextUI)
	ui.Post("/context/template", h.contextTemplateUI)
	ui.Get("/context/versions/:version<int>", h.contextVersionPage)
	ui.Post("/conversations/:id<int>/context", h.correctContextUI)
}

func rowsOf(s schema.Schema) []fieldRow {
	rows := make([]fieldRow, 0, len(s.Fields)+1)
	for i, f := range s.Fields {
		r := fieldRow{Index: i, Position: strconv.Itoa(i + 1), Key: f.Key, Label: f.Label, Type: string(f.Type), Pattern: f.Pattern,
			Hint: f.Hint, Currency: f.Currency, Required: f.Required, AIExtract: f.AIExtract}
		if f.Min != nil {
			r.Min = strconv.FormatFloat(*f.Min, 'f', -1, 64)
		}
		if f.Max != nil {
			r.Max = strconv.FormatFloat(*f.Max, 'f', -1, 64)
		}
		var lines []string
		for _, o := range f.Options {
			line := o.Value
			if o.Label != "" && o.Label != o.Value {
				line += " | " + o.Label
			}
			if len(o.Synonyms) > 0 {
				line += ": " + strings.Join(o.Synonyms, ", ")
			}
			lines = append(lines, line)
		}
		r.Options = strings.Join(lines, "\n")
		if f.DependsOn != nil {
			r.DependsOn, r.DependsVals = f.DependsOn.Field, strings.Join(f.DependsOn.Values, ", ")
		}
		rows = append(rows, r)
	}
	return rows
}

func priorityText(s schema.Schema) string {
	var lines []string
	for _, p := range s.Priority {
		line := p.Field
		if len(p.Values) > 0 {
			line += " = " + strings.Join(p.Values, ", ")
		}
		lines = append(lines, fmt.Sprintf("%s: %d", line, p.Points))
	}
	return strings.Join(lines, "\n")
}

// splitList reads a comma-separated form field, dropping blanks.
func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var priorityLine = regexp.MustCompile(`^\s*([a-z][a-z0-9_]*)\s*(?:=\s*(.+?))?\s*:\s*(-?\d+)\s*$`) //nolint:gochecknoglobals // compiled once

// formSchema reads the builder's form: the rows as typed, and the schema they make
// (rows in position order, removed ones left out), with which row each field came from.
func formSchema(c *fiber.Ctx) ([]fieldRow, string, schema.Schema, []int, map[string]schema.Choice, validation.Error) {
	n, _ := strconv.Atoi(c.FormValue("rows"))
	n = min(max(n, 0), 101)
	rows := make([]fieldRow, 0, n)
	for i := range n {
		v := func(name string) string { return strings.TrimSpace(c.FormValue(fmt.Sprintf("f%d_%s", i, name))) }
		r := fieldRow{Index: i, Position: v("position"), Key: v("key"), Label: v("label"), Type: v("type"), Min: v("min"), Max: v("max"),
			Pattern: v("pattern"), Options: c.FormValue(fmt.Sprintf("f%d_options", i)), Hint: v("hint"), DependsOn: v("depends_on"),
			DependsVals: v("depends_values"), Currency: v("currency"), Migrate: v("migrate"),
			Required: v("required") == "on", AIExtract: v("ai_extract") == "on", Remove: v("remove") == "on"}
		if r.Key == "" && r.Label == "" {
			continue // the empty "add a field" row
		}
		rows = append(rows, r)
	}
	errs := validation.Error{}
	order := make([]int, 0, len(rows))
	for i, r := range rows {
		if !r.Remove {
			order = append(order, i)
		}
	}
	pos := func(i int) float64 {
		p, err := strconv.ParseFloat(rows[i].Position, 64)
		if err != nil {
			return float64(i + 1)
		}
		return p
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch pa, pb := pos(a), pos(b); {
		case pa < pb:
			return -1
		case pa > pb:
			return 1
		}
		return 0
	})
	s := schema.Schema{Fields: []schema.Field{}}
	choices := map[string]schema.Choice{}
	for k, i := range order {
		r := rows[i]
		f := schema.Field{Key: r.Key, Label: r.Label, Type: schema.Type(r.Type), Required: r.Required, Pattern: r.Pattern,
			AIExtract: r.AIExtract, Hint: r.Hint, Currency: r.Currency}
		for name, raw := range map[string]string{"min": r.Min, "max": r.Max} {
			if raw == "" {
				continue
			}
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				errs[fmt.Sprintf("fields[%d].%s", k, name)] = "must be a number"
				continue
			}
			if name == "min" {
				f.Min = &x
			} else {
				f.Max = &x
			}
		}
		for line := range strings.SplitSeq(r.Options, "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			head, syn, _ := strings.Cut(line, ":")
			value, label, _ := strings.Cut(head, "|")
			f.Options = append(f.Options, schema.Option{Value: strings.TrimSpace(value), Label: strings.TrimSpace(label), Synonyms: splitList(syn)})
		}
		if r.DependsOn != "" {
			f.DependsOn = &schema.Dependency{Field: r.DependsOn, Values: splitList(r.DependsVals)}
		}
		if r.Migrate == string(schema.Convert) || r.Migrate == string(schema.Drop) {
			choices[r.Key] = schema.Choice(r.Migrate)
		}
		s.Fields = append(s.Fields, f)
	}
	prio := c.FormValue("priority")
	for i, line := range strings.Split(prio, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := priorityLine.FindStringSubmatch(line)
		if m == nil {
			errs["priority"] = fmt.Sprintf("line %d: write field = value, value: points (or field: points)", i+1)
			continue
		}
		pts, _ := strconv.Atoi(m[3])
		s.Priority = append(s.Priority, schema.PriorityRule{Field: m[1], Values: splitList(m[2]), Points: pts})
	}
	return rows, prio, s, order, choices, errs
}

// placeErrors puts each error next to the row it is about: "fields[2].options" goes to
// the row that became field 2, under "options".
func placeErrors(v *builderView, rows []fieldRow, order []int, errs validation.Error) {
	fieldPath := regexp.MustCompile(`^fields\[(\d+)\]\.?(.*)$`)
	v.Errors = map[string]string{}
	for path, msg := range errs {
		m := fieldPath.FindStringSubmatch(path)
		if m == nil {
			v.Errors[path] = msg
			continue
		}
		k, _ := strconv.Atoi(m[1])
		if k >= len(order) {
			v.Errors[path] = msg
			continue
		}
		r := &rows[order[k]]
		if r.Errors == nil {
			r.Errors = map[string]string{}
		}
		part := m[2]
		switch {
		case strings.HasPrefix(part, "options"):
			part = "options"
		case strings.HasPrefix(part, "depends_on"):
			part = "depends_on"
		case part == "extraction_hint":
			part = "hint"
		}
		if prev := r.Errors[part]; prev != "" {
			msg = prev + "; " + msg
		}
		r.Errors[part] = msg
	}
}

func (h *Handler) renderBuilder(c *fiber.Ctx, status int, v builderView) error {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	if v.Templates, err = schema.Templates(); err != nil {
		return err
	}
	v.Types = schema.Types()
	if v.Versions, err = h.Context.Versions(c.UserContext(), h.Pool, w.ID); err != nil {
		return err
	}
	// One empty row adds a field.
	v.Rows = append(v.Rows, fieldRow{Index: len(v.Rows), Position: strconv.Itoa(len(v.Rows) + 1), Type: string(schema.Text)})
	for i := range v.Rows {
		v.Rows[i].Index = i
	}
	return h.pages.Render(c.Status(status), "context.html", fiber.Map{
		"Title": "Context fields", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "context", "B": v,
	})
}

func (h *Handler) contextPage(c *fiber.Ctx) error {
	cur, err := h.Context.Current(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	v := builderView{Rows: rowsOf(cur.Schema), Priority: priorityText(cur.Schema), Version: cur.Number, Saved: c.Query("saved")}
	return h.renderBuilder(c, fiber.StatusOK, v)
}

func (h *Handler) saveContextUI(c *fiber.Ctx) error {
	rows, prio, s, order, choices, errs := formSchema(c)
	cur, err := h.Context.Current(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	v := builderView{Rows: rows, Priority: prio, Version: cur.Number}
	if len(errs) > 0 {
		placeErrors(&v, rows, order, errs)
		return h.renderBuilder(c, fiber.StatusUnprocessableEntity, v)
	}
	region, err := h.region(c)
	if err != nil {
		return err
	}
	saved, err := h.Context.Save(c.UserContext(), h.Pool, workspaceID(c), currentUser(c).ID, s, choices, region)
	var verr validation.Error
	if errors.As(err, &verr) {
		// A type change waiting for its choice: say which values would not convert.
		if preview, perr := h.Context.Preview(c.UserContext(), h.Pool, workspaceID(c), s, choices, region); perr == nil {
			for _, ch := range preview.Changes {
				if _, asked := verr[ch.Path]; !asked {
					continue
				}
				var bad []string
				for _, f := range preview.Failures {
					if f.Key == ch.Key {
						bad = append(bad, fmt.Sprintf("%q (conversation %d)", display(f.Value), f.ConversationID))
					}
				}
				if len(bad) == 0 {
					verr[ch.Path] += "; every value converts"
				} else {
					verr[ch.Path] += fmt.Sprintf("; %d value(s) would not convert: %s", len(bad), strings.Join(bad[:min(len(bad), 10)], ", "))
				}
			}
		}
		placeErrors(&v, rows, order, verr)
		return h.renderBuilder(c, fiber.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Saved as version %d.", saved.Version.Number)
	if n := len(saved.Failures); n > 0 {
		msg += fmt.Sprintf(" %d value(s) did not convert and were cleared.", n)
	}
	return c.Redirect("/admin/context?saved="+url.QueryEscape(msg), fiber.StatusSeeOther)
}

func (h *Handler) contextTemplateUI(c *fiber.Ctx) error {
	tpl, ok := schema.TemplateByID(c.FormValue("template"))
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, "no such template")
	}
	// A template replaces the fields: show it in the builder to review and save, so a
	// type change still gets its explicit choice there.
	v := builderView{Rows: rowsOf(tpl.Schema), Priority: priorityText(tpl.Schema), Saved: "Loaded the " + tpl.Name + " template: review and save it."}
	cur, err := h.Context.Current(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	v.Version = cur.Number
	return h.renderBuilder(c, fiber.StatusOK, v)
}

// correctContextUI stores a person's correction of one field from the inbox sidebar.
func (h *Handler) correctContextUI(c *fiber.Ctx) error {
	ws, conv := workspaceID(c), convParam(c)
	key := c.FormValue("field")
	var value any = strings.TrimSpace(c.FormValue("value"))
	if value == "" {
		value = nil
	}
	err := h.setContext(c, ws, conv, currentUser(c).ID, map[string]any{key: value})
	var verr validation.Error
	if errors.As(err, &verr) {
		thread, terr := h.loadThread(c, conv)
		if terr != nil {
			return terr
		}
		thread.Context.Errors = map[string]string{key: verr["values."+key]}
		return h.renderInbox(c.Status(fiber.StatusUnprocessableEntity), conv, thread)
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/conversations/%d#context", conv), fiber.StatusSeeOther)
}

// sidebar is the context of one conversation as the inbox shows it.
type sidebar struct {
	Enabled    bool
	Fields     []sidebarField
	Completion int
	Priority   int
	History    []historyRow
	Errors     map[string]string
}

// historyRow is a change with its values written for a person.
type historyRow struct {
	tracking.Change
	OldText, NewText string
}

type sidebarField struct {
	Field    schema.Field
	Value    string
	Filled   bool
	Meta     tracking.Meta
	HasMeta  bool
	Options  []string
	Error    string
	Required bool
}

// display writes a stored value the way a person types it.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = display(p)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func (h *Handler) loadSidebar(c *fiber.Ctx, ws, conv int64) (sidebar, error) {
	cur, err := h.Context.Current(c.UserContext(), h.Pool, ws)
	if err != nil || len(cur.Schema.Fields) == 0 {
		return sidebar{}, err
	}
	ctxv, hist, err := h.Context.Read(c.UserContext(), h.Pool, ws, conv, 20)
	if err != nil {
		return sidebar{}, err
	}
	sb := sidebar{Enabled: true, Completion: ctxv.Completion, Priority: ctxv.Priority}
	for _, ch := range hist {
		sb.History = append(sb.History, historyRow{Change: ch, OldText: display(ch.Old), NewText: display(ch.New)})
	}
	for _, f := range cur.Schema.Fields {
		if !cur.Schema.Visible(f, ctxv.Values) {
			continue
		}
		v, filled := ctxv.Values[f.Key]
		m, hasMeta := ctxv.Meta[f.Key]
		sf := sidebarField{Field: f, Value: display(v), Filled: filled, Meta: m, HasMeta: hasMeta, Required: f.Required}
		for _, o := range f.Options {
			sf.Options = append(sf.Options, o.Value)
		}
		sb.Fields = append(sb.Fields, sf)
	}
	return sb, nil
}
