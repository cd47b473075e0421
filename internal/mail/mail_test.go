package mail_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/mail"
	"github.com/frontdesk/frontdesk/internal/mail/mailtest"
)

func TestSendReachesServer(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	s, err := mail.New(srv.URL(), "Front Desk <desk@example.com>")
	require.NoError(t, err)
	err = s.Send(context.Background(), mail.Message{To: "owner@example.com", Subject: "Kim complained",
		Text: "Open it: http://x/admin/conversations/7", HTML: "<p>Open it</p>", Unsubscribe: "http://x/admin/settings/notifications"})
	require.NoError(t, err)
	got := srv.To("owner@example.com")
	require.Len(t, got, 1)
	require.Equal(t, "Kim complained", got[0].Subject)
	require.Equal(t, "desk@example.com", got[0].From)
	require.Contains(t, got[0].Text, "http://x/admin/conversations/7")
	require.Contains(t, got[0].HTML, "<p>Open it</p>")
	require.Equal(t, "<http://x/admin/settings/notifications>", got[0].Header.Get("List-Unsubscribe"))
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	s, err := mail.New(srv.URL(), "desk@example.com")
	require.NoError(t, err)
	ctx := context.Background()

	srv.FailNext(451, 1)
	err = s.Send(ctx, mail.Message{To: "a@example.com", Subject: "x", Text: "y"})
	require.Error(t, err)
	require.False(t, mail.Permanent(err), "a 4xx is worth another try: %v", err)

	srv.FailNext(550, 1)
	err = s.Send(ctx, mail.Message{To: "a@example.com", Subject: "x", Text: "y"})
	require.Error(t, err)
	require.True(t, mail.Permanent(err), "a 5xx is final: %v", err)
	require.Contains(t, mail.Describe(err), "550")

	// Without plain=1 a server that offers no STARTTLS is refused: nothing goes in clear.
	strict, err := mail.New("smtp://"+srv.Addr, "desk@example.com")
	require.NoError(t, err)
	err = strict.Send(ctx, mail.Message{To: "a@example.com", Subject: "x", Text: "y"})
	require.ErrorContains(t, err, "STARTTLS")
	require.Empty(t, srv.Mails())
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, from, want string }{
		{"http://mail.example.com", "a@example.com", "smtp:// or smtps://"},
		{"smtp://", "a@example.com", "no host"},
		{"smtp://mail.example.com:99999", "a@example.com", "bad port"},
		{"smtp://mail.example.com?plain=maybe", "a@example.com", "plain"},
		{"smtps://mail.example.com?plain=1", "a@example.com", "plain=1"},
		{"smtp://mail.example.com", "", "FRONTDESK_MAIL_FROM must be set"},
		{"smtp://mail.example.com", "not an address", "not an address"},
	} {
		_, err := mail.New(tc.url, tc.from)
		require.ErrorIs(t, err, mail.ErrConfig, tc.url)
		require.ErrorContains(t, err, tc.want, tc.url)
	}
	s, err := mail.New("smtps://u:secret@mail.example.com", "a@example.com")
	require.NoError(t, err)
	require.Equal(t, "smtps (TLS) mail.example.com:465", s.String())
	require.NotContains(t, s.String(), "secret")
}
