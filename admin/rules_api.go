package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/rules"
)

// ruleWorkspace checks the workspace the path names (its slug or id) is the token's own.
func (h *Handler) ruleWorkspace(c *fiber.Ctx) error {
	ws := workspaceID(c)
	param := c.Params("ws")
	if id, err := strconv.ParseInt(param, 10, 64); err == nil {
		if id != ws {
			return fiber.NewError(fiber.StatusNotFound, "no such workspace")
		}
		return c.Next()
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	if w.Slug != param {
		return fiber.NewError(fiber.StatusNotFound, "no such workspace")
	}
	return c.Next()
}

func (h *Handler) registerRulesAPI(app *fiber.App) {
	g := app.Group("/api/v1/context/workspaces/:ws/rules", h.requireToken, h.ruleWorkspace)
	g.Get("/", h.apiRules)
	g.Post("/", h.apiCreateRule)
	g.Get("/:id<int>", h.apiRule)
	g.Put("/:id<int>", h.apiUpdateRule)
	g.Delete("/:id<int>", h.apiDeleteRule)
	g.Post("/:id<int>/toggle", h.apiToggleRule)
	g.Post("/:id<int>/test", h.apiTestRule)
	g.Get("/:id<int>/runs", h.apiRuleRuns)
}

func ruleID(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	return id
}

func (h *Handler) apiRules(c *fiber.Ctx) error {
	list, err := h.Rules.List(c.UserContext(), h.Pool, workspaceID(c), 0)
	if err != nil {
		return err
	}
	if list == nil {
		list = []rules.Stored{}
	}
	return c.JSON(fiber.Map{"rules": list})
}

func (h *Handler) apiCreateRule(c *fiber.Ctx) error {
	r, err := rules.Parse(c.Body())
	if err != nil {
		return err
	}
	s, err := h.Rules.Create(c.UserContext(), h.Pool, workspaceID(c), r)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s)
}

func (h *Handler) apiRule(c *fiber.Ctx) error {
	list, err := h.Rules.List(c.UserContext(), h.Pool, workspaceID(c), ruleID(c))
	if err != nil {
		return err
	}
	return c.JSON(list[0])
}

func (h *Handler) apiUpdateRule(c *fiber.Ctx) error {
	r, err := rules.Parse(c.Body())
	if err != nil {
		return err
	}
	s, err := h.Rules.Update(c.UserContext(), h.Pool, workspaceID(c), ruleID(c), r)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

func (h *Handler) apiDeleteRule(c *fiber.Ctx) error {
	if err := h.Rules.Delete(c.UserContext(), h.Pool, workspaceID(c), ruleID(c)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"deleted": ruleID(c)})
}

func (h *Handler) apiToggleRule(c *fiber.Ctx) error {
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if err := c.BodyParser(&body); err != nil || body.Enabled == nil {
		return fiber.NewError(fiber.StatusBadRequest, `send {"enabled": true} or {"enabled": false}`)
	}
	if err := h.Rules.SetEnabled(c.UserContext(), h.Pool, workspaceID(c), ruleID(c), *body.Enabled); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": ruleID(c), "enabled": *body.Enabled})
}

// apiTestRule is a dry run of one rule on a conversation: what it would do now.
func (h *Handler) apiTestRule(c *fiber.Ctx) error {
	var body struct {
		ConversationID int64 `json:"conversation_id"`
	}
	if err := c.BodyParser(&body); err != nil || body.ConversationID <= 0 {
		return fiber.NewError(fiber.StatusBadRequest, `send {"conversation_id": <id>}`)
	}
	list, err := h.Rules.List(c.UserContext(), h.Pool, workspaceID(c), ruleID(c))
	if err != nil {
		return err
	}
	out, err := h.Rules.Test(c.UserContext(), workspaceID(c), body.ConversationID, list[0].Rule.Trigger, ruleID(c))
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return fiber.NewError(fiber.StatusNotFound, "no such rule")
	}
	return c.JSON(out[0])
}

func (h *Handler) apiRuleRuns(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 50, 500)
	if err != nil {
		return err
	}
	if _, err := h.Rules.List(c.UserContext(), h.Pool, workspaceID(c), ruleID(c)); err != nil {
		return err
	}
	runs, err := h.Rules.Runs(c.UserContext(), h.Pool, workspaceID(c), ruleID(c), int(limit))
	if err != nil {
		return err
	}
	if runs == nil {
		runs = []rules.Run{}
	}
	return c.JSON(fiber.Map{"runs": runs})
}
