-- Queries of the knowledge base. __DIM__ and __MODEL__ are replaced by the embedder's
-- dimension and model name when the store is made, so the vector query matches that
-- model's partial HNSW index (migrations/00003_knowledge.sql).

-- name: InsertDocument
INSERT INTO kb_documents (workspace_id, title, kind, source, mime, size_bytes, status, content, chunks, progress)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $7 = 'ready' THEN 100 ELSE 0 END)
RETURNING id;

-- name: InsertChunk
INSERT INTO kb_chunks (workspace_id, document_id, position, heading, heading_path, content, language,
                       embedding, embedding_model)
VALUES ($1, $2, $3, $4, $5, $6, (SELECT language::regconfig FROM workspaces WHERE id = $1),
        $7::vector, $8);

-- name: Search
-- A document's chunks are those of its last finished version, written with it in one
-- transaction: a document being replaced keeps answering with its previous version.
-- Hybrid search: the best chunks by full text (any query word may match, ranked by
-- cover density) and the nearest by cosine distance ($5 is the largest distance that
-- still counts), fused by reciprocal rank: score = sum of 1 / ($6 + rank). $8 are
-- ts_headline's options ('': no snippet, for the drafter: a headline of a long chunk
-- can cost more than the rest of the search); $9 caps the chunks ranked by full text.
-- Ranking reads every candidate's tsvector: when common words match tens of thousands
-- of chunks, only those with every word plus $9 of the rest are ranked. The candidates
-- carry their tsvector from the heap scan that matched them, rather than being looked up
-- again by id.
WITH q AS (
    SELECT w.language::regconfig AS lang,
           plainto_tsquery(w.language::regconfig, $2) AS every_word,
           to_tsquery('simple',
                      replace(plainto_tsquery(w.language::regconfig, $2)::text, ' & ', ' | ')) AS query
    FROM workspaces w WHERE w.id = $1
), text_candidates AS (
    SELECT DISTINCT ON (u.id) u.id, u.tsv
    FROM ((SELECT c.id, c.tsv FROM kb_chunks c CROSS JOIN q
           WHERE c.workspace_id = $1 AND c.tsv @@ q.every_word LIMIT $9)
          UNION ALL
          (SELECT c.id, c.tsv FROM kb_chunks c CROSS JOIN q
           WHERE c.workspace_id = $1 AND c.tsv @@ q.query LIMIT $9)) u
    ORDER BY u.id
), text_hits AS (
    SELECT t.id, row_number() OVER (ORDER BY ts_rank_cd(t.tsv, q.query) DESC, t.id) AS rank
    FROM text_candidates t
    CROSS JOIN q
    ORDER BY rank
    LIMIT $4
), nearest AS (
    -- Found by the model's index, in half precision (migrations/00025); ranked below by
    -- the full-precision distance, since rounding swaps chunks at nearly equal distances.
    SELECT c.id, c.embedding::vector(__DIM__) <=> $3::vector(__DIM__) AS distance
    FROM kb_chunks c
    WHERE c.workspace_id = $1 AND c.embedding_model = '__MODEL__'
    ORDER BY c.embedding::halfvec(__DIM__) <=> $3::halfvec(__DIM__)
    LIMIT $4
), vector_hits AS (
    SELECT id, distance, row_number() OVER (ORDER BY distance, id) AS rank
    FROM nearest WHERE distance <= $5
)
__FUSED_RESULTS__

-- name: FusedResults
-- How both searches end, so they rank alike: text_hits and vector_hits fused by
-- reciprocal rank, read with their documents' titles (and snippets for people).
, fused AS (
    SELECT coalesce(t.id, v.id) AS id,
           coalesce(1.0 / ($6 + t.rank), 0) + coalesce(1.0 / ($6 + v.rank), 0) AS score,
           coalesce(1 - v.distance, 0) AS similarity,
           CASE WHEN t.id IS NULL THEN 'vector' WHEN v.id IS NULL THEN 'text' ELSE 'both' END AS matched
    FROM text_hits t FULL JOIN vector_hits v ON v.id = t.id
)
SELECT c.id, c.document_id, d.title, c.heading, c.content, f.score::float8, f.similarity::float8, f.matched,
       CASE WHEN $8 = '' THEN '' ELSE ts_headline(q.lang, c.content, q.query, $8) END AS snippet
FROM fused f
JOIN kb_chunks c ON c.workspace_id = $1 AND c.id = f.id
JOIN kb_documents d ON d.workspace_id = c.workspace_id AND d.id = c.document_id
CROSS JOIN q
ORDER BY f.score DESC, f.similarity DESC, c.id
LIMIT $7;

