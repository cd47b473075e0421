-- +goose Up
-- Who or what is booked: a member of staff or a room. Every workspace has one default
-- resource (made by the trigger below), so a business with one calendar needs no setup.
CREATE TABLE resources (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    name         text NOT NULL CHECK (name <> ''),
    kind         text NOT NULL DEFAULT 'staff' CHECK (kind IN ('staff', 'room')),
    is_default   boolean NOT NULL DEFAULT false,
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX resources_default_key ON resources (workspace_id) WHERE is_default;

INSERT INTO resources (workspace_id, name, is_default) SELECT id, 'Default', true FROM workspaces;

-- +goose StatementBegin
CREATE FUNCTION workspaces_default_resource() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO resources (workspace_id, name, is_default) VALUES (NEW.id, 'Default', true);
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER workspaces_default_resource AFTER INSERT ON workspaces
    FOR EACH ROW EXECUTE FUNCTION workspaces_default_resource();

CREATE TABLE services (
    workspace_id          bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id                    bigint GENERATED ALWAYS AS IDENTITY,
    name                  text NOT NULL CHECK (name <> '' AND length(name) <= 200),
    description           text NOT NULL DEFAULT '',
    duration_minutes      int NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
    buffer_before_minutes int NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    buffer_after_minutes  int NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 240),
    price_cents           bigint CHECK (price_cents >= 0),
    currency              text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    active                boolean NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX services_name_key ON services (workspace_id, lower(name)) WHERE active;

-- Which resources can perform a service.
CREATE TABLE service_resources (
    workspace_id bigint NOT NULL,
    service_id   bigint NOT NULL,
    resource_id  bigint NOT NULL,
    PRIMARY KEY (workspace_id, service_id, resource_id),
    FOREIGN KEY (workspace_id, service_id) REFERENCES services (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, resource_id) REFERENCES resources (workspace_id, id) ON DELETE CASCADE
);

-- Weekly hours of one resource; rows with a null resource_id stay the business's opening
-- hours, which a resource without rules of its own follows.
ALTER TABLE availability_rules ADD COLUMN resource_id bigint;
ALTER TABLE availability_rules ADD FOREIGN KEY (workspace_id, resource_id)
    REFERENCES resources (workspace_id, id) ON DELETE CASCADE;
CREATE INDEX availability_rules_lookup_idx ON availability_rules (workspace_id, resource_id, weekday);

-- A day that differs from the weekly hours: closed, or open only at the given hours
-- (several rows of one day add up). A null resource_id applies to the whole business.
CREATE TABLE availability_exceptions (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    resource_id  bigint,
    day          date NOT NULL,
    closed       boolean NOT NULL,
    opens_at     time,
    closes_at    time,
    note         text NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, resource_id) REFERENCES resources (workspace_id, id) ON DELETE CASCADE,
    CHECK ((closed AND opens_at IS NULL AND closes_at IS NULL)
        OR (NOT closed AND opens_at IS NOT NULL AND closes_at > opens_at))
);
CREATE INDEX availability_exceptions_day_idx ON availability_exceptions (workspace_id, day);

-- A missing row means the defaults below.
CREATE TABLE booking_settings (
    workspace_id       bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    min_notice_minutes int NOT NULL DEFAULT 60 CHECK (min_notice_minutes BETWEEN 0 AND 525600),
    horizon_days       int NOT NULL DEFAULT 60 CHECK (horizon_days BETWEEN 1 AND 730),
    slot_step_minutes  int NOT NULL DEFAULT 15 CHECK (slot_step_minutes BETWEEN 5 AND 240),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- during is the time the resource is held: the appointment widened by the service's
-- buffers. The exclusion constraint is what makes a double booking impossible, however
-- many requests race for one slot.
CREATE TABLE appointments (
    workspace_id          bigint NOT NULL,
    id                    bigint GENERATED ALWAYS AS IDENTITY,
    resource_id           bigint NOT NULL,
    service_id            bigint NOT NULL,
    contact_id            bigint NOT NULL,
    status                text NOT NULL DEFAULT 'booked'
                          CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL CHECK (ends_at > starts_at),
    buffer_before_minutes int NOT NULL DEFAULT 0,
    buffer_after_minutes  int NOT NULL DEFAULT 0,
    during                tstzrange NOT NULL CHECK (lower(during) <= starts_at AND upper(during) >= ends_at),
    notes                 text NOT NULL DEFAULT '',
    sequence              int NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    cancelled_at          timestamptz,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, resource_id) REFERENCES resources (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, service_id) REFERENCES services (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist
        (workspace_id WITH =, resource_id WITH =, during WITH &&) WHERE (status = 'booked')
);
CREATE INDEX appointments_starts_idx ON appointments (workspace_id, starts_at);

-- +goose Down
DROP TABLE appointments, booking_settings, availability_exceptions, service_resources, services;
DROP INDEX availability_rules_lookup_idx;
ALTER TABLE availability_rules DROP COLUMN resource_id;
DROP TRIGGER workspaces_default_resource ON workspaces;
DROP FUNCTION workspaces_default_resource();
DROP TABLE resources;
