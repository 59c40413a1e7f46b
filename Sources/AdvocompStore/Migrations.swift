import GRDB

/// The database schema as numbered migrations, applied in order by GRDB's
/// `DatabaseMigrator` (which records them in its `grdb_migrations` table) and counted in
/// SQLite's `user_version` too, for the advocomp versions before the migrator.
/// **A migration never changes once shipped**: a change to the schema is a new migration
/// at the end. `RunStoreTests.testMigrationsAreFrozen` pins each one's text by its SHA-256.
enum Migrations {
    /// The migrator's name for each migration of `all`, in order. Never renamed either:
    /// a history records the names of the migrations it has.
    static let identifiers = ["1 runs", "2 plan versions", "3 typed true-ups and payee objects in place",
                              "4 run sets, approval trail and run totals",
                              "5 web accounts, sessions, login attempts, audit log and inquiries"]

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
        // 3: what the history reads back, as values: a true-up's basis (the runs that paid
        // each period, the run it carried from) and each payee's line (every amount, what
        // each period paid), filled in from the JSON of the true-ups recorded before; and a
        // payee's JSON object as its place in the run's JSON output (json_start, a byte
        // offset, and json_length) instead of a second copy of it. Rows from before keep
        // their copy in result_json, with json_start NULL.
        """
        ALTER TABLE run_payees ADD COLUMN json_start INTEGER;
        ALTER TABLE run_payees ADD COLUMN json_length INTEGER;
        CREATE TABLE true_ups (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id),
            year INTEGER NOT NULL,
            carried_from_run INTEGER REFERENCES runs(id)
        );
        CREATE TABLE true_up_periods (
            run_id INTEGER NOT NULL REFERENCES true_ups(run_id),
            seq INTEGER NOT NULL,
            period TEXT NOT NULL,
            paid_by_run INTEGER NOT NULL REFERENCES runs(id),
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE true_up_lines (
            run_id INTEGER NOT NULL REFERENCES true_ups(run_id),
            payee_id TEXT NOT NULL,
            currency TEXT NOT NULL,
            full_year_payout TEXT NOT NULL,
            paid TEXT NOT NULL,
            carried_in TEXT NOT NULL,
            true_up TEXT NOT NULL,
            carry_forward TEXT NOT NULL,
            forgiven TEXT NOT NULL,
            PRIMARY KEY (run_id, payee_id),
            FOREIGN KEY (run_id, payee_id) REFERENCES run_payees (run_id, payee_id)
        );
        CREATE TABLE true_up_paid (
            run_id INTEGER NOT NULL,
            payee_id TEXT NOT NULL,
            period TEXT NOT NULL,
            amount TEXT NOT NULL,
            PRIMARY KEY (run_id, payee_id, period),
            FOREIGN KEY (run_id, payee_id) REFERENCES true_up_lines (run_id, payee_id)
        );
        INSERT OR IGNORE INTO true_ups (run_id, year, carried_from_run)
            SELECT id, json_extract(j, '$.year'), json_extract(j, '$.carried_from_run')
            FROM (SELECT id, CASE WHEN json_valid(result_json) THEN result_json ELSE '{}' END AS j FROM runs WHERE purpose = 'true-up')
            WHERE json_type(j, '$.year') = 'integer'
              AND (json_type(j, '$.carried_from_run') = 'null' OR json_extract(j, '$.carried_from_run') IN (SELECT id FROM runs));
        INSERT OR IGNORE INTO true_up_periods (run_id, seq, period, paid_by_run)
            SELECT t.run_id, p.key, json_extract(p.value, '$.period'), json_extract(p.value, '$.run')
            FROM true_ups t JOIN runs r ON r.id = t.run_id,
                 json_each(CASE WHEN json_valid(r.result_json) THEN r.result_json ELSE '{}' END, '$.periods') p
            WHERE p.type = 'object' AND json_type(p.value, '$.period') = 'text'
              AND json_extract(p.value, '$.run') IN (SELECT id FROM runs);
        INSERT OR IGNORE INTO true_up_lines (run_id, payee_id, currency, full_year_payout, paid, carried_in, true_up, carry_forward, forgiven)
            SELECT run_id, payee_id, currency, json_extract(j, '$.full_year_payout'), json_extract(j, '$.paid'),
                   json_extract(j, '$.carried_in'), json_extract(j, '$.true_up'), json_extract(j, '$.carry_forward'),
                   json_extract(j, '$.forgiven')
            FROM (SELECT p.run_id, p.payee_id, p.currency,
                         CASE WHEN json_valid(p.result_json) THEN p.result_json ELSE '{}' END AS j
                  FROM run_payees p JOIN true_ups t ON t.run_id = p.run_id)
            WHERE json_type(j, '$.full_year_payout') = 'text' AND json_type(j, '$.paid') = 'text'
              AND json_type(j, '$.carried_in') = 'text' AND json_type(j, '$.true_up') = 'text'
              AND json_type(j, '$.carry_forward') = 'text' AND json_type(j, '$.forgiven') = 'text';
        INSERT OR IGNORE INTO true_up_paid (run_id, payee_id, period, amount)
            SELECT l.run_id, l.payee_id, e.key, e.value
            FROM true_up_lines l JOIN run_payees p ON p.run_id = l.run_id AND p.payee_id = l.payee_id,
                 json_each(CASE WHEN json_valid(p.result_json) THEN p.result_json ELSE '{}' END, '$.paid_by_period') e
            WHERE e.type = 'text';
        """,
        // 4: run sets (several plans calculated together: one close); the approval trail
        // (each approve, revoke and close: who, when, with what note), which is only ever
        // added to, filled in with the approvals and closes recorded before; and each
        // run's totals by currency (exact decimal text), so `runs` reads no payee rows.
        // Totals of runs recorded before are worked out from their payees when read.
        """
        CREATE TABLE run_sets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            command_line TEXT NOT NULL
        );
        ALTER TABLE runs ADD COLUMN run_set INTEGER REFERENCES run_sets(id);
        CREATE INDEX runs_by_set ON runs (run_set);
        CREATE TABLE approvals (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            action TEXT NOT NULL CHECK (action IN ('approve', 'revoke', 'close')),
            done_at TEXT NOT NULL,
            done_by TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX approvals_by_run ON approvals (run_id, seq);
        CREATE TRIGGER approvals_are_never_changed BEFORE UPDATE ON approvals
            BEGIN SELECT RAISE(ABORT, 'the approval trail is only ever added to'); END;
        CREATE TRIGGER approvals_are_never_deleted BEFORE DELETE ON approvals
            BEGIN SELECT RAISE(ABORT, 'the approval trail is only ever added to'); END;
        CREATE TABLE run_totals (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            currency TEXT NOT NULL,
            payees INTEGER NOT NULL,
            payout TEXT NOT NULL,
            payable TEXT NOT NULL,
            PRIMARY KEY (run_id, currency)
        );
        INSERT INTO approvals (run_id, action, done_at, done_by, note)
            SELECT id, 'approve', approved_at, COALESCE(approved_by, ''), '' FROM runs
            WHERE approved_at IS NOT NULL ORDER BY approved_at, id;
        INSERT INTO approvals (run_id, action, done_at, done_by, note)
            SELECT final_run, 'close', closed_at, closed_by, '' FROM closed_periods ORDER BY closed_at, final_run;
        """,
        // 5: the web app's accounts (finance, hr, or an executive bound to one payee; a
        // bcrypt hash, never a password), its sessions (the SHA-256 of each token, never
        // the token), login attempts (for the rate limit), the audit log (logins and every
        // approve, revoke, close, upload and saved plan: who, when, from where), and the
        // executives' inquiries on a statement line with their answers. The audit log and
        // the inquiries' messages are only ever added to (triggers).
        """
        CREATE TABLE users (
            username TEXT PRIMARY KEY NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('finance', 'hr', 'executive')),
            payee_id TEXT,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            CHECK ((role = 'executive') = (payee_id IS NOT NULL))
        );
        CREATE TABLE sessions (
            token_sha256 TEXT PRIMARY KEY NOT NULL,
            username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_epoch INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_user ON sessions (username);
        CREATE TABLE login_attempts (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL,
            address TEXT NOT NULL,
            at_epoch INTEGER NOT NULL,
            succeeded INTEGER NOT NULL
        );
        CREATE INDEX login_attempts_by_user ON login_attempts (username, at_epoch);
        CREATE INDEX login_attempts_by_address ON login_attempts (address, at_epoch);
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            done_at TEXT NOT NULL,
            username TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT ''
        );
        CREATE TRIGGER audit_log_is_never_changed BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is only ever added to'); END;
        CREATE TRIGGER audit_log_is_never_deleted BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is only ever added to'); END;
        CREATE TABLE inquiries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            payee_id TEXT NOT NULL,
            line TEXT NOT NULL,
            raised_at TEXT NOT NULL,
            raised_by TEXT NOT NULL
        );
        CREATE INDEX inquiries_by_payee ON inquiries (payee_id, id);
        CREATE TABLE inquiry_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            inquiry_id INTEGER NOT NULL REFERENCES inquiries(id),
            kind TEXT NOT NULL CHECK (kind IN ('question', 'answer', 'resolve')),
            done_at TEXT NOT NULL,
            done_by TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX inquiry_messages_by_inquiry ON inquiry_messages (inquiry_id, seq);
        CREATE TRIGGER inquiries_are_never_changed BEFORE UPDATE ON inquiries
            BEGIN SELECT RAISE(ABORT, 'inquiries are only ever added to'); END;
        CREATE TRIGGER inquiries_are_never_deleted BEFORE DELETE ON inquiries
            BEGIN SELECT RAISE(ABORT, 'inquiries are only ever added to'); END;
        CREATE TRIGGER inquiry_messages_are_never_changed BEFORE UPDATE ON inquiry_messages
            BEGIN SELECT RAISE(ABORT, 'inquiries are only ever added to'); END;
        CREATE TRIGGER inquiry_messages_are_never_deleted BEFORE DELETE ON inquiry_messages
            BEGIN SELECT RAISE(ABORT, 'inquiries are only ever added to'); END;
        """,
    ]

    /// The migrator: migration k runs `all[k]` and sets `user_version` to k + 1, in one
    /// transaction. Another process may have applied it between the migrator's look at
    /// `grdb_migrations` and its write lock (four calculations creating one new history
    /// at once): the migration then finds itself applied, changes nothing and says so
    /// (`AppliedMeanwhile`), and the migrator is run again.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (k, sql) in all.enumerated() {
            let identifier = identifiers[k]
            migrator.registerMigration(identifier, foreignKeyChecks: .immediate) { db in
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM grdb_migrations WHERE identifier = ?", arguments: [identifier]) == true {
                    throw AppliedMeanwhile()
                }
                try db.execute(sql: sql)
                try db.execute(sql: "PRAGMA user_version = \(k + 1)")
            }
        }
        return migrator
    }

    struct AppliedMeanwhile: Error {}

    /// Where a history's schema stands: SQLite's `user_version` and the migrator's table.
    struct State {
        var userVersion: Int
        /// nil: no `grdb_migrations` table (a history written before the migrator).
        var applied: Set<String>?

        init(_ db: Database) throws {
            userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            let hasTable = try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'") ?? false
            applied = hasTable ? try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations") : nil
        }

        /// The migrations the history has: the migrator's record, or, before the
        /// migrator, the first `user_version` ones.
        var migrations: Set<String> { applied ?? Set(Migrations.identifiers.prefix(max(0, userVersion))) }

        var isCurrent: Bool { applied != nil && migrations.isSuperset(of: Migrations.identifiers) }

        /// A history written by a newer advocomp (a higher `user_version`, or migrations
        /// this one does not know) is never read or rewritten.
        func refuseIfNewer() throws {
            let unknown = migrations.subtracting(Migrations.identifiers)
            guard userVersion > Migrations.all.count || !unknown.isEmpty else { return }
            let found = max(userVersion, Migrations.all.count + unknown.count)
            throw StoreError("the database has schema version \(found), written by a newer advocomp; this one (\(Migrations.all.count)) cannot read it safely: use the newer advocomp, or another --db file")
        }
    }

    /// Brings the history up to date. The common case, a history already current, only
    /// reads (a reader never waits for a writer). A history from before the migrator
    /// (schema 1 or 2, counted in `user_version` only) first gets the migrator's table,
    /// filled in from `user_version`, under the write lock.
    static func migrate(_ pool: DatabasePool) throws {
        let state = try pool.read { try State($0) }
        try state.refuseIfNewer()
        guard !state.isCurrent else { return }
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let state = try State(db)
                try state.refuseIfNewer()
                if state.applied == nil {
                    try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                    for identifier in identifiers.prefix(max(0, state.userVersion)) {
                        try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier])
                    }
                }
                return .commit
            }
        }
        var raced = 0
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch is AppliedMeanwhile where raced < all.count {
                raced += 1
            }
        }
    }
}
