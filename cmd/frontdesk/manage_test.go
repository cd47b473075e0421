package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
)

func TestCLICreatesWorkspaceUserAndToken(t *testing.T) {
	pool := dbtest.New(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("FRONTDESK_LOG_LEVEL", "error")
	ctx := context.Background()
	cli := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, args, strings.NewReader(stdin), &out)
		return out.String(), err
	}

	out, err := cli("", "workspaces", "create", "--slug", "acme-dental", "--name", "Acme Dental", "--timezone", "America/New_York")
	require.NoError(t, err)
	require.Contains(t, out, "created workspace acme-dental")

	_, err = cli("", "workspaces", "create", "--slug", "acme-dental", "--name", "Again", "--timezone", "UTC")
	require.ErrorContains(t, err, "already exists")
	_, err = cli("", "workspaces", "create", "--slug", "x2", "--name", "X", "--timezone", "Nowhere/City")
	require.ErrorContains(t, err, "not an IANA zone")
	_, err = cli("", "workspaces", "create", "--name", "X")
	require.ErrorContains(t, err, "needs --slug, --timezone")

	out, err = cli("correct-horse-battery\n", "users", "create", "--workspace", "acme-dental", "--email", "Owner@Acme.example")
	require.NoError(t, err)
	require.Contains(t, out, "created owner owner@acme.example")
	_, err = cli("short\n", "users", "create", "--workspace", "acme-dental", "--email", "staff@acme.example")
	require.ErrorContains(t, err, "at least 8 characters")
	_, err = cli("correct-horse-battery\n", "users", "create", "--workspace", "nope", "--email", "a@b.example")
	require.ErrorContains(t, err, "not found")

	out, err = cli("", "tokens", "create", "--workspace", "acme-dental")
	require.NoError(t, err)
	fields := strings.Fields(out)
	token := fields[len(fields)-1]
	require.True(t, strings.HasPrefix(token, "fdt_"), out)
	_, err = cli("", "tokens", "create", "--workspace", "acme-dental", "--role", "staff")
	require.NoError(t, err)
	var roles string
	require.NoError(t, pool.QueryRow(ctx, `SELECT string_agg(role, ',' ORDER BY id) FROM api_tokens`).Scan(&roles))
	require.Equal(t, "owner,staff", roles)
	_, err = cli("", "tokens", "create", "--workspace", "acme-dental", "--role", "boss")
	require.ErrorContains(t, err, "role must be owner or staff")

	_, err = cli("", "frobnicate")
	require.ErrorIs(t, err, errUsage)
	out, err = cli("", "--help")
	require.NoError(t, err)
	for _, sub := range []string{"serve", "migrate", "demo", "workspaces create", "users create", "tokens create", "bench ingest"} {
		require.Contains(t, out, sub)
	}
}
