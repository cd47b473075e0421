package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/conversation"
)

// autoIntents are the intents an owner may let go out without review.
var autoIntents = []string{ai.IntentGreeting, ai.IntentHours, ai.IntentLocation, ai.IntentPricing, //nolint:gochecknoglobals // read-only table
	ai.IntentThanks, ai.IntentQuestion, ai.IntentBook, ai.IntentReschedule, ai.IntentCancel, ai.IntentAvailability}

func (h *Handler) renderSettings(c *fiber.Ctx, w conversation.Workspace, errs conversation.ValidationError, saved bool) error {
	return h.pages.Render(c, "settings.html", fiber.Map{
		"Title": "Settings", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "settings",
		"Roles": conversation.Roles, "Personalities": conversation.Personalities, "Modes": conversation.ApprovalModes,
		"Intents": autoIntents, "Errors": errs, "Saved": saved,
		"PortalURL": h.BaseURL + "/w/" + w.Slug,
	})
}

func (h *Handler) settingsPage(c *fiber.Ctx) error {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	return h.renderSettings(c, w, nil, c.Query("saved") == "1")
}

// settingsFromForm copies the settings form onto w and returns what could not be read.
func settingsFromForm(c *fiber.Ctx, w *conversation.Workspace) conversation.ValidationError {
	w.Name = strings.TrimSpace(c.FormValue("name"))
	w.Timezone = strings.TrimSpace(c.FormValue("timezone"))
	w.PhoneRegion = strings.ToUpper(strings.TrimSpace(c.FormValue("phone_region")))
	w.AssistantName = strings.TrimSpace(c.FormValue("assistant_name"))
	w.Role = c.FormValue("role")
	w.Personality = c.FormValue("personality")
	w.CustomInstructions = strings.TrimSpace(c.FormValue("custom_instructions"))
	w.ApprovalMode = c.FormValue("approval_mode")
	w.AutoIntents = nil
	for _, v := range c.Request().PostArgs().PeekMulti("auto_intents") {
		w.AutoIntents = append(w.AutoIntents, string(v))
	}
	errs := conversation.ValidationError{}
	if t, err := strconv.ParseFloat(c.FormValue("approval_threshold"), 32); err != nil {
		errs["approval_threshold"] = "must be a number between 0 and 1, such as 0.85"
	} else {
		w.ApprovalThreshold = float32(t)
	}
	return errs
}

// previewReply drafts a reply to a sample question with the settings as they stand in
// the form, unsaved, so an owner hears the assistant before committing to it.
func (h *Handler) previewReply(c *fiber.Ctx) error {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	if errs := settingsFromForm(c, &w); len(errs) > 0 {
		return errs
	}
	p, err := h.Conversations.Preview(c.UserContext(), w, c.FormValue("sample"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handler) saveSettings(c *fiber.Ctx) error {
	u := currentUser(c)
	if u.Role != "owner" {
		return fiber.NewError(fiber.StatusForbidden, "only an owner can change settings")
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, u.WorkspaceID)
	if err != nil {
		return err
	}
	errs := settingsFromForm(c, &w)
	err = h.Conversations.UpdateSettings(c.UserContext(), h.Pool, w, u.Email)
	var fe conversation.ValidationError
	if errors.As(err, &fe) || len(errs) > 0 {
		for k, v := range fe {
			errs[k] = v
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSettings(c, w, errs, false)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/settings?saved=1", fiber.StatusSeeOther)
}
