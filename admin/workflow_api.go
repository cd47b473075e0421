package admin

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

func (h *Handler) registerWorkflowAPI(app *fiber.App) {
	// Per route, not a group: a group's middleware would also run on every other route
	// under the workspace (rules, schemas).
	const ws = "/api/v1/context/workspaces/:ws"
	app.Get(ws+"/workflow", h.requireToken, h.ruleWorkspace, h.apiWorkflow)
	app.Put(ws+"/workflow", h.requireToken, h.ruleWorkspace, h.apiSaveWorkflow)
	app.Get(ws+"/analytics", h.requireToken, h.ruleWorkspace, h.apiContextAnalytics)
	app.Post("/api/v1/context/conversations/:id<int>/status", h.requireToken, h.apiChangeStatus)
}

func (h *Handler) apiWorkflow(c *fiber.Ctx) error {
	w, saved, err := h.Rules.Workflow(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"workflow": w, "saved": saved})
}

// apiSaveWorkflow replaces the workflow; unknown members are refused, so a typo is not
// silently dropped.
func (h *Handler) apiSaveWorkflow(c *fiber.Ctx) error {
	var w rules.Workflow
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return validation.Error{"workflow": "is not a workflow in JSON: " + err.Error()}
	}
	if err := h.Rules.SaveWorkflow(c.UserContext(), workspaceID(c), w); err != nil {
		return err
	}
	return h.apiWorkflow(c)
}

// apiChangeStatus moves a conversation to another status, as the workflow allows.
func (h *Handler) apiChangeStatus(c *fiber.Ctx) error {
	var body struct {
		Status string `json:"status"`
	}
	if err := c.BodyParser(&body); err != nil || strings.TrimSpace(body.Status) == "" {
		return validation.Error{"status": `is required: send {"status": "qualified"}`}
	}
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	v, err := h.Rules.ChangeStatus(c.UserContext(), workspaceID(c), id, 0, body.Status)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// apiContextAnalytics is the status funnel, rule success rates and context field
// counts, over the last ?days (default 30) for transitions and runs.
func (h *Handler) apiContextAnalytics(c *fiber.Ctx) error {
	days, err := queryInt(c, "days", 30, 365)
	if err != nil {
		return err
	}
	since := time.Now().Add(-time.Duration(days) * 24 * time.Hour)
	a, err := h.Rules.Analytics(c.UserContext(), h.Pool, workspaceID(c), since)
	if err != nil {
		return err
	}
	// fill_rates: each field of the current context schema, filled in how many of the
	// conversations active in the range (fields counts every key, schema or not).
	rates, err := h.Context.FillRates(c.UserContext(), h.Pool, workspaceID(c), since)
	if err != nil {
		return err
	}
	return c.JSON(struct {
		rules.Analytics
		FillRates []tracking.FillRate `json:"fill_rates"`
	}{a, rates})
}
