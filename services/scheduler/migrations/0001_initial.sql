-- Scheduler schema: schedules, jobs with their scan requests, event decisions, leases.

CREATE TABLE schedules (
    id uuid PRIMARY KEY,
    registry_id text NOT NULL,
    rule_set_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('sweep', 'rescan')),
    daily_time text,
    cron text,
    weekdays smallint[] NOT NULL DEFAULT '{}',
    every_n_days integer NOT NULL DEFAULT 1,
    start_date date NOT NULL,
    time_zone text NOT NULL,
    window_end text,
    window_seconds double precision,
    max_images_per_run integer NOT NULL DEFAULT 0,
    enabled boolean NOT NULL,
    next_fire_at timestamptz,
    last_fire_at timestamptz,
    last_job_id uuid,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX schedules_created ON schedules (created_at, id);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- state: PENDING RUNNING PAUSED SUCCEEDED FAILED CANCELLED
-- phase (what a RUNNING job does next): sync -> dispatch -> wait
CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    registry_id text NOT NULL,
    rule_set_id text NOT NULL,
    rule_set_revision bigint NOT NULL DEFAULT 0,
    schedule_id uuid REFERENCES schedules (id) ON DELETE SET NULL,
    kind text NOT NULL CHECK (kind IN ('sweep', 'rescan', 'manual')),
    state text NOT NULL,
    phase text NOT NULL DEFAULT 'sync',
    created_at timestamptz NOT NULL,
    started_at timestamptz,
    ended_at timestamptz,
    fire_at timestamptz,
    window_start timestamptz,
    window_end timestamptz,
    resume_at timestamptz,
    cursor text NOT NULL DEFAULT '',
    max_images integer NOT NULL DEFAULT 0,
    error text NOT NULL DEFAULT '',
    owner text NOT NULL DEFAULT '',
    lease_until timestamptz,
    sync_id text NOT NULL DEFAULT '',
    discovered bigint NOT NULL DEFAULT 0,
    selected bigint NOT NULL DEFAULT 0,
    skipped jsonb NOT NULL DEFAULT '{}',
    reference_at timestamptz,
    manual_images jsonb NOT NULL DEFAULT '[]',
    force boolean NOT NULL DEFAULT false,
    active_since timestamptz
);
CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_live ON jobs (state) WHERE state IN ('PENDING', 'RUNNING', 'PAUSED');
CREATE INDEX jobs_schedule ON jobs (schedule_id, created_at DESC);

-- Every scan request the scheduler published (any lane), and its first/decisive result.
CREATE TABLE scan_requests (
    id text PRIMARY KEY,
    job_id uuid REFERENCES jobs (id) ON DELETE CASCADE,
    lane text NOT NULL,
    registry_id text NOT NULL,
    repository text NOT NULL,
    tag text NOT NULL,
    digest text NOT NULL,
    queued_at timestamptz NOT NULL,
    outcome text CHECK (outcome IN ('succeeded', 'failed')),
    failure_code text NOT NULL DEFAULT '',
    example text NOT NULL DEFAULT '',
    completed_at timestamptz
);
CREATE UNIQUE INDEX scan_requests_job_digest ON scan_requests (job_id, digest)
    WHERE job_id IS NOT NULL;
CREATE INDEX scan_requests_open ON scan_requests (registry_id, digest, lane)
    WHERE outcome IS NULL;
CREATE INDEX scan_requests_job_completed ON scan_requests (job_id, completed_at)
    WHERE job_id IS NOT NULL;

-- The digest last queued for each tag (any lane): what a rescan compares against.
CREATE TABLE queued_tags (
    registry_id text NOT NULL,
    repository text NOT NULL,
    tag text NOT NULL,
    digest text NOT NULL,
    queued_at timestamptz NOT NULL,
    PRIMARY KEY (registry_id, repository, tag)
);

CREATE TABLE event_decisions (
    event_id text PRIMARY KEY,
    registry_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('pushed', 'deleted', 'unspecified')),
    repository text NOT NULL,
    tag text NOT NULL DEFAULT '',
    digest text NOT NULL DEFAULT '',
    image_created_at timestamptz,
    outcome text NOT NULL CHECK (outcome IN ('queued', 'skipped', 'removed', 'failed')),
    reason text NOT NULL,
    explanation text NOT NULL DEFAULT '',
    rule_set_id text NOT NULL DEFAULT '',
    rule_set_revision bigint NOT NULL DEFAULT 0,
    scan_request_id text NOT NULL DEFAULT '',
    event_time timestamptz,
    decided_at timestamptz NOT NULL,
    deliveries integer NOT NULL DEFAULT 1
);
CREATE INDEX event_decisions_decided ON event_decisions (decided_at DESC, event_id DESC);
CREATE INDEX event_decisions_registry ON event_decisions (registry_id, decided_at DESC);

-- Each rule set's decision about a pushed image (the event decision names the deciding one).
CREATE TABLE event_rule_decisions (
    event_id text NOT NULL REFERENCES event_decisions (event_id) ON DELETE CASCADE,
    rule_set_id text NOT NULL,
    rule_set_revision bigint NOT NULL,
    pull boolean NOT NULL,
    reason text NOT NULL,
    message text NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, rule_set_id)
);

-- Named leases (the replica firing schedules); jobs carry their own lease columns.
CREATE TABLE leases (
    name text PRIMARY KEY,
    holder text NOT NULL,
    expires_at timestamptz NOT NULL
);
