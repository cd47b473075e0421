// Package analytics computes a workspace's figures over a date range: messages per day
// by channel, time to first reply and to approval, what happened to drafts, intents,
// bookings and conversion, and the busiest hours. Days and hours are the workspace's
// local ones. Every query is scoped to one workspace.
package analytics

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

type queries struct {
	MessagesPerDay, FirstReply, Approval, DraftOutcomes, Intents, Bookings, BusiestHours string
}

// Store runs the analytics queries.
type Store struct{ q queries }

// New loads the queries.
func New() (*Store, error) {
	s := &Store{}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	return s, nil
}

// DayChannel counts one local day's messages on one channel.
type DayChannel struct {
	Day      string `json:"day"`
	Channel  string `json:"channel"`
	Inbound  int64  `json:"inbound"`
	Outbound int64  `json:"outbound"`
}

// Median is the median of a duration in seconds over Samples cases; nil when there were none.
type Median struct {
	Seconds *float64 `json:"median_seconds"`
	Samples int64    `json:"samples"`
	// Unanswered counts waits with no reply yet (first reply only).
	Unanswered int64 `json:"unanswered,omitempty"`
}

// Drafts is what became of the drafts written in the range.
type Drafts struct {
	Approved int64 `json:"approved"`
	Edited   int64 `json:"edited"`
	Rejected int64 `json:"rejected"`
	Pending  int64 `json:"pending"`
	// Auto were sent by the approval policy, without a person (counted in Approved).
	Auto int64 `json:"auto_sent"`
	// Rates are shares of the decided drafts (approved + edited + rejected).
	ApprovedRate float64 `json:"approved_rate"`
	EditedRate   float64 `json:"edited_rate"`
	RejectedRate float64 `json:"rejected_rate"`
}

// Count is a labelled number.
type Count struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// Bookings are the appointments made in the range and how many conversations led to one.
type Bookings struct {
	Booked        int64 `json:"booked"`
	Cancelled     int64 `json:"cancelled"`
	Conversations int64 `json:"conversations"`
	Converted     int64 `json:"converted"`
	// Conversion is Converted / Conversations: conversations begun in the range whose
	// contact booked an appointment after it began.
	Conversion float64 `json:"conversion"`
}

// Report is a workspace's figures for a date range.
type Report struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Timezone string `json:"timezone"`
	// Days are the range's local days, each date once, in order.
	Days           []string     `json:"days"`
	Channels       []string     `json:"channels"`
	MessagesPerDay []DayChannel `json:"messages_per_day"`
	Inbound        int64        `json:"inbound_messages"`
	Outbound       int64        `json:"outbound_messages"`
	FirstReply     Median       `json:"first_reply"`
	Approval       Median       `json:"approval"`
	Drafts         Drafts       `json:"drafts"`
	Intents        []Count      `json:"intents"`
	Bookings       Bookings     `json:"bookings"`
	// BusiestHours counts customers' messages by weekday (0 = Monday) and local hour.
	BusiestHours [7][24]int64 `json:"busiest_hours"`
}

// Report computes the figures of workspace ws over r, read in one snapshot.
func (s *Store) Report(ctx context.Context, db *pgxpool.Pool, ws int64, r Range) (Report, error) {
	rep := Report{From: r.From.Format(time.DateOnly), To: r.To.Format(time.DateOnly), Timezone: r.Location.String(),
		Days: r.days(), Channels: []string{}, MessagesPerDay: []DayChannel{}, Intents: []Count{}}
	start, end := r.instants()
	tz := r.Location.String()
	err := pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, s.q.MessagesPerDay, ws, start, end, tz)
		if err != nil {
			return fmt.Errorf("analytics: messages per day: %w", err)
		}
		if rep.MessagesPerDay, err = pgx.CollectRows(rows, pgx.RowToStructByPos[DayChannel]); err != nil {
			return fmt.Errorf("analytics: messages per day: %w", err)
		}
		for _, d := range rep.MessagesPerDay {
			rep.Inbound += d.Inbound
			rep.Outbound += d.Outbound
			if !slices.Contains(rep.Channels, d.Channel) {
				rep.Channels = append(rep.Channels, d.Channel)
			}
		}
		slices.Sort(rep.Channels)
		var waits int64
		if err := tx.QueryRow(ctx, s.q.FirstReply, ws, start, end).Scan(&rep.FirstReply.Seconds, &rep.FirstReply.Samples, &waits); err != nil {
			return fmt.Errorf("analytics: first reply: %w", err)
		}
		rep.FirstReply.Unanswered = waits - rep.FirstReply.Samples
		if err := tx.QueryRow(ctx, s.q.Approval, ws, start, end).Scan(&rep.Approval.Seconds, &rep.Approval.Samples); err != nil {
			return fmt.Errorf("analytics: approval: %w", err)
		}
		d := &rep.Drafts
		if err := tx.QueryRow(ctx, s.q.DraftOutcomes, ws, start, end).Scan(&d.Approved, &d.Edited, &d.Rejected, &d.Pending, &d.Auto); err != nil {
			return fmt.Errorf("analytics: drafts: %w", err)
		}
		if decided := d.Approved + d.Edited + d.Rejected; decided > 0 {
			d.ApprovedRate = float64(d.Approved) / float64(decided)
			d.EditedRate = float64(d.Edited) / float64(decided)
			d.RejectedRate = float64(d.Rejected) / float64(decided)
		}
		if rows, err = tx.Query(ctx, s.q.Intents, ws, start, end); err != nil {
			return fmt.Errorf("analytics: intents: %w", err)
		}
		if rep.Intents, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Count]); err != nil {
			return fmt.Errorf("analytics: intents: %w", err)
		}
		b := &rep.Bookings
		if err := tx.QueryRow(ctx, s.q.Bookings, ws, start, end).Scan(&b.Booked, &b.Cancelled, &b.Conversations, &b.Converted); err != nil {
			return fmt.Errorf("analytics: bookings: %w", err)
		}
		if b.Conversations > 0 {
			b.Conversion = float64(b.Converted) / float64(b.Conversations)
		}
		if rows, err = tx.Query(ctx, s.q.BusiestHours, ws, start, end, tz); err != nil {
			return fmt.Errorf("analytics: busiest hours: %w", err)
		}
		var isodow, hour int
		var n int64
		_, err = pgx.ForEachRow(rows, []any{&isodow, &hour, &n}, func() error {
			if isodow >= 1 && isodow <= 7 && hour >= 0 && hour < 24 {
				rep.BusiestHours[isodow-1][hour] = n
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("analytics: busiest hours: %w", err)
		}
		return nil
	})
	if rep.Intents == nil {
		rep.Intents = []Count{}
	}
	if rep.MessagesPerDay == nil {
		rep.MessagesPerDay = []DayChannel{}
	}
	return rep, err
}
