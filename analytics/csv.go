package analytics

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WeekdayNames are the rows of BusiestHours.
var WeekdayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} //nolint:gochecknoglobals // read-only table

// WriteCSV writes the report as one tidy table: metric, day, channel, label, value.
// Every figure is a row, so a spreadsheet can filter and pivot it.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	row := func(metric, day, channel, label, value string) {
		_ = cw.Write([]string{metric, day, channel, label, value}) // the error is kept by cw.Error
	}
	num := func(n int64) string { return strconv.FormatInt(n, 10) }
	ratio := func(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }
	row("metric", "day", "channel", "label", "value")
	row("range", r.From, "", "to "+r.To+" ("+r.Timezone+")", "")
	for _, d := range r.MessagesPerDay {
		row("messages_inbound", d.Day, d.Channel, "", num(d.Inbound))
		row("messages_outbound", d.Day, d.Channel, "", num(d.Outbound))
	}
	median := func(metric string, m Median) {
		v := ""
		if m.Seconds != nil {
			v = strconv.FormatFloat(*m.Seconds, 'f', 1, 64)
		}
		row(metric, "", "", fmt.Sprintf("%d samples", m.Samples), v)
	}
	median("median_first_reply_seconds", r.FirstReply)
	median("median_approval_seconds", r.Approval)
	d := r.Drafts
	row("drafts_approved", "", "", "", num(d.Approved))
	row("drafts_edited", "", "", "", num(d.Edited))
	row("drafts_rejected", "", "", "", num(d.Rejected))
	row("drafts_pending", "", "", "", num(d.Pending))
	row("drafts_auto_sent", "", "", "", num(d.Auto))
	row("drafts_approved_rate", "", "", "", ratio(d.ApprovedRate))
	row("drafts_edited_rate", "", "", "", ratio(d.EditedRate))
	row("drafts_rejected_rate", "", "", "", ratio(d.RejectedRate))
	for _, i := range r.Intents {
		row("intent", "", "", i.Name, num(i.Count))
	}
	b := r.Bookings
	row("bookings", "", "", "", num(b.Booked))
	row("bookings_cancelled", "", "", "", num(b.Cancelled))
	row("conversations", "", "", "", num(b.Conversations))
	row("conversations_with_booking", "", "", "", num(b.Converted))
	row("conversion_rate", "", "", "", ratio(b.Conversion))
	for wd, hours := range r.BusiestHours {
		for h, n := range hours {
			if n > 0 {
				row("inbound_by_hour", "", "", fmt.Sprintf("%s %02d:00", WeekdayNames[wd], h), num(n))
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("analytics: write csv: %w", err)
	}
	return nil
}
