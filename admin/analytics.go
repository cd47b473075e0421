package admin

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/analytics"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// report computes the analytics for the range in the request (?from=&to= or ?days=),
// in the workspace's time zone.
func (h *Handler) report(c *fiber.Ctx) (analytics.Report, error) {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return analytics.Report{}, err
	}
	loc, now := w.Location(), time.Now()
	var r analytics.Range
	if days := c.Query("days"); days != "" && c.Query("from") == "" && c.Query("to") == "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > analytics.MaxDays {
			return analytics.Report{}, validation.Error{"days": fmt.Sprintf("days must be a whole number from 1 to %d", analytics.MaxDays)}
		}
		r = analytics.LastDays(n, loc, now)
	} else if r, err = analytics.ParseRange(c.Query("from"), c.Query("to"), loc, now); err != nil {
		return analytics.Report{}, err
	}
	return h.analytics.Report(c.UserContext(), h.Pool, workspaceID(c), r)
}

func (h *Handler) apiAnalytics(c *fiber.Ctx) error {
	rep, err := h.report(c)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

func (h *Handler) analyticsCSV(c *fiber.Ctx) error {
	rep, err := h.report(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := analytics.WriteCSV(&buf, rep); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="analytics-%s-%s.csv"`, rep.From, rep.To))
	return c.Send(buf.Bytes())
}

// analyticsView is what the analytics page shows.
type analyticsView struct {
	Report                             analytics.Report
	From, To                           string
	Errors                             validation.Error
	Messages, Drafts, Intents, Busiest template.HTML
	Bookings                           template.HTML
	FirstReply, Approval               string
	Presets                            []int
	CSVQuery                           string
	BusiestRows                        []string
	Context                            contextStats
}

func (h *Handler) analyticsPage(c *fiber.Ctx) error {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	v := analyticsView{From: c.Query("from"), To: c.Query("to"), Presets: []int{7, 30, 90}}
	rep, err := h.report(c)
	var bad validation.Error
	switch {
	case errors.As(err, &bad):
		// Show the fields' errors next to them, with the default range's figures.
		v.Errors = bad
		r := analytics.LastDays(analytics.DefaultDays, w.Location(), time.Now())
		if rep, err = h.analytics.Report(c.UserContext(), h.Pool, w.ID, r); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		v.From, v.To = rep.From, rep.To
	}
	if v.From == "" {
		v.From, v.To = rep.From, rep.To
	}
	v.Report = rep
	v.CSVQuery = "from=" + rep.From + "&to=" + rep.To
	v.FirstReply, v.Approval = humanSeconds(rep.FirstReply.Seconds), humanSeconds(rep.Approval.Seconds)
	h.drawCharts(&v)
	since, err := time.ParseInLocation(time.DateOnly, rep.From, w.Location())
	if err != nil {
		return err
	}
	if v.Context, err = h.contextAnalytics(c.UserContext(), w.ID, since); err != nil {
		return err
	}
	c.Status(statusFor(v.Errors))
	return h.pages.Render(c, "analytics.html", fiber.Map{
		"Title": "Analytics", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "analytics", "A": v,
	})
}

func statusFor(bad validation.Error) int {
	if len(bad) > 0 {
		return fiber.StatusUnprocessableEntity
	}
	return fiber.StatusOK
}

func (h *Handler) drawCharts(v *analyticsView) {
	rep := v.Report
	index := map[string]int{}
	for i, d := range rep.Days {
		index[d] = i
	}
	var series []chartSeries
	for _, ch := range rep.Channels {
		s := chartSeries{Name: ch, Values: make([]float64, len(rep.Days))}
		for _, d := range rep.MessagesPerDay {
			if d.Channel == ch {
				s.Values[index[d.Day]] = float64(d.Inbound + d.Outbound)
			}
		}
		series = append(series, s)
	}
	labels := make([]string, len(rep.Days))
	for i, d := range rep.Days {
		if t, err := time.Parse(time.DateOnly, d); err == nil {
			labels[i] = t.Format("Jan 2")
		}
	}
	v.Messages = lineChart("chart-messages", "Messages per day by channel",
		fmt.Sprintf("%d messages from customers and %d replies from %s to %s, one line per channel.", rep.Inbound, rep.Outbound, rep.From, rep.To),
		labels, series)

	d := rep.Drafts
	v.Drafts = barChart("chart-drafts", "What happened to drafted replies",
		fmt.Sprintf("%d approved as drafted, %d edited, %d rejected, %d waiting.", d.Approved, d.Edited, d.Rejected, d.Pending),
		[]chartBar{
			{Label: "Approved as drafted", Value: float64(d.Approved), Text: fmt.Sprintf("%d (%.0f%%)", d.Approved, d.ApprovedRate*100)},
			{Label: "Edited, then sent", Value: float64(d.Edited), Text: fmt.Sprintf("%d (%.0f%%)", d.Edited, d.EditedRate*100)},
			{Label: "Rejected", Value: float64(d.Rejected), Text: fmt.Sprintf("%d (%.0f%%)", d.Rejected, d.RejectedRate*100)},
			{Label: "Waiting for a person", Value: float64(d.Pending)},
		})

	bars := make([]chartBar, 0, len(rep.Intents))
	for _, i := range rep.Intents {
		bars = append(bars, chartBar{Label: i.Name, Value: float64(i.Count)})
	}
	v.Intents = barChart("chart-intents", "What customers asked for", "Messages by the intent the assistant recognised.", bars)

	b := rep.Bookings
	v.Bookings = barChart("chart-bookings", "Conversations and bookings",
		fmt.Sprintf("%d conversations began, %d of them led to a booking (%.0f%%); %d appointments booked, %d cancelled.",
			b.Conversations, b.Converted, b.Conversion*100, b.Booked, b.Cancelled),
		[]chartBar{
			{Label: "Conversations", Value: float64(b.Conversations)},
			{Label: "Led to a booking", Value: float64(b.Converted), Text: fmt.Sprintf("%d (%.0f%%)", b.Converted, b.Conversion*100)},
			{Label: "Appointments booked", Value: float64(b.Booked)},
			{Label: "Cancelled", Value: float64(b.Cancelled)},
		})

	hours := make([]string, 24)
	for i := range hours {
		hours[i] = fmt.Sprintf("%02d", i)
	}
	cells := make([][]int64, 7)
	for i := range cells {
		cells[i] = rep.BusiestHours[i][:]
	}
	v.BusiestRows = analytics.WeekdayNames[:]
	v.Busiest = heatmap("chart-hours", "Busiest hours",
		"Customers' messages by weekday and hour of the day, in "+rep.Timezone+"; darker is busier.",
		analytics.WeekdayNames[:], hours, cells)
}

// humanSeconds writes a median duration the way people say it.
func humanSeconds(s *float64) string {
	if s == nil {
		return "no data"
	}
	d := time.Duration(*s * float64(time.Second)).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}
