-- Catalog schema: registries, the manifests known by digest, and the tag inventory.

CREATE TABLE registries (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    type text NOT NULL,
    url text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    limits jsonb NOT NULL DEFAULT '{}',
    tls jsonb NOT NULL DEFAULT '{}',
    scope jsonb NOT NULL DEFAULT '{}',
    webhook jsonb NOT NULL DEFAULT '{}',
    labels jsonb NOT NULL DEFAULT '{}',
    credentials_username text NOT NULL DEFAULT '',
    credentials_secret bytea,          -- Fernet-encrypted JSON {"password":..,"token":..}
    webhook_secret bytea,              -- Fernet-encrypted
    last_sync_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Content-addressed: a manifest known by digest is never fetched again.
CREATE TABLE manifests (
    digest text PRIMARY KEY,
    media_type text NOT NULL,
    config_digest text NOT NULL DEFAULT '',
    created timestamptz,
    platforms jsonb NOT NULL DEFAULT '[]',
    fetched_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repositories (
    registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
    name text NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz,
    PRIMARY KEY (registry_id, name)
);

-- One row per tag; media_type/config_digest/created are copied from manifests for filtering.
CREATE TABLE images (
    registry_id uuid NOT NULL,
    repository text NOT NULL,
    tag text NOT NULL,
    digest text NOT NULL,
    media_type text NOT NULL DEFAULT '',
    config_digest text NOT NULL DEFAULT '',
    created timestamptz,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    digest_changed_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz,
    PRIMARY KEY (registry_id, repository, tag),
    FOREIGN KEY (registry_id, repository) REFERENCES repositories (registry_id, name)
        ON DELETE CASCADE
);
CREATE INDEX images_digest ON images (registry_id, digest);
CREATE INDEX images_created ON images (registry_id, created);

CREATE TABLE syncs (
    id uuid PRIMARY KEY,
    registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
    state text NOT NULL,
    progress jsonb NOT NULL DEFAULT '{}',
    error text NOT NULL DEFAULT '',
    ref_filter text NOT NULL DEFAULT '',
    repository_filter text NOT NULL DEFAULT '',
    repositories text[] NOT NULL DEFAULT '{}',
    owner text NOT NULL DEFAULT '',
    heartbeat_at timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    ended_at timestamptz
);
CREATE INDEX syncs_registry ON syncs (registry_id, created_at DESC);
-- at most one active sync per registry, across every Catalog replica
CREATE UNIQUE INDEX syncs_one_active ON syncs (registry_id) WHERE state IN ('PENDING', 'RUNNING');
