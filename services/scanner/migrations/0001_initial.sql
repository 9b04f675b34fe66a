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

-- One inventory per manifest digest (an index digest covers its scanned platforms).
CREATE TABLE inventories (
    digest text PRIMARY KEY,
    analyzer_version text NOT NULL,
    platform_digests text[] NOT NULL DEFAULT '{}',
    os_name text NOT NULL DEFAULT '',
    os_ecosystem text NOT NULL DEFAULT '',
    package_count integer NOT NULL DEFAULT 0,
    skipped jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    matched_at timestamptz NOT NULL DEFAULT now()
);

-- The packages of each inventory; (key_ecosystem, key_name) is the OSV lookup key, so a
-- re-match reads only the packages an import changed.
CREATE TABLE inventory_packages (
    digest text NOT NULL REFERENCES inventories (digest) ON DELETE CASCADE,
    position integer NOT NULL,
    key_ecosystem text NOT NULL,
    key_name text NOT NULL,
    package jsonb NOT NULL,
    PRIMARY KEY (digest, position)
);
CREATE INDEX inventory_packages_by_key ON inventory_packages (key_ecosystem, key_name);

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

CREATE TABLE findings (
    digest text NOT NULL REFERENCES inventories (digest) ON DELETE CASCADE,
    vulnerability_id text NOT NULL,
    ecosystem text NOT NULL,
    package_name text NOT NULL,
    package_version text NOT NULL,
    key_ecosystem text NOT NULL,
    key_name text NOT NULL,
    package_type text NOT NULL DEFAULT '',
    package_path text NOT NULL DEFAULT '',
    layer text NOT NULL DEFAULT '',
    source_name text NOT NULL DEFAULT '',
    aliases text[] NOT NULL DEFAULT '{}',
    fixed_versions text[] NOT NULL DEFAULT '{}',
    severity text NOT NULL,
    severity_rank smallint NOT NULL,    -- 1 UNKNOWN .. 5 CRITICAL, for "at least" filters
    cvss_score double precision NOT NULL DEFAULT 0,
    summary text NOT NULL DEFAULT '',
    first_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (digest, vulnerability_id, ecosystem, package_name, package_version,
                 package_path)
);
CREATE INDEX findings_by_key ON findings (key_ecosystem, key_name);
CREATE INDEX findings_by_vulnerability ON findings (vulnerability_id);
CREATE INDEX findings_by_aliases ON findings USING gin (aliases);
CREATE INDEX findings_by_severity ON findings (severity_rank DESC, digest);

CREATE TABLE finding_changes (
    seq bigserial PRIMARY KEY,
    digest text NOT NULL,
    kind text NOT NULL,                 -- ADDED or REMOVED
    vulnerability_id text NOT NULL,
    ecosystem text NOT NULL,
    package_name text NOT NULL,
    package_version text NOT NULL,
    severity text NOT NULL,
    import_id text NOT NULL DEFAULT '',
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finding_changes_by_digest ON finding_changes (digest, seq);

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
