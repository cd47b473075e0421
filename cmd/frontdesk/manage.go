package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/config"
)

func requireFlags(fs *flag.FlagSet, names ...string) error {
	var missing []string
	for _, n := range names {
		if fs.Lookup(n).Value.String() == "" {
			missing = append(missing, "--"+n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s needs %s", fs.Name(), strings.Join(missing, ", "))
	}
	return nil
}

func createWorkspace(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("workspaces create", flag.ContinueOnError)
	slug := fs.String("slug", "", "short name used in URLs, e.g. bright-smile")
	name := fs.String("name", "", "the business's name")
	tz := fs.String("timezone", "", "IANA time zone, e.g. Europe/London")
	region := fs.String("region", "US", "country of local phone numbers, e.g. GB")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := requireFlags(fs, "slug", "name", "timezone"); err != nil {
		return err
	}
	return withApp(ctx, cfg, log, func(a *app) error {
		w, err := a.conv.CreateWorkspace(ctx, a.pool, *slug, *name, *tz, *region)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "created workspace %s (id %d)\n", w.Slug, w.ID)
		return nil
	})
}

// readPassword reads a password from the terminal without echo, or a line of stdin.
func readPassword(in io.Reader, out io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(out, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		return string(b), err
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func createUser(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("users create", flag.ContinueOnError)
	slug := fs.String("workspace", "", "workspace slug")
	email := fs.String("email", "", "the user's email, used to sign in")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "owner", "owner or staff")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := requireFlags(fs, "workspace", "email"); err != nil {
		return err
	}
	if *role != "owner" && *role != "staff" {
		return fmt.Errorf("--role must be owner or staff, not %q", *role)
	}
	password, err := readPassword(in, out)
	if err != nil {
		return fmt.Errorf("read password: %w", err)
	}
	return inWorkspace(ctx, cfg, log, *slug, func(a *app, w conversation.Workspace) error {
		u, err := a.accounts.CreateUser(ctx, a.pool, w.ID, *email, *name, *role, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "created %s %s in workspace %s\n", u.Role, u.Email, w.Slug)
		return nil
	})
}

func createToken(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("tokens create", flag.ContinueOnError)
	slug := fs.String("workspace", "", "workspace slug")
	name := fs.String("name", "cli", "a label to recognise the token by")
	role := fs.String("role", "owner", "owner, or staff for a token that cannot change settings")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := requireFlags(fs, "workspace"); err != nil {
		return err
	}
	return inWorkspace(ctx, cfg, log, *slug, func(a *app, w conversation.Workspace) error {
		token, err := a.accounts.CreateRoleToken(ctx, a.pool, w.ID, *name, *role)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "API token for %s (shown once; store it safely): %s\n", w.Slug, token)
		return nil
	})
}

// inWorkspace runs fn with an app on a migrated database and the workspace of slug.
func inWorkspace(ctx context.Context, cfg config.Config, log *slog.Logger, slug string, fn func(*app, conversation.Workspace) error) error {
	return withApp(ctx, cfg, log, func(a *app) error {
		w, err := a.conv.WorkspaceBySlug(ctx, a.pool, slug)
		if err != nil {
			return err
		}
		return fn(a, w)
	})
}

// withApp runs fn with an app (no workers) on a migrated database.
func withApp(ctx context.Context, cfg config.Config, log *slog.Logger, fn func(*app) error) error {
	return withAppOptions(ctx, cfg, log, appOptions{}, fn)
}

// withAppOptions runs fn with an app made with opts on a migrated database.
func withAppOptions(ctx context.Context, cfg config.Config, log *slog.Logger, opts appOptions, fn func(*app) error) error {
	pool, err := prepareDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := newApp(cfg, log, pool, opts)
	if err != nil {
		return err
	}
	return fn(a)
}
