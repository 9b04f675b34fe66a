-- Rules schema: rule sets and every revision of each (revisions are never changed).
-- registry_id is the Catalog's registry id, kept as text: Rules never reads the catalog
-- schema and learns through CatalogService that a registry is gone (then deletes its rows).

CREATE TABLE rule_sets (
    id uuid PRIMARY KEY,
    registry_id text NOT NULL,
    name text NOT NULL,                -- the current revision's name, for uniqueness
    current_revision bigint NOT NULL CHECK (current_revision >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (registry_id, name)
);

CREATE TABLE rule_set_revisions (
    rule_set_id uuid NOT NULL REFERENCES rule_sets (id) ON DELETE CASCADE,
    revision bigint NOT NULL CHECK (revision >= 1),
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    pull_patterns text[] NOT NULL DEFAULT '{}',
    always_pull text[] NOT NULL DEFAULT '{}',
    never_pull text[] NOT NULL DEFAULT '{}',
    window_amount integer,             -- NULL = no creation window
    window_unit text CHECK (window_unit IN ('days', 'months', 'years')),
    latest_count integer,              -- NULL = no latest-N
    latest_order text CHECK (latest_order IN ('created', 'semver')),
    platforms text[] NOT NULL DEFAULT '{}',
    enabled boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_set_id, revision),
    CHECK ((window_amount IS NULL) = (window_unit IS NULL)),
    CHECK ((latest_count IS NULL) = (latest_order IS NULL))
);
