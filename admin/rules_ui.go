package admin

import (
	"encoding/json"
	"errors"
	"maps"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

// exampleRule is what the editor starts with: it shows every part of a rule.
const exampleRule = `{
  "name": "Urgent pain",
  "trigger": "new_message",
  "priority": 10,
  "conditions": {"any": [
    {"field": "message.text", "op": "contains", "value": "pain"},
    {"all": [{"field": "intent", "op": "equals", "value": "complaint"},
             {"field": "time_of_day", "op": "greater", "value": "17:00"}]}
  ]},
  "actions": [
    {"type": "add_tag", "tag": "urgent"},
    {"type": "notify", "message": "A patient in pain wrote after hours"}
  ]
}`

func (h *Handler) renderRules(c *fiber.Ctx, status int, data fiber.Map) error {
	ws := workspaceID(c)
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	list, err := h.Rules.List(c.UserContext(), h.Pool, ws, 0)
	if err != nil {
		return err
	}
	data["Title"], data["User"], data["Workspace"], data["CSRF"], data["Nav"] = "Rules", currentUser(c), w, c.Locals("csrf"), "rules"
	data["Rules"] = list
	data["Vocab"], data["FormAction"], data["Submit"] = ruleVocab(), "/admin/rules", "Add rule"
	if _, ok := data["Definition"]; !ok {
		data["Definition"] = exampleRule
	}
	c.Status(status)
	return h.pages.Render(c, "rules.html", data)
}

// ruleVocab is what the visual builder offers, as comma-separated lists for its data
// attributes.
func ruleVocab() map[string]string {
	return map[string]string{
		"Triggers": joinStrings(rules.Triggers()), "Fields": strings.Join(rules.Fields(), ","),
		"Ops": joinStrings(rules.Ops()), "Actions": joinStrings(rules.ActionTypes()),
	}
}

func (h *Handler) rulesPage(c *fiber.Ctx) error { return h.renderRules(c, fiber.StatusOK, fiber.Map{}) }

// updateRuleUI saves the rule page's editor; a definition with errors is shown again
// with them.
func (h *Handler) updateRuleUI(c *fiber.Ctx) error {
	def := c.FormValue("definition")
	r, err := rules.Parse([]byte(def))
	if err == nil {
		_, err = h.Rules.Update(c.UserContext(), h.Pool, workspaceID(c), ruleID(c), r)
	}
	var verr validation.Error
	if errors.As(err, &verr) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderRule(c, fiber.Map{"Definition": def, "Errors": verr})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/rules/"+strconv.FormatInt(ruleID(c), 10), fiber.StatusSeeOther)
}

func (h *Handler) addRuleUI(c *fiber.Ctx) error {
	def := c.FormValue("definition")
	r, err := rules.Parse([]byte(def))
	if err == nil {
		_, err = h.Rules.Create(c.UserContext(), h.Pool, workspaceID(c), r)
	}
	var verr validation.Error
	if errors.As(err, &verr) {
		return h.renderRules(c, fiber.StatusUnprocessableEntity, fiber.Map{"Definition": def, "Errors": verr})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/rules", fiber.StatusSeeOther)
}

func (h *Handler) toggleRuleUI(c *fiber.Ctx) error {
	on := c.FormValue("enabled") == "true"
	if err := h.Rules.SetEnabled(c.UserContext(), h.Pool, workspaceID(c), ruleID(c), on); err != nil {
		return err
	}
	return c.Redirect("/admin/rules", fiber.StatusSeeOther)
}

func (h *Handler) deleteRuleUI(c *fiber.Ctx) error {
	if err := h.Rules.Delete(c.UserContext(), h.Pool, workspaceID(c), ruleID(c)); err != nil {
		return err
	}
	return c.Redirect("/admin/rules", fiber.StatusSeeOther)
}

// rulePage shows one rule in its editor, its recent runs, and a dry run on a
// conversation when asked.
func (h *Handler) rulePage(c *fiber.Ctx) error { return h.renderRule(c, fiber.Map{}) }

// renderRule is the rule page; form holds a definition sent back with its Errors.
func (h *Handler) renderRule(c *fiber.Ctx, form fiber.Map) error {
	ws := workspaceID(c)
	list, err := h.Rules.List(c.UserContext(), h.Pool, ws, ruleID(c))
	if err != nil {
		return err
	}
	runs, err := h.Rules.Runs(c.UserContext(), h.Pool, ws, ruleID(c), 100)
	if err != nil {
		return err
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	def, err := json.MarshalIndent(list[0].Rule, "", "  ")
	if err != nil {
		return err
	}
	data := fiber.Map{
		"Title": list[0].Rule.Name, "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "rules",
		"Rule": list[0], "Definition": string(def), "Runs": runs, "Vocab": ruleVocab(),
		"FormAction": "/admin/rules/" + strconv.FormatInt(list[0].ID, 10), "Submit": "Save rule",
	}
	maps.Copy(data, form)
	if conv := c.Query("conversation_id"); conv != "" {
		data["TestConversation"] = conv
		id, perr := strconv.ParseInt(conv, 10, 64)
		if perr != nil || id <= 0 {
			data["TestError"] = "enter a conversation number"
		} else if out, terr := h.Rules.Test(c.UserContext(), ws, id, list[0].Rule.Trigger, ruleID(c)); terr != nil {
			data["TestError"] = messageOf(terr)
		} else if len(out) > 0 {
			data["Test"] = out[0]
		}
	}
	return h.pages.Render(c, "rule.html", data)
}

func joinStrings[T ~string](xs []T) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return strings.Join(out, ",")
}
