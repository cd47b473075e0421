package admin

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/validation"
)

func (h *Handler) registerContextAPI(app *fiber.App) {
	g := app.Group("/api/v1/context/workspaces/:ws/schemas", h.requireToken, h.ruleWorkspace)
	g.Get("/", h.apiSchemas)
	g.Put("/", h.apiSaveSchema)
	g.Get("/:version<int>", h.apiSchemaVersion)
	g.Post("/preview", h.apiPreviewSchema)
	g.Get("/templates", h.apiSchemaTemplates)
	g.Post("/templates/:template", h.apiSchemaFromTemplate)
	cg := app.Group("/api/v1/context/conversations/:id<int>/contexts", h.requireToken)
	cg.Get("/", h.apiContext)
	cg.Patch("/", h.apiPatchContext)
	cg.Post("/extract", h.apiExtractContext)
	// The name for it, beside .../conversations/{id}/status.
	cg.Post("/change-status", h.apiChangeStatus)
}

// contextErr turns the tracking package's not-found into the API's.
func contextErr(err error) error {
	if errors.Is(err, tracking.ErrNotFound) {
		return fiber.NewError(fiber.StatusNotFound, "no such conversation or schema version")
	}
	return err
}

func (h *Handler) apiSchemas(c *fiber.Ctx) error {
	ws := workspaceID(c)
	cur, err := h.Context.Current(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	versions, err := h.Context.Versions(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	if versions == nil {
		versions = []tracking.VersionInfo{}
	}
	return c.JSON(fiber.Map{"current": cur, "versions": versions, "types": schema.Types()})
}

// schemaBody is a PUT: the schema, and for each field whose type changes, whether to
// convert or drop its values.
type schemaBody struct {
	Schema  json.RawMessage          `json:"schema"`
	Migrate map[string]schema.Choice `json:"migrate"`
}

func (h *Handler) parseSchemaBody(c *fiber.Ctx) (schema.Schema, map[string]schema.Choice, error) {
	var b schemaBody
	if err := json.Unmarshal(c.Body(), &b); err != nil || len(b.Schema) == 0 {
		return schema.Schema{}, nil, validation.Error{"schema": `send {"schema": {"fields": [...]}, "migrate": {"field": "convert"|"drop"}}`}
	}
	s, err := schema.Parse(b.Schema)
	return s, b.Migrate, err
}

func (h *Handler) region(c *fiber.Ctx) (string, error) {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	return w.PhoneRegion, err
}

func (h *Handler) apiSaveSchema(c *fiber.Ctx) error {
	s, choices, err := h.parseSchemaBody(c)
	if err != nil {
		return err
	}
	region, err := h.region(c)
	if err != nil {
		return err
	}
	saved, err := h.Context.Save(c.UserContext(), h.Pool, workspaceID(c), 0, s, choices, region)
	if err != nil {
		return err
	}
	return c.JSON(saved)
}

func (h *Handler) apiPreviewSchema(c *fiber.Ctx) error {
	s, choices, err := h.parseSchemaBody(c)
	if err != nil {
		return err
	}
	region, err := h.region(c)
	if err != nil {
		return err
	}
	saved, err := h.Context.Preview(c.UserContext(), h.Pool, workspaceID(c), s, choices, region)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"changes": saved.Changes, "failures": saved.Failures})
}

func (h *Handler) apiSchemaTemplates(c *fiber.Ctx) error {
	list, err := schema.Templates()
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"templates": list})
}

func (h *Handler) apiSchemaFromTemplate(c *fiber.Ctx) error {
	tpl, ok := schema.TemplateByID(c.Params("template"))
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, "no such template; GET .../schemas/templates lists them")
	}
	var b schemaBody
	if len(c.Body()) > 0 {
		if err := json.Unmarshal(c.Body(), &b); err != nil {
			return validation.Error{"migrate": `send {"migrate": {"field": "convert"|"drop"}} or no body`}
		}
	}
	region, err := h.region(c)
	if err != nil {
		return err
	}
	saved, err := h.Context.Save(c.UserContext(), h.Pool, workspaceID(c), 0, tpl.Schema, b.Migrate, region)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(saved)
}

