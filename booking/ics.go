package booking

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ICSOptions name the business in an appointment's calendar file.
type ICSOptions struct {
	BusinessName string
	// Domain makes UIDs globally unique ("frontdesk.example.com").
	Domain string
	// WorkspaceID keeps UIDs of different workspaces apart.
	WorkspaceID int64
}

const icsStamp = "20060102T150405Z"

// ICS renders the appointment as an iCalendar (RFC 5545) file with one event: CRLF line
// endings, lines folded at 75 octets, text escaped, times in UTC. The UID is stable, and
// SEQUENCE grows with each change, so a calendar that imported the file updates its
// event when it imports a newer one (a cancelled appointment has STATUS:CANCELLED).
func (a Appointment) ICS(o ICSOptions) string {
	status := "CONFIRMED"
	if a.Status == StatusCancelled {
		status = "CANCELLED"
	}
	summary := a.ServiceName
	if o.BusinessName != "" {
		summary += " at " + o.BusinessName
	}
	desc := a.ServiceName
	if a.ContactName != "" {
		desc += "\nFor: " + a.ContactName
	}
	if a.ContactPhone != "" {
		desc += "\nPhone: " + a.ContactPhone
	}
	if a.Notes != "" {
		desc += "\n" + a.Notes
	}
	domain := o.Domain
	if domain == "" {
		domain = "frontdesk.invalid"
	}
	var b strings.Builder
	for _, line := range []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//frontdesk//booking//EN",
		"CALSCALE:GREGORIAN",
		"BEGIN:VEVENT",
		fmt.Sprintf("UID:appointment-%d-%d@%s", o.WorkspaceID, a.ID, domain),
		"DTSTAMP:" + a.UpdatedAt.UTC().Format(icsStamp),
		"DTSTART:" + a.Start.UTC().Format(icsStamp),
		"DTEND:" + a.End.UTC().Format(icsStamp),
		fmt.Sprintf("SEQUENCE:%d", a.Sequence),
		"STATUS:" + status,
		"SUMMARY:" + icsText(summary),
		"DESCRIPTION:" + icsText(desc),
		"END:VEVENT",
		"END:VCALENDAR",
	} {
		foldICS(&b, line)
	}
	return b.String()
}

// icsText escapes a TEXT value (RFC 5545 3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// foldICS writes a content line, folded so no line is longer than 75 octets, never
// splitting a UTF-8 character (RFC 5545 3.1).
func foldICS(b *strings.Builder, line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}
