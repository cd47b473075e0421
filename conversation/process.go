package conversation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/knowledge"
	"github.com/frontdesk/frontdesk/rules"
)

type processWorker struct {
	river.WorkerDefaults[ProcessMessageArgs]
	s *Service
}

func (w *processWorker) Timeout(*river.Job[ProcessMessageArgs]) time.Duration { return 2 * time.Minute }

// Work drafts the reply to one inbound message. Everything it writes commits with the
// job's completion, so a crash at any point leaves the job to run again from scratch.
func (w *processWorker) Work(ctx context.Context, job *river.Job[ProcessMessageArgs]) error {
	s, a := w.s, job.Args
	m, err := s.loadInbound(ctx, a.WorkspaceID, a.MessageID)
	if errors.Is(err, pgx.ErrNoRows) {
		return river.JobCancel(fmt.Errorf("message %d of workspace %d is gone", a.MessageID, a.WorkspaceID))
	}
	if err != nil {
		return err
	}
	if m.direction != "inbound" {
		return nil
	}
	ws, convID, contactID, text, contactName := m.ws, m.convID, m.contactID, m.text, m.contactName

	var d proposal
	if strings.TrimSpace(text) == "" && m.files > 0 {
		d = fileReceived(ws, m.files)
	} else if d, err = s.replyTo(ctx, m); err != nil {
		return err
	}
	var fields tracking.Proposal
	if m.hasSchema {
		if fields, err = s.proposeContext(ctx, ws, text); err != nil {
			return err
		}
	}
	return s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		// A newer message already drafted makes this draft stale from birth. A draft of
		// this message means an earlier run committed (River completes the job after the
		// transaction, so a crash in between runs it again): nothing is booked, drafted or
		// announced twice.
		stale, drafted, err := s.lockForDraft(ctx, tx, a.WorkspaceID, convID, a.MessageID)
		if err != nil || drafted {
			return err
		}
		if d.book != nil && !stale {
			if err := s.bookPicked(ctx, tx, ws, convID, contactID, contactName, &d); err != nil {
				return err
			}
		}
		if d.cancel != nil && !stale {
			if err := s.cancelConfirmed(ctx, tx, ws, convID, contactName, &d); err != nil {
				return err
			}
		}
		status := "pending"
		switch {
		case stale:
			status = "superseded"
		case s.autoSend(ws, d):
			status = "approved"
		}
		// Also supersedes the pending drafts of earlier messages.
		var draftID int64
		err = tx.QueryRow(ctx, s.q.InsertDraft, a.WorkspaceID, convID, a.MessageID, d.Text, d.Intent, d.Confidence,
			d.Sources, d.Provider, d.NeedsHuman, status, d.Offer).Scan(&draftID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // drafted by an earlier run after all (see above)
		}
		if err != nil {
			return fmt.Errorf("conversation: insert draft: %w", err)
		}
		if err := s.applyContext(ctx, tx, ws, convID, fields); err != nil {
			return err
		}
		if d.NeedsHuman {
			if _, err := tx.Exec(ctx, s.q.FlagConversation, a.WorkspaceID, convID); err != nil {
				return fmt.Errorf("conversation: flag conversation: %w", err)
			}
		}
		kind, title := handOffTitle(d, contactName)
		if kind == "" && status == "pending" {
			kind, title = "draft", awaitingTitle(contactName)
		}
		if kind != "" && status != "superseded" {
			if err := s.notify(ctx, tx, ev, a.WorkspaceID, kind, title, convID); err != nil {
				return err
			}
		}
		if status == "approved" {
			if err := s.queueSend(ctx, tx, a.WorkspaceID, draftID); err != nil {
				return err
			}
		}
		// Rules see the message with its intent, once the draft is in.
		if err := s.fire(ctx, tx, a.WorkspaceID, convID, rules.NewMessage); err != nil {
			return err
		}
		// Appointment rules are fired by the booking itself (AppointmentChanged), as for
		// appointments a person books in the calendar.
		ev.add(live.Event{WorkspaceID: a.WorkspaceID, Kind: "draft", ConversationID: convID, ContactID: contactID, DraftID: draftID})
		// River completes the job in its own batched write, which made a tenth of the
		// database's work per message when done here, one statement per job.
		return nil
	})
}

