package admin

import (
	"context"
	"fmt"
	"html/template"
	"time"

	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/rules"
)

// contextStats is the analytics page's part on conversation context, the figures
// GET /api/v1/context/workspaces/{ws}/analytics returns: where conversations stand in
// the workflow, how often each field of the schema is filled, how the rules fare.
type contextStats struct {
	Stats     rules.Analytics
	FillRates []tracking.FillRate
	Rules     []ruleRateRow
	Funnel    template.HTML
	Fills     template.HTML
}

// ruleRateRow is a rule's figures with its success rate written for a person.
type ruleRateRow struct {
	rules.RuleRate
	Success string
}

// contextAnalytics reads the context figures for the range that starts at since:
// transitions, rule runs and fill rates within it, the funnel as it stands.
func (h *Handler) contextAnalytics(ctx context.Context, ws int64, since time.Time) (contextStats, error) {
	var v contextStats
	var err error
	if v.Stats, err = h.Rules.Analytics(ctx, h.Pool, ws, since); err != nil {
		return v, err
	}
	if v.FillRates, err = h.Context.FillRates(ctx, h.Pool, ws, since); err != nil {
		return v, err
	}
	funnel := make([]chartBar, 0, len(v.Stats.Funnel))
	for _, s := range v.Stats.Funnel {
		funnel = append(funnel, chartBar{Label: s.Status, Value: float64(s.Conversations)})
	}
	v.Funnel = barChart("chart-funnel", "Conversations by status",
		fmt.Sprintf("Where the workspace's %d conversations stand in the workflow now.", v.Stats.Conversations), funnel)
	fills := make([]chartBar, 0, len(v.FillRates))
	for _, f := range v.FillRates {
		fills = append(fills, chartBar{Label: f.Label, Value: f.Rate * 100, Text: fmt.Sprintf("%.0f%% (%d of %d)", f.Rate*100, f.Filled, f.Total)})
	}
	v.Fills = barChart("chart-fills", "Context fields filled",
		"Share of the conversations active in the range that have each field of the schema filled.", fills)
	for _, r := range v.Stats.Rules {
		row := ruleRateRow{RuleRate: r, Success: "no matches"}
		if r.Matched > 0 {
			row.Success = fmt.Sprintf("%.0f%%", r.SuccessRate*100)
		}
		v.Rules = append(v.Rules, row)
	}
	return v, nil
}
