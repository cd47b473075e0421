-- +goose Up
-- A document can be replaced (a new file) or re-fetched (a web page): revision counts the
-- versions, so the ingestion of a superseded one stops instead of overwriting a newer
-- one. The chunks of the last finished version keep answering until the next is ready.
-- url is the web page a document was fetched from ('' for a file).
ALTER TABLE kb_documents
    ADD COLUMN revision int NOT NULL DEFAULT 0,
    ADD COLUMN url      text NOT NULL DEFAULT '',
    -- fetching: a web page is being downloaded by the ingestion job.
    DROP CONSTRAINT kb_documents_status_check,
    ADD CONSTRAINT kb_documents_status_check
        CHECK (status IN ('queued', 'fetching', 'extracting', 'chunking', 'embedding', 'ready', 'failed'));

-- +goose Down
UPDATE kb_documents SET status = 'queued' WHERE status = 'fetching';
ALTER TABLE kb_documents DROP COLUMN revision, DROP COLUMN url,
    DROP CONSTRAINT kb_documents_status_check,
    ADD CONSTRAINT kb_documents_status_check
        CHECK (status IN ('queued', 'extracting', 'chunking', 'embedding', 'ready', 'failed'));
