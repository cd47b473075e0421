-- +goose Up
-- Each model's partial HNSW index moves to half-precision vectors (pgvector halfvec):
-- half the size, so 100,000 chunks of 512 dimensions fit far better in shared buffers,
-- and models of up to 4,000 dimensions can be indexed. The stored vectors keep full
-- precision; only the index and the distance it orders by are halved. Searches name
-- the same cast (knowledge/queries.sql), and EnsureIndex builds new indexes this way.
-- The rebuild runs inside the migration and holds writes to kb_chunks meanwhile: seconds
-- for a few thousand chunks, about two minutes for 100,000 on two busy cores.
-- +goose StatementBegin
DO $$
DECLARE
    ix record;
BEGIN
    FOR ix IN
        SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am a ON a.oid = c.relam
        WHERE i.indrelid = 'kb_chunks'::regclass AND a.amname = 'hnsw'
          AND pg_get_indexdef(i.indexrelid) LIKE '%vector_cosine_ops%'
          AND pg_get_indexdef(i.indexrelid) NOT LIKE '%halfvec%'
    LOOP
        EXECUTE format('DROP INDEX %I', ix.name);
        EXECUTE replace(replace(ix.def, '::vector(', '::halfvec('), 'vector_cosine_ops', 'halfvec_cosine_ops');
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    ix record;
BEGIN
    FOR ix IN
        SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am a ON a.oid = c.relam
        WHERE i.indrelid = 'kb_chunks'::regclass AND a.amname = 'hnsw'
          AND pg_get_indexdef(i.indexrelid) LIKE '%halfvec_cosine_ops%'
    LOOP
        EXECUTE format('DROP INDEX %I', ix.name);
        IF ix.def !~ 'halfvec\((\d{1,3}|1\d{3}|2000)\)' THEN
            CONTINUE; -- over 2,000 dimensions a vector index cannot be built: searches scan
        END IF;
        EXECUTE replace(replace(ix.def, '::halfvec(', '::vector('), 'halfvec_cosine_ops', 'vector_cosine_ops');
    END LOOP;
END
$$;
-- +goose StatementEnd
