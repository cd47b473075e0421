// Command frontdesk is the AI front desk: one binary that serves the admin UI, the
// customer portal and the channel webhooks, and runs the background jobs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.mau.fi/whatsmeow/store"
)

func main() {
	// Linked WhatsApp devices show this name on the business's phone.
	store.SetOSInfo("frontdesk", [3]uint32{1, 0, 0})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "frontdesk:", err)
		os.Exit(1)
	}
}
