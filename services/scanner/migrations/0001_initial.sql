-- Scanner schema: per-layer analysis cache, inventories, the vulnerability database,
-- findings and their history, scans and imports.

-- The analysis of one layer, keyed by its uncompressed digest and the analyzer set's
-- version: a base layer shared by many images is analysed once.
CREATE TABLE layer_analyses (
    diff_id text NOT NULL,
    analyzer_version text NOT NULL,
    analysis bytea NOT NULL,            -- zstd-compressed LayerAnalysis JSON
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (diff_id, analyzer_version)
);

-- Who is analysing a layer right now, so replicas do not download the same layer twice.
CREATE TABLE layer_claims (
    diff_id text NOT NULL,
    analyzer_version text NOT NULL,
    owner text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (diff_id, analyzer_version)
);

-- Every distinct package seen in any image, matched once against the database. Its id is a
-- hash of what identifies it (not where it was found), so replicas agree without a lookup.
CREATE TABLE packages (
    id text PRIMARY KEY,
    key_ecosystem text NOT NULL,        -- the OSV lookup key (normalised ecosystem, name)
    key_name text NOT NULL,
    package jsonb NOT NULL,
    matched_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX packages_by_key ON packages (key_ecosystem, key_name);

-- A package set is the merged contents of an image (package + where it was found); images
-- with identical contents (re-tags, rebuilds, multi-arch twins) share one.
CREATE TABLE package_sets (
    id text PRIMARY KEY,
    package_count integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE package_set_members (
    set_id text NOT NULL REFERENCES package_sets (id) ON DELETE CASCADE,
    position integer NOT NULL,
    package_id text NOT NULL REFERENCES packages (id),
    path text NOT NULL DEFAULT '',
    layer text NOT NULL DEFAULT '',
    PRIMARY KEY (set_id, position)
);
CREATE INDEX package_set_members_by_package ON package_set_members (package_id);

-- One inventory per manifest digest (an index digest covers its scanned platforms).
CREATE TABLE inventories (
    digest text PRIMARY KEY,
    analyzer_version text NOT NULL,
    package_set_id text NOT NULL REFERENCES package_sets (id),
    platform_digests text[] NOT NULL DEFAULT '{}',
    platforms text NOT NULL DEFAULT '',    -- platforms chosen of an index ('' for a manifest)
    os_name text NOT NULL DEFAULT '',
    os_ecosystem text NOT NULL DEFAULT '',
    package_count integer NOT NULL DEFAULT 0,
    skipped jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    matched_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inventories_by_set ON inventories (package_set_id);

CREATE TABLE vulnerabilities (
    id text PRIMARY KEY,
    modified timestamptz NOT NULL,
    withdrawn timestamptz,
    aliases text[] NOT NULL DEFAULT '{}',
    summary text NOT NULL DEFAULT '',
    record bytea NOT NULL,              -- the OSV JSON as imported
    imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vulnerabilities_aliases ON vulnerabilities USING gin (aliases);

CREATE TABLE vulnerability_keys (
    vulnerability_id text NOT NULL REFERENCES vulnerabilities (id) ON DELETE CASCADE,
    ecosystem text NOT NULL,
    name text NOT NULL,
    PRIMARY KEY (vulnerability_id, ecosystem, name)
);
CREATE INDEX vulnerability_keys_by_key ON vulnerability_keys (ecosystem, name);

-- Which vulnerabilities affect each distinct package; an image's findings are the findings
-- of its package set's packages.
CREATE TABLE package_findings (
    package_id text NOT NULL REFERENCES packages (id),
    vulnerability_id text NOT NULL,
    aliases text[] NOT NULL DEFAULT '{}',
    fixed_versions text[] NOT NULL DEFAULT '{}',
    severity text NOT NULL,
    severity_rank smallint NOT NULL,    -- 0 UNKNOWN, 1 NONE, 2 LOW .. 5 CRITICAL
    cvss_score double precision NOT NULL DEFAULT 0,
    summary text NOT NULL DEFAULT '',
    first_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (package_id, vulnerability_id)
);
CREATE INDEX package_findings_by_vulnerability ON package_findings (vulnerability_id);
CREATE INDEX package_findings_by_aliases ON package_findings USING gin (aliases);

-- Findings that appeared or disappeared on a package, with when and why (import).
CREATE TABLE finding_changes (
    seq bigserial PRIMARY KEY,
    package_id text NOT NULL,
    vulnerability_id text NOT NULL,
    kind text NOT NULL,                 -- ADDED or REMOVED
    severity text NOT NULL,
    import_id text NOT NULL DEFAULT '',
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finding_changes_by_package ON finding_changes (package_id, seq);

CREATE TABLE scans (
    id text PRIMARY KEY,                -- the scan request id
    registry_id text NOT NULL,
    repository text NOT NULL,
    tag text NOT NULL DEFAULT '',
    digest text NOT NULL,
    lane text NOT NULL,
    job_id text NOT NULL DEFAULT '',
    state text NOT NULL,
    failure_code text NOT NULL DEFAULT '',
    failure_reason text NOT NULL DEFAULT '',
    attempts integer NOT NULL DEFAULT 0,
    reused_inventory boolean NOT NULL DEFAULT false,
    findings_by_severity jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    completed_at timestamptz
);
CREATE INDEX scans_by_time ON scans (created_at DESC, id DESC);
CREATE INDEX scans_by_digest ON scans (digest);
CREATE INDEX scans_by_registry ON scans (registry_id, repository);
CREATE INDEX scans_by_job ON scans (job_id) WHERE job_id <> '';

CREATE TABLE imports (
    id text PRIMARY KEY,
    source text NOT NULL,
    counters jsonb NOT NULL DEFAULT '{}',
    invalid_examples text[] NOT NULL DEFAULT '{}',
    started_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz
);
