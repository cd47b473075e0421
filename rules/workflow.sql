-- name: GetWorkflow
SELECT definition FROM workflows WHERE workspace_id = $1;

-- name: PutWorkflow
INSERT INTO workflows (workspace_id, definition) VALUES ($1, $2)
ON CONFLICT (workspace_id) DO UPDATE SET definition = excluded.definition, updated_at = now();

-- name: WorkflowRules
SELECT id, definition FROM rules WHERE workspace_id = $1 AND workflow FOR UPDATE;

-- name: DeleteWorkflowRules
-- The automatic transitions are rebuilt from the workflow each time it is saved; those
-- unchanged ($2) stay, with their runs.
DELETE FROM rules WHERE workspace_id = $1 AND workflow AND NOT id = ANY ($2::bigint[]);

-- name: InsertWorkflowRule
INSERT INTO rules (workspace_id, name, trigger, priority, after_seconds, definition, workflow)
VALUES ($1, $2, $3, $4, $5, $6, true);

-- name: LockStatus
SELECT c.workflow_status, (SELECT definition FROM workflows w WHERE w.workspace_id = c.workspace_id)
FROM conversations c WHERE c.workspace_id = $1 AND c.id = $2
FOR UPDATE OF c;

-- name: ReadStatus
SELECT c.workflow_status, (SELECT definition FROM workflows w WHERE w.workspace_id = c.workspace_id)
FROM conversations c WHERE c.workspace_id = $1 AND c.id = $2;

-- name: UpdateStatus
UPDATE conversations SET workflow_status = $3 WHERE workspace_id = $1 AND id = $2;

-- name: InsertStatusChange
INSERT INTO status_changes (workspace_id, conversation_id, from_status, to_status, source, user_id, rule_id)
VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0), nullif($7::bigint, 0));

-- name: StatusCounts
SELECT workflow_status, count(*) FROM conversations WHERE workspace_id = $1 GROUP BY 1 ORDER BY 2 DESC;

-- name: TransitionCounts
SELECT from_status, to_status, source, count(*) FROM status_changes
WHERE workspace_id = $1 AND created_at >= $2
GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2;

-- name: RuleRates
SELECT r.id, r.name, r.workflow, count(rr.id), count(rr.id) FILTER (WHERE rr.matched),
       count(rr.id) FILTER (WHERE rr.matched AND rr.error <> '')
FROM rules r
LEFT JOIN rule_runs rr ON rr.workspace_id = r.workspace_id AND rr.rule_id = r.id AND rr.created_at >= $2
WHERE r.workspace_id = $1
GROUP BY r.workspace_id, r.id ORDER BY r.priority DESC, r.id;

-- name: FieldCounts
-- How many conversations hold each context key (with a non-empty value).
SELECT k.key, count(*) FROM conversations c, jsonb_each(c.context) k
WHERE c.workspace_id = $1 AND k.value NOT IN ('null', '""', '[]', '{}')
GROUP BY 1 ORDER BY 2 DESC, 1;

-- name: Conversations
SELECT count(*) FROM conversations WHERE workspace_id = $1;

-- name: PruneRuns
-- Runs past retention, a batch at a time so one delete never holds locks for long.
DELETE FROM rule_runs WHERE (workspace_id, id) IN (
    SELECT workspace_id, id FROM rule_runs WHERE created_at < $1 LIMIT 5000);
