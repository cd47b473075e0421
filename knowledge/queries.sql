-- name: InsertDocument
INSERT INTO kb_documents (workspace_id, title, kind)
VALUES ($1, $2, $3)
RETURNING id;

-- name: InsertChunk
INSERT INTO kb_chunks (workspace_id, document_id, position, heading, content, language)
VALUES ($1, $2, $3, $4, $5, (SELECT language::regconfig FROM workspaces WHERE id = $1));

-- name: Search
-- Any query word may match (OR), ranked by cover density; the highlighted snippet
-- shows why a chunk matched.
WITH q AS (
    SELECT w.language::regconfig AS lang,
           to_tsquery(w.language::regconfig,
                      replace(plainto_tsquery(w.language::regconfig, $2)::text, ' & ', ' | ')) AS query
    FROM workspaces w WHERE w.id = $1
)
SELECT c.id, c.document_id, d.title, c.heading, c.content,
       ts_rank_cd(c.tsv, q.query) AS score,
       ts_headline(q.lang, c.content, q.query, 'MaxFragments=2, MaxWords=30, MinWords=8') AS snippet
FROM kb_chunks c
JOIN kb_documents d ON d.workspace_id = c.workspace_id AND d.id = c.document_id
CROSS JOIN q
WHERE c.workspace_id = $1 AND c.tsv @@ q.query AND d.status = 'ready'
ORDER BY score DESC, c.id
LIMIT $3;