-- name: SearchExact
-- Search for a small knowledge base, where reading every chunk costs less than planning
-- a search for the question: the workspace's chunks are read once, by key (at most
-- __EXACT_LIMIT__ of them, in the order of the key, so the plan is the same for any workspace and
-- the search runs on a generic plan), compared exactly (full-precision distance, every
-- text match ranked) and fused as Search fuses them (FusedResults). No index over every workspace's
-- chunks is used, so a generic plan cannot pick one that suits another workspace.
WITH q AS (
    SELECT w.language::regconfig AS lang,
           to_tsquery('simple',
                      replace(plainto_tsquery(w.language::regconfig, $2)::text, ' & ', ' | ')) AS query,
           $3::vector(__DIM__) AS vec
    FROM workspaces w WHERE w.id = $1
), chunks AS MATERIALIZED (
    SELECT c.id, c.tsv,
           CASE WHEN c.embedding_model = '__MODEL__' THEN c.embedding::vector(__DIM__) <=> q.vec END AS distance
    FROM kb_chunks c CROSS JOIN q
    WHERE c.workspace_id = $1
    ORDER BY c.id
    LIMIT __EXACT_LIMIT__
), text_hits AS (
    SELECT c.id, row_number() OVER (ORDER BY ts_rank_cd(c.tsv, q.query) DESC, c.id) AS rank
    FROM chunks c CROSS JOIN q
    WHERE c.tsv @@ q.query
    ORDER BY rank
    LIMIT $4
), vector_hits AS (
    SELECT id, distance, row_number() OVER (ORDER BY distance, id) AS rank
    FROM chunks WHERE distance <= $5
    ORDER BY rank
    LIMIT $4
)
__FUSED_RESULTS__

-- name: InsertUpload
INSERT INTO kb_uploads (workspace_id, document_id, data) VALUES ($1, $2, $3);

-- name: ListDocuments
SELECT id, title, kind, source, mime, size_bytes, status, progress, error, chunks, '' AS content,
       created_at, updated_at, url, revision
FROM kb_documents
WHERE workspace_id = $1
ORDER BY created_at DESC, id DESC
LIMIT $2;

-- name: GetDocument
SELECT id, title, kind, source, mime, size_bytes, status, progress, error, chunks, content,
       created_at, updated_at, url, revision
FROM kb_documents
WHERE workspace_id = $1 AND id = $2;

-- name: DeleteDocument
DELETE FROM kb_documents WHERE workspace_id = $1 AND id = $2;

-- name: SetStatus
-- A failed, deleted or superseded (newer revision) document stays as it is.
UPDATE kb_documents SET status = $3, progress = $4, updated_at = now()
WHERE workspace_id = $1 AND id = $2 AND revision = $5 AND status NOT IN ('ready', 'failed')
RETURNING id;

-- name: LoadUpload
SELECT d.kind, u.data, d.revision, d.url
FROM kb_documents d LEFT JOIN kb_uploads u ON u.workspace_id = d.workspace_id AND u.document_id = d.id
WHERE d.workspace_id = $1 AND d.id = $2;

-- name: DeleteChunks
DELETE FROM kb_chunks WHERE workspace_id = $1 AND document_id = $2;

-- name: FinishDocument
-- The chunks and the ready status commit together, so search never sees half a
-- document; the upload is no longer needed. A superseded revision changes nothing.
WITH gone AS (DELETE FROM kb_uploads WHERE workspace_id = $1 AND document_id = $2)
UPDATE kb_documents SET status = 'ready', progress = 100, error = '', content = $3, chunks = $4,
    kind = $6, mime = $7, updated_at = now()
WHERE workspace_id = $1 AND id = $2 AND revision = $5;

-- name: FailDocument
-- A replacement that fails leaves the previous version answering: the document is ready
-- again, with the reason the new version was refused.
WITH gone AS (DELETE FROM kb_uploads WHERE workspace_id = $1 AND document_id = $2)
UPDATE kb_documents
SET status = CASE WHEN chunks > 0 THEN 'ready' ELSE 'failed' END,
    progress = CASE WHEN chunks > 0 THEN 100 ELSE progress END,
    error = CASE WHEN chunks > 0 THEN 'the new version was not used: ' || $3 ELSE $3 END,
    updated_at = now()
WHERE workspace_id = $1 AND id = $2 AND revision = $4;

-- name: ReplaceDocument
-- A new version is queued; the chunks, content and chunk count stay those of the last
-- finished version until its ingestion finishes.
UPDATE kb_documents
SET kind = $3, source = $4, mime = $5, size_bytes = $6, title = coalesce(nullif($7, ''), title), url = $8,
    status = 'queued', progress = 0, error = '', revision = revision + 1, updated_at = now()
WHERE workspace_id = $1 AND id = $2
RETURNING revision;

-- name: SetURL
UPDATE kb_documents SET url = $3 WHERE workspace_id = $1 AND id = $2;

-- name: DeleteUpload
DELETE FROM kb_uploads WHERE workspace_id = $1 AND document_id = $2;

