package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/secret"
)

const (
	demoSlug     = "bright-smile"
	demoEmail    = "owner@bright-smile.example"
	demoPassword = "frontdesk-demo"
	demoPhone    = "+447700900123"
)

// demoDocuments are the clinic's knowledge snippets: what the assistant may answer from.
var demoDocuments = []struct{ title, text string }{ //nolint:gochecknoglobals // read-only seed data
	{"Prices", "A routine check-up and cleaning costs £65 and takes 30 minutes.\n\n" +
		"Teeth whitening starts at £250 for a single session.\n\n" +
		"An emergency appointment costs £90, and we keep slots free every weekday morning."},
	{"Location and parking", "Bright Smile Dental is at 12 Harley Row, London W1G 9PF, two minutes from Regent's Park station.\n\n" +
		"There is paid street parking on Harley Row, and the clinic is step-free with a lift to the first floor."},
	{"Insurance and payment", "We accept Bupa, AXA Health and Denplan insurance, and card or contactless payment.\n\n" +
		"Payment is taken at the end of each visit."},
	{"New patients", "New patients are welcome. Please arrive 10 minutes early to fill in a medical history form.\n\n" +
		"Children under 16 must come with a parent or guardian."},
}

var demoHours = []booking.Window{ //nolint:gochecknoglobals // read-only seed data
	{Weekday: time.Monday, Opens: "09:00", Closes: "17:30"},
	{Weekday: time.Tuesday, Opens: "09:00", Closes: "17:30"},
	{Weekday: time.Wednesday, Opens: "09:00", Closes: "19:00"},
	{Weekday: time.Thursday, Opens: "09:00", Closes: "17:30"},
	{Weekday: time.Friday, Opens: "09:00", Closes: "16:00"},
	{Weekday: time.Saturday, Opens: "09:00", Closes: "13:00"},
}

// demoServices are what the clinic's documents price.
func demoServices() []booking.Service {
	cents := func(c int64) *int64 { return &c }
	return []booking.Service{
		{Name: "Check-up and cleaning", DurationMinutes: 30, BufferAfterMinutes: 10, PriceCents: cents(6500), Currency: "GBP"},
		{Name: "Teeth whitening", DurationMinutes: 60, BufferAfterMinutes: 15, PriceCents: cents(25000), Currency: "GBP"},
		{Name: "Emergency appointment", DurationMinutes: 30, PriceCents: cents(9000), Currency: "GBP"},
	}
}

// seedDemo creates the demo clinic unless it exists, and returns it.
func seedDemo(ctx context.Context, a *app) (conversation.Workspace, error) {
	w, err := a.conv.WorkspaceBySlug(ctx, a.pool, demoSlug)
	if err == nil {
		return w, seedDemoServices(ctx, a, w.ID)
	}
	if !errors.Is(err, conversation.ErrNotFound) {
		return w, err
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		if w, err = a.conv.CreateWorkspace(ctx, tx, demoSlug, "Bright Smile Dental", "Europe/London", "GB"); err != nil {
			return err
		}
		w.AssistantName, w.Role, w.Personality = "Ava", "dental", "friendly"
		w.CustomInstructions = "Never give medical advice; offer an appointment instead."
		if err := a.conv.UpdateSettings(ctx, tx, w, "demo"); err != nil {
			return err
		}
		if _, err := a.accounts.CreateUser(ctx, tx, w.ID, demoEmail, "Dr. Sam Patel", "owner", demoPassword); err != nil {
			return err
		}
		for _, d := range demoDocuments {
			if _, err := a.knowledge.AddText(ctx, tx, w.ID, d.title, d.text); err != nil {
				return err
			}
		}
		if err := a.booking.SetHours(ctx, tx, w.ID, demoHours); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return w, err
	}
	return w, seedDemoServices(ctx, a, w.ID)
}

// seedDemoServices gives the clinic its services unless it has some (a demo seeded by an
// older frontdesk has none).
func seedDemoServices(ctx context.Context, a *app, ws int64) error {
	existing, err := a.booking.Services(ctx, a.pool, ws)
	if err != nil || len(existing) > 0 {
		return err
	}
	for _, sv := range demoServices() {
		if _, err := a.booking.CreateService(ctx, a.pool, ws, sv); err != nil {
			return err
		}
	}
	return nil
}

func demo(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	seedOnly := fs.Bool("seed-only", false, "seed the demo business and exit")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if cfg.SecretKey == "" {
		var err error
		if cfg.SecretKey, err = demoSecretKey(); err != nil {
			return err
		}
	}
	pool, err := prepareDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := newApp(cfg, log, pool, appOptions{workers: true})
	if err != nil {
		return err
	}
	w, err := seedDemo(ctx, a)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	contactID, err := a.conv.UpsertContact(ctx, pool, w.ID, demoPhone, "Jane Doe", channels.Portal)
	if err != nil {
		return err
	}
	if err := seedDemoContext(ctx, a, w, contactID); err != nil {
		return fmt.Errorf("seed demo context: %w", err)
	}
	link, err := a.portal.CreateLink(ctx, pool, w.ID, contactID, cfg.PortalLinkTTL)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, `
frontdesk demo: %s

  Admin UI:        %s/admin
  Sign in as:      %s
  Password:        %s

  Customer portal: %s/p/%s
                   (a chat link for the demo customer, Jane Doe; open it on a phone-sized window)
  Public page:     %s/w/%s
                   (anyone can start a chat; the one-time code is printed in this log
                   and shown under Notifications in the admin UI)

`, w.Name, cfg.BaseURL, demoEmail, demoPassword, cfg.BaseURL, link, cfg.BaseURL, w.Slug)
	if *seedOnly {
		return nil
	}
	return a.run(ctx, true, nil)
}

// demoKeyFile keeps the demo's secret key across restarts, so the channel credentials
// it seals stay readable. A real deployment sets FRONTDESK_SECRET_KEY instead.
const demoKeyFile = "data/demo-secret.key"

func demoSecretKey() (string, error) {
	if b, err := os.ReadFile(demoKeyFile); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	key := secret.New("demo-")
	if err := os.MkdirAll(filepath.Dir(demoKeyFile), 0o700); err != nil {
		return "", fmt.Errorf("demo key: %w", err)
	}
	if err := os.WriteFile(demoKeyFile, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("demo key: %w", err)
	}
	return key, nil
}
