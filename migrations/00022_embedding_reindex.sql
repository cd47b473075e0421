-- +goose Up
-- Re-indexing after the embedding model changes, without a gap in search: each
-- workspace's search keeps using the model its chunks are indexed by (kb_index_models)
-- while the new model's vectors are staged beside them (kb_reindex), and the workspace
-- moves to the new vectors in one transaction once all of its chunks have one.
CREATE TABLE kb_index_models (
    workspace_id bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    model        text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO kb_index_models (workspace_id, model)
SELECT DISTINCT ON (workspace_id) workspace_id, embedding_model
FROM kb_chunks WHERE embedding_model IS NOT NULL
ORDER BY workspace_id, id DESC;

CREATE TABLE kb_reindex (
    workspace_id bigint NOT NULL,
    chunk_id     bigint NOT NULL,
    model        text NOT NULL,
    embedding    vector NOT NULL,
    PRIMARY KEY (workspace_id, chunk_id),
    FOREIGN KEY (workspace_id, chunk_id) REFERENCES kb_chunks (workspace_id, id) ON DELETE CASCADE
);
ALTER TABLE kb_reindex ALTER COLUMN embedding SET STORAGE MAIN;

-- +goose Down
DROP TABLE kb_reindex;
DROP TABLE kb_index_models;