-- name: UpsertUpload
INSERT INTO kb_uploads (workspace_id, document_id, data) VALUES ($1, $2, $3)
ON CONFLICT (workspace_id, document_id) DO UPDATE SET data = excluded.data;

-- name: ChunksToEmbed
-- Chunks stored before embeddings, or by another model than the store's and not yet
-- staged for it. The last column says whether the chunk has a vector to keep meanwhile.
SELECT c.workspace_id, c.id, d.title, c.heading_path, c.heading, c.content, c.embedding IS NOT NULL
FROM kb_chunks c
JOIN kb_documents d ON d.workspace_id = c.workspace_id AND d.id = c.document_id
WHERE c.embedding_model IS DISTINCT FROM '__MODEL__'
  AND NOT EXISTS (SELECT 1 FROM kb_reindex r
                  WHERE r.workspace_id = c.workspace_id AND r.chunk_id = c.id AND r.model = '__MODEL__')
ORDER BY c.workspace_id, c.id
LIMIT $1;

-- name: SetEmbedding
UPDATE kb_chunks SET embedding = $3::vector, embedding_model = '__MODEL__'
WHERE workspace_id = $1 AND id = $2;

-- name: WorkspaceModel
-- The model whose vectors the workspace's search uses.
SELECT model FROM kb_index_models WHERE workspace_id = $1;

-- name: SearchModel
-- WorkspaceModel ('' when none is recorded) and the size of its knowledge base for a
-- search in its own transaction, with the settings for the rest of it in the same round
-- trip (set_config's true is SET LOCAL). JIT is off: the HNSW scan's cost estimate on a
-- large table is above jit_above_cost, and compiling the query took 300-400 ms of a
-- search whose index scan took 20. $3 is the plan cache mode: Search is planned for each
-- question, SearchExact once.
SELECT coalesce((SELECT model FROM kb_index_models WHERE workspace_id = $1), ''),
       (SELECT coalesce(sum(chunks), 0) FROM kb_documents WHERE workspace_id = $1),
       set_config('hnsw.iterative_scan', 'relaxed_order', true),
       set_config('hnsw.ef_search', $2, true),
       set_config('jit', 'off', true),
       set_config('plan_cache_mode', $3, true);

-- name: ClaimModel
INSERT INTO kb_index_models (workspace_id, model) VALUES ($1, '__MODEL__')
ON CONFLICT (workspace_id) DO NOTHING;

-- name: StageEmbedding
-- The new model's vector waits beside the chunk's current one.
INSERT INTO kb_reindex (workspace_id, chunk_id, model, embedding) VALUES ($1, $2, '__MODEL__', $3::vector)
ON CONFLICT (workspace_id, chunk_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding;

-- name: DropStaleStaged
-- Vectors staged for a model that is no longer the store's (the model changed twice).
DELETE FROM kb_reindex WHERE model <> '__MODEL__';

-- name: ReadyToPromote
-- Workspaces not yet on the store's model, or with staged vectors, that have a vector of
-- it for every chunk.
SELECT w.workspace_id
FROM (SELECT workspace_id FROM kb_index_models WHERE model <> '__MODEL__'
      UNION
      SELECT DISTINCT workspace_id FROM kb_reindex WHERE model = '__MODEL__') w
WHERE NOT EXISTS (
    SELECT 1 FROM kb_chunks c
    WHERE c.workspace_id = w.workspace_id AND c.embedding_model IS DISTINCT FROM '__MODEL__'
      AND NOT EXISTS (SELECT 1 FROM kb_reindex r
                      WHERE r.workspace_id = c.workspace_id AND r.chunk_id = c.id AND r.model = '__MODEL__'));

-- name: PromoteChunks
UPDATE kb_chunks c SET embedding = r.embedding, embedding_model = r.model
FROM kb_reindex r
WHERE r.workspace_id = $1 AND r.model = '__MODEL__' AND c.workspace_id = $1 AND c.id = r.chunk_id;

-- name: ClearStaged
DELETE FROM kb_reindex WHERE workspace_id = $1;

-- name: SetWorkspaceModel
INSERT INTO kb_index_models (workspace_id, model) VALUES ($1, '__MODEL__')
ON CONFLICT (workspace_id) DO UPDATE SET model = excluded.model, updated_at = now();

-- name: IndexStatus
-- The model the workspace searches with, its chunks, and how many have the store's model.
SELECT coalesce((SELECT model FROM kb_index_models WHERE workspace_id = $1), '__MODEL__'),
       (SELECT count(*) FROM kb_chunks WHERE workspace_id = $1),
       (SELECT count(*) FROM kb_chunks WHERE workspace_id = $1 AND embedding_model = '__MODEL__')
     + (SELECT count(*) FROM kb_reindex WHERE workspace_id = $1 AND model = '__MODEL__');
