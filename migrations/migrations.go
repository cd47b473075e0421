// Package migrations holds frontdesk's SQL migrations, embedded in the binary and
// applied in order by goose (one transaction each). River's own tables are applied
// separately by rivermigrate.
package migrations

import "embed"

// FS holds the numbered migration files.
//
//go:embed *.sql
var FS embed.FS
