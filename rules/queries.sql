-- name: Insert
INSERT INTO rules (workspace_id, name, trigger, priority, after_seconds, definition)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, enabled, created_at, updated_at;

-- name: Update
UPDATE rules SET name = $3, trigger = $4, priority = $5, after_seconds = $6, definition = $7, updated_at = now()
WHERE workspace_id = $1 AND id = $2
RETURNING id, enabled, created_at, updated_at;

-- name: SetEnabled
UPDATE rules SET enabled = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2;

-- name: Delete
DELETE FROM rules WHERE workspace_id = $1 AND id = $2;

-- name: List
-- With how often each rule matched, and how often its actions failed, over its last 1,000 runs.
SELECT r.id, r.enabled, r.workflow, r.definition, r.created_at, r.updated_at,
       coalesce(s.runs, 0), coalesce(s.matched, 0), coalesce(s.failed, 0), s.last_run
FROM rules r
LEFT JOIN LATERAL (
    SELECT count(*) AS runs, count(*) FILTER (WHERE matched) AS matched,
           count(*) FILTER (WHERE error <> '') AS failed, max(created_at) AS last_run
    FROM (SELECT matched, error, created_at FROM rule_runs rr
          WHERE rr.workspace_id = r.workspace_id AND rr.rule_id = r.id ORDER BY rr.id DESC LIMIT 1000) recent
) s ON true
WHERE r.workspace_id = $1 AND ($2 = 0 OR r.id = $2)
ORDER BY r.priority DESC, r.id;

-- name: AnyForTrigger
-- Whether the workspace has a rule listening: an event no rule listens to queues no job.
SELECT EXISTS (SELECT 1 FROM rules WHERE workspace_id = $1 AND trigger = $2 AND enabled);

-- name: ForTrigger
-- A dry run ($4) also tries rules that are off, so an owner can test before turning one on.
SELECT id, definition FROM rules
WHERE workspace_id = $1 AND trigger = $2 AND (enabled OR $4) AND ($3 = 0 OR id = $3)
ORDER BY priority DESC, id;

-- name: LockFacts
-- The conversation as rules see it, locked so evaluations of one conversation run one
-- at a time and each sees the last one's changes.
SELECT c.channel, c.workflow_status, c.tags, c.context, ct.name, coalesce(ct.phone, ''), w.timezone,
       c.last_message_at, coalesce(c.assigned_to, 0),
       coalesce((SELECT m.text FROM messages m
                 WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id AND m.direction = 'inbound'
                 ORDER BY m.id DESC LIMIT 1), ''),
       coalesce((SELECT d.intent FROM drafts d
                 WHERE d.workspace_id = c.workspace_id AND d.conversation_id = c.id ORDER BY d.id DESC LIMIT 1), ''),
       coalesce((SELECT d.confidence FROM drafts d
                 WHERE d.workspace_id = c.workspace_id AND d.conversation_id = c.id ORDER BY d.id DESC LIMIT 1), 0),
       (SELECT wf.definition FROM workflows wf WHERE wf.workspace_id = c.workspace_id)
FROM conversations c
JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id
JOIN workspaces w ON w.id = c.workspace_id
WHERE c.workspace_id = $1 AND c.id = $2
FOR UPDATE OF c;

-- name: AddTag
UPDATE conversations SET tags = array_append(tags, $3)
WHERE workspace_id = $1 AND id = $2 AND NOT ($3 = ANY (tags));

-- name: RemoveTag
UPDATE conversations SET tags = array_remove(tags, $3)
WHERE workspace_id = $1 AND id = $2 AND $3 = ANY (tags);

-- name: SetStatus
UPDATE conversations SET workflow_status = $3 WHERE workspace_id = $1 AND id = $2 AND workflow_status <> $3;

-- name: Assign
UPDATE conversations SET assigned_to = nullif($3::bigint, 0)
WHERE workspace_id = $1 AND id = $2
  AND ($3 = 0 OR EXISTS (SELECT 1 FROM users u WHERE u.workspace_id = $1 AND u.id = $3));

-- name: Notify
INSERT INTO notifications (workspace_id, kind, title, conversation_id) VALUES ($1, 'rule', $2, $3) RETURNING id;

-- name: InsertRuns
-- One event's runs in one statement: an event evaluates every rule of its trigger.
INSERT INTO rule_runs (workspace_id, rule_id, conversation_id, trigger, matched, actions, error, duration_us)
SELECT $1, r.rule_id, $2, $3, r.matched, r.actions, r.error, r.duration_us
FROM unnest($4::bigint[], $5::boolean[], $6::jsonb[], $7::text[], $8::integer[])
     AS r (rule_id, matched, actions, error, duration_us)
RETURNING rule_id, id;

-- name: Runs
-- With each run's webhook attempts.
SELECT rr.id, rr.conversation_id, rr.trigger, rr.matched, rr.actions, rr.error, rr.duration_us, rr.created_at,
       coalesce((SELECT jsonb_agg(jsonb_build_object('run_id', w.run_id, 'url', w.url, 'attempt', w.attempt,
                    'status_code', w.status_code, 'error', w.error, 'response', w.response, 'created_at', w.created_at)
                    ORDER BY w.id)
                 FROM rule_webhook_calls w WHERE w.workspace_id = rr.workspace_id AND w.run_id = rr.id), '[]'::jsonb)
FROM rule_runs rr WHERE rr.workspace_id = $1 AND rr.rule_id = $2 ORDER BY rr.id DESC LIMIT $3;

-- name: InsertWebhookCall
INSERT INTO rule_webhook_calls (workspace_id, run_id, url, attempt, status_code, error, response)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: WebhookCalls
SELECT run_id, url, attempt, status_code, error, response, created_at
FROM rule_webhook_calls WHERE workspace_id = $1 AND run_id = $2 ORDER BY id;

-- name: WebhookSecret
SELECT definition -> 'actions' -> $3::int ->> 'secret' FROM rules WHERE workspace_id = $1 AND id = $2;

-- name: DueQuiet
-- Conversations quiet for longer than a time_elapsed rule waits, that the rule has not
-- been evaluated on since their last message. Conversations quiet for over a week longer are
-- left alone, so a new rule does not fire on years of history.
SELECT r.workspace_id, r.id, c.id
FROM rules r
JOIN conversations c ON c.workspace_id = r.workspace_id AND c.status <> 'closed'
WHERE r.enabled AND r.trigger = 'time_elapsed'
  AND c.last_message_at < now() - make_interval(secs => r.after_seconds)
  AND c.last_message_at > now() - make_interval(secs => r.after_seconds) - interval '7 days'
  AND NOT EXISTS (SELECT 1 FROM rule_runs rr
                  WHERE rr.workspace_id = r.workspace_id AND rr.conversation_id = c.id AND rr.rule_id = r.id
                    AND rr.created_at > c.last_message_at)
LIMIT 1000;
