package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

// autoRow is one automatic transition as the form shows it.
type autoRow struct {
	rules.AutoTransition
	FromText string
	Index    int
}

// blankAutoRows are the empty rows the form offers for new automatic transitions.
const blankAutoRows = 2

func (h *Handler) renderWorkflow(c *fiber.Ctx, status int, w rules.Workflow, saved bool, errs validation.Error) error {
	ws := workspaceID(c)
	wsp, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	rows := make([]autoRow, 0, len(w.Automatic)+blankAutoRows)
	for i, a := range append(w.Automatic, make([]rules.AutoTransition, blankAutoRows)...) {
		rows = append(rows, autoRow{AutoTransition: a, FromText: strings.Join(a.From, ", "), Index: i})
	}
	stats, err := h.Rules.Analytics(c.UserContext(), h.Pool, ws, time.Now().Add(-30*24*time.Hour))
	if err != nil {
		return err
	}
	c.Status(status)
	return h.pages.Render(c, "workflow.html", fiber.Map{
		"Funnel": stats.Funnel, "Transitions": stats.Transitions,
		"Title": "Workflow", "User": currentUser(c), "Workspace": wsp, "CSRF": c.Locals("csrf"), "Nav": "workflow",
		"Workflow": w, "Saved": saved, "StatusText": strings.Join(w.Statuses, ", "), "Auto": rows, "Errors": errs,
		"Whens": []rules.AutoWhen{rules.NoReply, rules.FieldFilled, rules.Booked},
	})
}

func (h *Handler) workflowPage(c *fiber.Ctx) error {
	w, saved, err := h.Rules.Workflow(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	if c.Query("template") == "1" {
		w = rules.DefaultWorkflow()
	}
	return h.renderWorkflow(c, fiber.StatusOK, w, saved, nil)
}

// saveWorkflowUI reads the form: statuses as a comma-separated list, transitions as
// "from>to" checkboxes, automatic transitions as rows of aligned fields.
func (h *Handler) saveWorkflowUI(c *fiber.Ctx) error {
	w := rules.Workflow{Statuses: splitList(c.FormValue("statuses")), Transitions: map[string][]string{}}
	args := c.Request().PostArgs()
	for _, t := range args.PeekMulti("transition") {
		from, to, ok := strings.Cut(string(t), ">")
		if ok {
			w.Transitions[from] = append(w.Transitions[from], to)
		}
	}
	whens, tos, froms, hours, fields := args.PeekMulti("auto_when"), args.PeekMulti("auto_to"), args.PeekMulti("auto_from"),
		args.PeekMulti("auto_hours"), args.PeekMulti("auto_field")
	errs := validation.Error{}
	for i, when := range whens {
		if len(when) == 0 {
			continue // a blank row
		}
		a := rules.AutoTransition{When: rules.AutoWhen(when)}
		if i < len(tos) {
			a.To = strings.TrimSpace(string(tos[i]))
		}
		if i < len(froms) {
			a.From = splitList(string(froms[i]))
		}
		if i < len(fields) {
			a.Field = strings.TrimSpace(string(fields[i]))
		}
		if i < len(hours) && len(hours[i]) > 0 {
			n, err := strconv.Atoi(strings.TrimSpace(string(hours[i])))
			if err != nil {
				errs["automatic["+strconv.Itoa(len(w.Automatic))+"].hours"] = "must be a whole number of hours"
			}
			a.Hours = n
		}
		w.Automatic = append(w.Automatic, a)
	}
	err := error(errs)
	if len(errs) == 0 {
		err = h.Rules.SaveWorkflow(c.UserContext(), workspaceID(c), w)
	}
	var verr validation.Error
	if errors.As(err, &verr) {
		return h.renderWorkflow(c, fiber.StatusUnprocessableEntity, w, false, verr)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/workflow?saved=1", fiber.StatusSeeOther)
}

// changeStatusUI is the inbox's status control; a refused move comes back as a page
// that says what is allowed.
func (h *Handler) changeStatusUI(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if _, err := h.Rules.ChangeStatus(c.UserContext(), workspaceID(c), id, currentUser(c).ID, c.FormValue("status")); err != nil {
		return err
	}
	return c.Redirect("/admin/conversations/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
