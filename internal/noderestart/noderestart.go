// Package noderestart lets a worker node that restarts under the same id take back, at
// once, the jobs it was running when it died.
//
// River's rescuer treats a running job as stuck only after the job's timeout and the
// rescue delay have both passed (minutes), because it cannot tell a dead node from a
// slow job. A node that starts under the id it had before knows: whatever that id was
// running, nothing is running any more. The id must therefore name one process at a
// time (FRONTDESK_NODE_ID); two live processes sharing it would take each other's jobs.
package noderestart

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

type queries struct {
	RequeueCutOff string
}

// RequeueCutOff makes the jobs that node id was running available again and returns how
// many. Call it before the node's River client starts.
func RequeueCutOff(ctx context.Context, db database.DBTX, id string) (int64, error) {
	var q queries
	if err := sqlset.Load(&q, queriesSQL); err != nil {
		return 0, err
	}
	tag, err := db.Exec(ctx, q.RequeueCutOff, id)
	if err != nil {
		return 0, fmt.Errorf("noderestart: requeue the jobs node %s was running: %w", id, err)
	}
	return tag.RowsAffected(), nil
}