// contextView is a conversation's context as the API and the sidebar show it.
type contextView struct {
	ConversationID int64                    `json:"conversation_id"`
	Version        int                      `json:"version"`
	SchemaVersion  int                      `json:"schema_version"`
	Values         map[string]any           `json:"values"`
	Meta           map[string]tracking.Meta `json:"meta"`
	Completion     int                      `json:"completion"`
	Priority       int                      `json:"priority"`
	Missing        []string                 `json:"missing"`
	Fields         []schema.Field           `json:"fields"`
	History        []tracking.Change        `json:"history"`
}

func (h *Handler) contextOf(c *fiber.Ctx, ws, conv int64) (contextView, error) {
	// The conversation must be the workspace's: its absence is a 404, like every id.
	if _, err := h.Conversations.Conversation(c.UserContext(), h.Pool, ws, conv); err != nil {
		return contextView{}, err
	}
	cur, err := h.Context.Current(c.UserContext(), h.Pool, ws)
	if err != nil {
		return contextView{}, err
	}
	ctxv, hist, err := h.Context.Read(c.UserContext(), h.Pool, ws, conv, 50)
	if err != nil {
		return contextView{}, contextErr(err)
	}
	v := contextView{
		ConversationID: conv, Version: ctxv.Version, SchemaVersion: cur.Number, Values: ctxv.Values, Meta: ctxv.Meta,
		Completion: ctxv.Completion, Priority: ctxv.Priority, Missing: cur.Schema.Missing(ctxv.Values), History: hist,
	}
	if v.Missing == nil {
		v.Missing = []string{}
	}
	for _, f := range cur.Schema.Fields {
		if cur.Schema.Visible(f, ctxv.Values) {
			v.Fields = append(v.Fields, f)
		}
	}
	if v.Fields == nil {
		v.Fields = []schema.Field{}
	}
	return v, nil
}

func convParam(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	return id
}

func (h *Handler) apiContext(c *fiber.Ctx) error {
	v, err := h.contextOf(c, workspaceID(c), convParam(c))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handler) apiPatchContext(c *fiber.Ctx) error {
	var b struct {
		Values map[string]any `json:"values"`
	}
	if err := json.Unmarshal(c.Body(), &b); err != nil || len(b.Values) == 0 {
		return validation.Error{"values": `send {"values": {"field": value}}; null clears a field`}
	}
	if err := h.setContext(c, workspaceID(c), convParam(c), 0, b.Values); err != nil {
		return err
	}
	return h.apiContext(c)
}

// setContext stores values a person gave (userID 0: through the API).
func (h *Handler) setContext(c *fiber.Ctx, ws, conv, userID int64, values map[string]any) error {
	if _, err := h.Conversations.Conversation(c.UserContext(), h.Pool, ws, conv); err != nil {
		return err
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	props := make(map[string]tracking.Proposed, len(values))
	for k, v := range values {
		props[k] = tracking.Proposed{Value: v, Confidence: 1}
	}
	tx, err := h.Pool.Begin(c.UserContext())
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(c.UserContext()) }()
	if _, err := h.Context.Apply(c.UserContext(), tx, ws, conv, tracking.Setter{By: "user", UserID: userID}, props, w.PhoneRegion); err != nil {
		return contextErr(err)
	}
	return tx.Commit(c.UserContext())
}

func (h *Handler) apiExtractContext(c *fiber.Ctx) error {
	ws, conv := workspaceID(c), convParam(c)
	if _, err := h.Conversations.Conversation(c.UserContext(), h.Pool, ws, conv); err != nil {
		return err
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	changed, err := h.Context.Extract(c.UserContext(), h.Pool, ws, conv, h.Conversations.Now().In(w.Location()), w.PhoneRegion)
	if err != nil {
		return contextErr(err)
	}
	v, err := h.contextOf(c, ws, conv)
	if err != nil {
		return err
	}
	if changed == nil {
		changed = []string{}
	}
	return c.JSON(fiber.Map{"changed": changed, "context": v})
}