// lockForDraft locks the conversation and says whether a newer message of it already
// has a draft, and whether message msgID has one. The statements go in one batch (one round trip); each still runs on its
// own, so the last sees the drafts committed while the lock was awaited.
//
// The draft's transaction commits without waiting for its WAL to reach the disk
// (synchronous_commit off, this transaction only): waiting for the flush was most of a
// drafted message's time (pg_stat_activity during `bench pipeline`: commits waiting on
// WAL locks and IO). Nothing is lost: the message and its job were committed durably at
// ingest, and the job's completion is in this transaction, so a PostgreSQL crash that
// loses it loses the draft with it (with its send job, notifications and context
// changes) and the job drafts again. Anything that acts on the draft commits durably
// afterwards, which flushes this transaction's WAL first.
func (s *Service) lockForDraft(ctx context.Context, tx pgx.Tx, wsID, convID, msgID int64) (stale, drafted bool, err error) {
	b := &pgx.Batch{}
	b.Queue("SELECT set_config('synchronous_commit', 'off', true)")
	b.Queue(s.q.LockConversation, wsID, convID)
	b.Queue(s.q.NewerDraftExists, wsID, convID, msgID)
	br := tx.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("conversation: lock conversation %d: %w", convID, cerr)
		}
	}()
	if _, err := br.Exec(); err != nil {
		return false, false, fmt.Errorf("conversation: draft transaction of conversation %d: %w", convID, err)
	}
	if _, err := br.Exec(); err != nil {
		return false, false, fmt.Errorf("conversation: lock conversation %d: %w", convID, err)
	}
	if err := br.QueryRow().Scan(&stale, &drafted); err != nil {
		return false, false, fmt.Errorf("conversation: check the drafts of conversation %d: %w", convID, err)
	}
	return stale, drafted, nil
}

// proposeContext reads the workspace's context fields from a message, before the
// transaction, since a model may be slow.
func (s *Service) proposeContext(ctx context.Context, ws Workspace, text string) (tracking.Proposal, error) {
	if s.Context == nil || strings.TrimSpace(text) == "" {
		return nil, nil
	}
	start := time.Now()
	p, err := s.Context.Propose(ctx, s.Pool, ws.ID, text, s.Now().In(ws.Location()), ws.PhoneRegion)
	s.traceModel(ctx, "extract", providerOf(s.Context), start, err)
	if err != nil {
		return nil, fmt.Errorf("conversation: extract context fields: %w", err)
	}
	return p, nil
}

// applyContext stores what extraction read, as the AI: a value a person set stays.
// The tracker fires context_changed when a value changed.
func (s *Service) applyContext(ctx context.Context, tx pgx.Tx, ws Workspace, convID int64, p tracking.Proposal) error {
	if len(p) == 0 {
		return nil
	}
	_, err := s.Context.Apply(ctx, tx, ws.ID, convID, tracking.Setter{By: "ai"}, p, ws.PhoneRegion)
	if errors.Is(err, ErrInvalid) {
		// The schema changed between reading and storing: the next message reads again.
		s.Log.Warn("extracted context fields no longer fit the schema", "workspace_id", ws.ID, "conversation_id", convID, "error", err)
		return nil
	}
	return err
}

// fileReceived answers a message that is only files: a person has to look at them.
func fileReceived(ws Workspace, files int) proposal {
	what := "your file"
	if files > 1 {
		what = "your files"
	}
	return proposal{
		Text:     fmt.Sprintf("Thank you, we have received %s. Someone from %s will take a look and get back to you.", what, ws.Name),
		Intent:   "file_received",
		Sources:  []knowledge.Result{},
		Provider: ai.OfflineProviderID, NeedsHuman: true,
	}
}

// proposal is a drafted reply with what it stood on.
type proposal struct {
	Text       string
	Intent     string
	Confidence float64
	Sources    []knowledge.Result
	Provider   string
	NeedsHuman bool
	// Offer is what the reply offers, kept on the draft until it is sent.
	Offer *storedOffer
	// book is the offered time the customer picked: booked in the draft's transaction.
	book *pickedSlot
	// booked and moved are set once that booking or move succeeded.
	booked, moved bool
	// cancel is the appointment the customer agreed to cancel: cancelled in the draft's transaction.
	cancel *storedOffer
	// cancelled is set once it was.
	cancelled bool
}

