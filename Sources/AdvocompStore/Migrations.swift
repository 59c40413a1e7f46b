/// The database schema as numbered migrations, applied in order and recorded in SQLite's
/// `user_version`. **A migration never changes once shipped**: a change to the schema is
/// a new migration at the end. `MigrationTests` pins each one's text by its SHA-256.
enum Migrations {
    static let all: [String] = [
        // 1: runs, their input files (each content stored once, by SHA-256), payee results
        // and findings; approvals; closed periods.
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            period TEXT NOT NULL,
            plan_id TEXT NOT NULL,
            plan_version TEXT NOT NULL,
            plan_sha256 TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('regular', 'adjustment')),
            adjusts INTEGER REFERENCES runs(id),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            command_line TEXT NOT NULL,
            advocomp_version TEXT NOT NULL,
            result_json TEXT NOT NULL,
            result_sha256 TEXT NOT NULL,
            approved_at TEXT,
            approved_by TEXT
        );
        CREATE INDEX runs_by_period ON runs (period, plan_id);
        CREATE TABLE file_contents (
            sha256 TEXT PRIMARY KEY,
            bytes INTEGER NOT NULL,
            lines INTEGER NOT NULL,
            content BLOB NOT NULL
        );
        CREATE TABLE run_files (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            seq INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('plan', 'roster', 'actuals', 'events', 'okr')),
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL REFERENCES file_contents(sha256),
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE run_payees (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            payee_id TEXT NOT NULL,
            name TEXT NOT NULL,
            currency TEXT NOT NULL,
            payout TEXT NOT NULL,
            status TEXT NOT NULL,
            result_json TEXT NOT NULL,
            PRIMARY KEY (run_id, payee_id)
        );
        CREATE TABLE run_findings (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            seq INTEGER NOT NULL,
            check_name TEXT NOT NULL,
            payee_id TEXT,
            event_ids TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE closed_periods (
            period TEXT NOT NULL,
            plan_id TEXT NOT NULL,
            final_run INTEGER NOT NULL REFERENCES runs(id),
            closed_at TEXT NOT NULL,
            closed_by TEXT NOT NULL,
            PRIMARY KEY (period, plan_id)
        );
        """,
        // 2: plan versions with their effective dates (and the OKR sets they read); what a
        // run was for (a calculation or an annual true-up).
        """
        CREATE TABLE plan_versions (
            plan_id TEXT NOT NULL,
            version TEXT NOT NULL,
            effective TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            path TEXT NOT NULL,
            content BLOB NOT NULL,
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL,
            PRIMARY KEY (plan_id, version),
            UNIQUE (plan_id, effective)
        );
        CREATE TABLE plan_version_files (
            plan_id TEXT NOT NULL,
            version TEXT NOT NULL,
            seq INTEGER NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            content BLOB NOT NULL,
            PRIMARY KEY (plan_id, version, seq),
            FOREIGN KEY (plan_id, version) REFERENCES plan_versions (plan_id, version)
        );
        ALTER TABLE runs ADD COLUMN purpose TEXT NOT NULL DEFAULT 'calculate' CHECK (purpose IN ('calculate', 'true-up'));
        """,
    ]
}
