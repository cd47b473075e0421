package accounts_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/validation"
)

func TestAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var ws, other int64
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('a-clinic', 'A') RETURNING id`).Scan(&ws))
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('b-clinic', 'B') RETURNING id`).Scan(&other))
	box, err := secret.NewBox([]byte("accounts-test-key-0123456789abcdef"))
	require.NoError(t, err)
	s, err := accounts.NewStore(box)
	require.NoError(t, err)

	_, _, err = accounts.Check(accounts.Input{Kind: accounts.Twilio, AccountSID: "AC1", PhoneNumber: "12"}, "GB")
	var verr validation.Error
	require.ErrorAs(t, err, &verr)
	require.Contains(t, verr, "account_sid")
	require.Contains(t, verr, "auth_token")
	require.Contains(t, verr, "phone_number")
	_, _, err = accounts.Check(accounts.Input{Kind: "fax"}, "GB")
	require.ErrorContains(t, err, "kind")

	const token = "0123456789abcdef0123456789abcdef"
	a, c, err := accounts.Check(accounts.Input{Kind: accounts.Twilio, AccountSID: "AC" + "ffffffffffffffffffffffffffffffff",
		AuthToken: token, PhoneNumber: "07700 900999"}, "GB")
	require.NoError(t, err)
	require.Equal(t, "+447700900999", a.Settings.PhoneNumber, "read with the workspace's region")
	a, err = s.Create(ctx, pool, ws, a, c)
	require.NoError(t, err)

	var sealed []byte
	require.NoError(t, pool.QueryRow(ctx, `SELECT credentials FROM channel_accounts WHERE id = $1`, a.ID).Scan(&sealed))
	require.False(t, bytes.Contains(sealed, []byte(token)))

	got, cred, err := s.Get(ctx, pool, ws, a.ID)
	require.NoError(t, err)
	require.Equal(t, token, cred.AuthToken)
	require.Equal(t, a.Settings, got.Settings)
	_, _, err = s.Get(ctx, pool, other, a.ID)
	require.ErrorIs(t, err, accounts.ErrNotFound, "another workspace does not see it")
	require.ErrorIs(t, s.Delete(ctx, pool, other, a.ID), accounts.ErrNotFound)

	// A row's sealed credentials do not open under another row's id.
	b, _, err := accounts.Check(accounts.Input{Kind: accounts.Telegram, BotToken: "123456789:AAE-abcdefghijklmnopqrstuvwxyz0123456"}, "GB")
	require.NoError(t, err)
	b, err = s.Create(ctx, pool, ws, b, accounts.Credentials{BotToken: "x"})
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE channel_accounts SET credentials = $1 WHERE id = $2`, sealed, b.ID)
	require.NoError(t, err)
	_, _, err = s.Get(ctx, pool, ws, b.ID)
	require.ErrorContains(t, err, "cannot open")

	// The webhook cache forgets an account this node removed.
	_, _, err = s.Cached(ctx, pool, a.ID)
	require.NoError(t, err)
	require.NoError(t, s.Delete(ctx, pool, ws, a.ID))
	_, _, err = s.Cached(ctx, pool, a.ID)
	require.ErrorIs(t, err, accounts.ErrNotFound)
}
