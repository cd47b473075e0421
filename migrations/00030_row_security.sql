-- +goose Up
-- Row-level security: a second wall between workspaces behind every query's own
-- workspace filter. The application sets frontdesk.workspace_id on a connection when it
-- acts for one workspace (internal/tenant); a row of another workspace is then neither
-- seen nor written. Unset (sign-in, webhook routing, sweeps over every workspace) sees
-- every row. Tables belong to the role frontdesk_app with the policies forced, and the
-- application's connections switch to it, so a superuser login is held to them too.

-- +goose StatementBegin
CREATE FUNCTION frontdesk_workspace() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('frontdesk.workspace_id', true), '')::bigint $$;
-- +goose StatementEnd

-- frontdesk_wall puts the wall on a table: later migrations call it for each new table
-- with a workspace (TestEveryWorkspaceTableHasTheWall checks that none is missed).
-- +goose StatementBegin
CREATE FUNCTION frontdesk_wall(tbl regclass, col text DEFAULT 'workspace_id') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('DROP POLICY IF EXISTS workspace_wall ON %s', tbl);
    EXECUTE format('CREATE POLICY workspace_wall ON %s USING (frontdesk_workspace() IS NULL OR %I = frontdesk_workspace())',
                   tbl, col);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'frontdesk_app') THEN
        EXECUTE format('ALTER TABLE %s OWNER TO frontdesk_app', tbl);
    END IF;
END $$;
-- +goose StatementEnd

-- The role is shared by every database of the server. A login that may not create
-- roles still gets the wall on the tables it owns (FORCE applies to owners).
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'frontdesk_app') THEN
        CREATE ROLE frontdesk_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
    IF NOT pg_has_role(current_user, 'frontdesk_app', 'MEMBER') THEN
        EXECUTE format('GRANT frontdesk_app TO %I', current_user);
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'frontdesk_app not created (%): the wall holds where this login owns the tables', SQLERRM;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE t record;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'frontdesk_app') THEN
        GRANT USAGE, CREATE ON SCHEMA public TO frontdesk_app;
        GRANT ALL ON ALL TABLES IN SCHEMA public TO frontdesk_app;
        GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO frontdesk_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO frontdesk_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO frontdesk_app;
        -- River's and goose's tables too: River's maintenance re-indexes its own.
        FOR t IN SELECT format('%I', tablename) AS name FROM pg_tables WHERE schemaname = 'public' LOOP
            EXECUTE format('ALTER TABLE %s OWNER TO frontdesk_app', t.name);
        END LOOP;
    END IF;
    PERFORM frontdesk_wall('workspaces', 'id');
    -- Not the search index's tables: under a policy PostgreSQL may use an index only
    -- for leakproof operators, and neither pgvector's distance nor full-text @@ is one,
    -- so every search would scan the workspace's chunks (HNSW p50 at 20,000 chunks went
    -- from 6 ms to 372 ms). Their rows are reached through kb_documents, which has it.
    FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND c.relname NOT IN ('kb_chunks', 'kb_reindex') LOOP
        PERFORM frontdesk_wall(t.rel);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT format('%I', tablename) AS name FROM pg_tables
             WHERE schemaname = 'public' AND rowsecurity LOOP
        EXECUTE format('DROP POLICY IF EXISTS workspace_wall ON %s', t.name);
        EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', t.name);
        EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', t.name);
    END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION frontdesk_wall(regclass, text);
DROP FUNCTION frontdesk_workspace();