// draft classifies m's text, gathers the facts that may answer it and drafts the reply.
// A settings preview's m has no conversation (convID 0).
func (s *Service) draft(ctx context.Context, m inbound) (proposal, error) {
	ws, convID, contactID, text, contactName := m.ws, m.convID, m.contactID, m.text, m.contactName
	start := time.Now()
	cls, err := s.Classifier.Classify(ctx, text)
	s.observeModel(ctx, "classify", cmp.Or(cls.Provider, providerOf(s.Classifier)), start, err)
	if err != nil {
		return proposal{}, fmt.Errorf("conversation: classify: %w", err)
	}
	if cls.Intent == ai.IntentCancel && contactID != 0 {
		return s.cancelQuestion(ctx, ws, contactID, contactName, cls)
	}
	hours := m.hours
	if hours == nil {
		if hours, err = s.Booking.Hours(ctx, s.Pool, ws.ID); err != nil {
			return proposal{}, err
		}
	}
	var facts []ai.Fact
	if s.Context != nil && m.hasContext { // a settings preview has no conversation, so none
		if facts, err = s.Context.Facts(ctx, s.Pool, ws.ID, convID); err != nil {
			return proposal{}, err
		}
	}
	req := ai.DraftRequest{
		Persona: ai.Persona{
			BusinessName: ws.Name, AssistantName: ws.AssistantName, Role: ws.Role,
			Personality: ws.Personality, CustomInstructions: ws.CustomInstructions,
		},
		ContactName: contactName,
		Message:     text,
		Intent:      cls,
		Hours:       map[time.Weekday][]string{},
		Now:         s.Now().In(ws.Location()),
		History:     m.history,
		Context:     facts,
	}
	for day, windows := range hours {
		for _, win := range windows {
			req.Hours[day] = append(req.Hours[day], win.String())
		}
	}
	var serviceID int64
	var moving *booking.Appointment
	if wantsSlots(cls.Intent) {
		if cls.Intent == ai.IntentReschedule && contactID != 0 {
			if moving, err = s.nextAppointment(ctx, ws, contactID); err != nil {
				return proposal{}, err
			}
		}
		if req.Offer, serviceID, err = s.slotOffer(ctx, ws, text, req.Now, moving); err != nil {
			return proposal{}, err
		}
	}
	results, err := s.sources(ctx, ws.ID, req)
	if err != nil {
		return proposal{}, err
	}
	for _, r := range results {
		req.Sources = append(req.Sources, ai.Source{Title: r.Title, Heading: r.Heading, Content: r.Content})
	}
	start = time.Now()
	d, err := s.Drafter.Draft(ctx, req)
	provider := d.Provider
	if provider == "" {
		provider = providerOf(s.Drafter)
	}
	s.observeModel(ctx, "draft", provider, start, err)
	if err != nil {
		return proposal{}, fmt.Errorf("conversation: draft: %w", err)
	}
	return proposal{
		Text: d.Text, Intent: cls.Intent, Confidence: cls.Confidence, Sources: cited(results, d.Cited),
		Provider: d.Provider, NeedsHuman: d.NeedsHuman, Offer: stored(req.Offer, serviceID, req.Now, moving),
	}, nil
}

// sources searches the documents for the passages the reply to req may be drafted from,
// unless the drafter says it would not read them (the search is most of a draft's
// database work).
func (s *Service) sources(ctx context.Context, wsID int64, req ai.DraftRequest) ([]knowledge.Result, error) {
	if r, ok := s.Drafter.(sourceReader); ok && !r.ReadsSources(req) {
		return nil, nil
	}
	results, err := s.Knowledge.Sources(ctx, s.Pool, wsID, req.Message+" "+ai.SearchHint(req.Intent.Intent), 3)
	if errors.Is(err, ai.ErrProviderFailed) {
		// The embedding model is down: answer without sources (the drafter then hands
		// the question to a person) rather than leave the customer waiting.
		s.Log.Warn("knowledge search failed; drafting without sources", "workspace_id", wsID, "error", err)
		return nil, nil
	}
	return results, err
}

// autoSend applies the workspace's approval policy to a draft.
func (s *Service) autoSend(ws Workspace, d proposal) bool {
	switch ws.ApprovalMode {
	case "auto_all":
		return true
	case "auto_threshold":
		if d.NeedsHuman || d.Confidence < float64(ws.ApprovalThreshold) {
			return false
		}
		return len(ws.AutoIntents) == 0 || slices.Contains(ws.AutoIntents, d.Intent)
	default:
		return false
	}
}

// cited narrows the sources searched to those the reply stands on, so the owner sees
// where its facts came from. A drafter that names none (a hand-off) leaves them all:
// they are what the owner has to hand when writing the answer.
func cited(results []knowledge.Result, numbers []int) []knowledge.Result {
	out := []knowledge.Result{}
	for _, n := range numbers {
		if n >= 1 && n <= len(results) {
			out = append(out, results[n-1])
		}
	}
	if len(out) == 0 && len(results) > 0 {
		return results
	}
	return out
}
