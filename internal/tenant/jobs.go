package tenant

import (
	"context"
	"encoding/json"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Jobs is River middleware that runs a job whose arguments name a workspace
// ("workspace_id") for that workspace only. Jobs without one (sweeps over every
// workspace) run without the wall.
func Jobs() rivertype.WorkerMiddleware { return &jobScope{} }

type jobScope struct{ river.MiddlewareDefaults }

func (*jobScope) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	var args struct {
		WorkspaceID int64 `json:"workspace_id"`
	}
	if json.Unmarshal(job.EncodedArgs, &args) == nil && args.WorkspaceID > 0 {
		ctx = With(ctx, args.WorkspaceID)
	}
	return doInner(ctx)
}
