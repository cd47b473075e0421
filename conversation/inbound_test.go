package conversation_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/channels"
)

// recordingDrafter drafts offline and keeps every request, by message.
type recordingDrafter struct {
	mu   sync.Mutex
	reqs map[string]ai.DraftRequest
}

func (r *recordingDrafter) Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error) {
	r.mu.Lock()
	r.reqs[req.Message] = req
	r.mu.Unlock()
	return ai.OfflineDrafter{}.Draft(ctx, req)
}

// The draft job reads the message, its history and the workspace's settings in one
// query: the history must come oldest first without the message itself or empty
// texts, and a settings change must reach the very next message.
func TestDraftJobReadsHistoryAndCurrentSettings(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	rec := &recordingDrafter{reqs: map[string]ai.DraftRequest{}}
	b.svc.Drafter = rec
	ctx := context.Background()
	in := channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900131"}
	for _, text := range []string{"hello", "is anyone there?"} {
		in.Text = text
		_, err := b.svc.Ingest(ctx, in)
		require.NoError(t, err)
		workJobs(t, b, "process_message")
	}
	ws := b.ws
	ws.AssistantName, ws.Personality = "Robin", "formal"
	require.NoError(t, b.svc.UpdateSettings(ctx, b.pool, ws, "owner"))
	in.Text = "what time do you open on Monday?"
	last, err := b.svc.Ingest(ctx, in)
	require.NoError(t, err)
	workJobs(t, b, "process_message")
	b.draftFor(t, last.MessageID)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	first, third := rec.reqs["hello"], rec.reqs[in.Text]
	require.Empty(t, first.History, "the first message has no history")
	require.NotEqual(t, "Robin", first.Persona.AssistantName)
	require.Equal(t, []ai.Turn{{Role: ai.TurnCustomer, Text: "hello"}, {Role: ai.TurnCustomer, Text: "is anyone there?"}}, third.History)
	require.Equal(t, "Robin", third.Persona.AssistantName)
	require.Equal(t, "formal", third.Persona.Personality)
	require.Equal(t, "Bright Smile Dental", third.Persona.BusinessName)

	// The draft's transaction alone commits without waiting for the WAL flush; every
	// connection back in the pool (ingest's next transaction among them) waits again.
	conns := b.pool.AcquireAllIdle(ctx)
	require.NotEmpty(t, conns)
	modes := make([]string, len(conns))
	errs := make([]error, len(conns))
	for i, c := range conns {
		errs[i] = c.QueryRow(ctx, "SHOW synchronous_commit").Scan(&modes[i])
		c.Release() // before any assertion: the pool closes only when all are back
	}
	for i := range conns {
		require.NoError(t, errs[i])
		require.Equal(t, "on", modes[i])
	}
}
