import AdvocompModel

/// An input file as stored with a run.
public struct StoredFile: Sendable, Equatable {
    public enum Role: String, Sendable { case plan, roster, actuals, events, okr }
    public let role: Role
    public let path: String
    public let content: [UInt8]
    /// Computed once, when the file is made.
    public let sha256: String
    /// Lines of text (a last line without a newline counts).
    public var lines: Int {
        var n = 0
        for b in content where b == 10 { n += 1 }
        return content.last.map { $0 == 10 ? n : n + 1 } ?? 0
    }
    public init(role: Role, path: String, content: [UInt8]) {
        self.role = role; self.path = path; self.content = content; sha256 = SHA256.hex(content)
    }
}

/// One payee's result as stored: the key figures as columns, and the payee's object of
/// the JSON output whole. Money is exact decimal text.
public struct StoredPayee: Sendable, Equatable {
    public var payeeID: String
    public var name: String
    public var currency: String
    public var payout: String
    public var status: String
    public var json: String
    public init(payeeID: String, name: String, currency: String, payout: String, status: String, json: String) {
        self.payeeID = payeeID; self.name = name; self.currency = currency; self.payout = payout; self.status = status; self.json = json
    }
}

/// One finding as stored with a run (event ids space-separated).
public struct StoredFinding: Sendable, Equatable {
    public var check: String
    public var payeeID: String?
    public var eventIDs: String
    public var action: String
    public var detail: String
    public init(check: String, payeeID: String?, eventIDs: String, action: String, detail: String) {
        self.check = check; self.payeeID = payeeID; self.eventIDs = eventIDs; self.action = action; self.detail = detail
    }
    public init(_ f: Finding) {
        self.init(check: f.check.rawValue, payeeID: f.payeeID, eventIDs: f.eventIDs.joined(separator: " "), action: f.action.rawValue, detail: f.detail)
    }
}

/// What a run was for.
public enum RunPurpose: String, Sendable { case calculate, trueUp = "true-up" }

/// Everything `calculate` records about one run. Who, when and how are passed in: the
/// store reads no clock and no environment.
public struct NewRun: Sendable {
    public var purpose: RunPurpose = .calculate
    public var period: String
    public var planID: String
    public var planVersion: String
    public var files: [StoredFile]
    public var resultJSON: String
    public var payees: [StoredPayee]
    public var findings: [Finding]
    public var createdAt: String
    public var createdBy: String
    public var commandLine: String
    public var advocompVersion: String
    public init(period: String, planID: String, planVersion: String, files: [StoredFile], resultJSON: String,
                payees: [StoredPayee], findings: [Finding], createdAt: String, createdBy: String,
                commandLine: String, advocompVersion: String) {
        self.period = period; self.planID = planID; self.planVersion = planVersion; self.files = files
        self.resultJSON = resultJSON; self.payees = payees; self.findings = findings; self.createdAt = createdAt
        self.createdBy = createdBy; self.commandLine = commandLine; self.advocompVersion = advocompVersion
    }
}

/// A stored run without its files and payees.
public struct RunSummary: Sendable, Equatable {
    public enum Kind: String, Sendable { case regular, adjustment }
    public var id: Int64
    public var period: String
    public var planID: String
    public var planVersion: String
    public var planSHA256: String
    public var kind: Kind
    /// For an adjustment: the final run of the closed period it adjusts.
    public var adjusts: Int64?
    public var createdAt: String
    public var createdBy: String
    public var commandLine: String
    public var advocompVersion: String
    public var approvedAt: String?
    public var approvedBy: String?
    /// The final run of its closed period.
    public var isFinal: Bool
    public var payeeCount: Int
    public var resultSHA256: String
    public var purpose: RunPurpose

    /// final (of its closed period), approved, or draft.
    public var state: String { isFinal ? "final" : approvedAt != nil ? "approved" : "draft" }
}

/// The run history: an SQLite file (WAL; created 0600), written one run per transaction.
public final class RunStore {
    /// Internal for the tests (they read pragmas and tamper with rows).
    let db: SQLite
    public let path: String
    /// What opening the file changed and the user should hear (a mode made private).
    public let warnings: [String]
    /// The schema version this build writes and reads.
    public static var schemaVersion: Int { Migrations.all.count }

    /// Opens the history at `path`, creating it when missing, and brings its schema up
    /// to date. A file written by a newer advocomp (a higher schema) is refused.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        warnings = try HistoryFile.prepare(path)
        db = try SQLite(path: path, create: create)
        try db.execute("PRAGMA foreign_keys = ON")
        // Two processes creating the same history at once: one switches it to WAL and
        // migrates it; the other waits for that and finds it done.
        try db.retryingWhileBusy {
            var mode = ""
            try db.query("PRAGMA journal_mode = WAL") { mode = $0.text(0) ?? "" }
            guard mode.lowercased() == "wal" else {
                throw StoreError("cannot switch the database to write-ahead logging (journal mode \(mode))", busy: true)
            }
            try migrate()
        }
    }

    private func version() throws -> Int {
        var v = 0
        try db.query("PRAGMA user_version") { v = Int($0.int(0) ?? 0) }
        return v
    }

    private func migrate() throws {
        let known = Migrations.all.count
        let found = try version()
        if found > known {
            throw StoreError("the database has schema version \(found), written by a newer advocomp; this one (\(RunStore.schemaVersion)) cannot read it safely: use the newer advocomp, or another --db file")
        }
        guard found < known else { return }
        try db.transaction {
            // Read again inside the write lock: another process may have migrated meanwhile.
            let current = try version()
            guard current < known else { return }
            for k in current..<known {
                try db.execute(Migrations.all[k])
            }
            try db.execute("PRAGMA user_version = \(known)")
        }
    }

    // MARK: Writing

    /// Records a run in one transaction and returns its summary. A run for a period its
    /// plan has closed is an adjustment of the period's final run, never a replacement.
    /// `inside` is called within the transaction, after every row is written and before
    /// the commit: the command puts its output files in place there (an error rolls the
    /// run back), and the tests kill a process there.
    public func record(_ run: NewRun, inside: () throws -> Void = {}) throws -> RunSummary {
        guard let plan = run.files.first(where: { $0.role == .plan }) else { throw StoreError("a run needs its plan file") }
        let id: Int64 = try db.transaction {
            let final = try finalRun(period: run.period, planID: run.planID)
            try db.query("""
                INSERT INTO runs (period, plan_id, plan_version, plan_sha256, kind, adjusts, created_at, created_by,
                                  command_line, advocomp_version, result_json, result_sha256, purpose)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(run.period), .text(run.planID), .text(run.planVersion), .text(plan.sha256),
                      .text(final == nil ? "regular" : "adjustment"), final.map { .int($0) } ?? .null,
                      .text(run.createdAt), .text(run.createdBy), .text(run.commandLine), .text(run.advocompVersion),
                      .text(run.resultJSON), .text(SHA256.hex(Array(run.resultJSON.utf8))), .text(run.purpose.rawValue)])
            let id = db.lastInsertID
            // A file's content is stored once however many runs read it (a recalculation
            // on the same 70 MB ledger adds no second copy).
            try db.insertMany("INSERT OR IGNORE INTO file_contents (sha256, bytes, lines, content) VALUES (?, ?, ?, ?)",
                              run.files.map { f in [.text(f.sha256), .int(Int64(f.content.count)), .int(Int64(f.lines)), .blob(f.content)] })
            try db.insertMany("INSERT INTO run_files (run_id, seq, role, path, sha256) VALUES (?, ?, ?, ?, ?)",
                              run.files.enumerated().map { k, f in
                                  [.int(id), .int(Int64(k)), .text(f.role.rawValue), .text(f.path), .text(f.sha256)]
                              })
            try db.insertMany("INSERT INTO run_payees (run_id, payee_id, name, currency, payout, status, result_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              run.payees.map { p in
                                  [.int(id), .text(p.payeeID), .text(p.name), .text(p.currency), .text(p.payout), .text(p.status), .text(p.json)]
                              })
            try db.insertMany("INSERT INTO run_findings (run_id, seq, check_name, payee_id, event_ids, action, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              run.findings.enumerated().map { k, f in
                                  [.int(id), .int(Int64(k)), .text(f.check.rawValue), f.payeeID.map { .text($0) } ?? .null,
                                   .text(f.eventIDs.joined(separator: " ")), .text(f.action.rawValue), .text(f.detail)]
                              })
            try inside()
            return id
        }
        guard let summary = try summary(id) else { throw StoreError("run \(id) was recorded but cannot be read back") }
        return summary
    }

    /// Approves a run. One run per period and plan is approved at a time: approving
    /// another moves the approval (the previous one is returned). A closed period's
    /// regular runs cannot be approved; its adjustments can.
    public func approve(_ id: Int64, by user: String, at time: String) throws -> (run: RunSummary, previous: Int64?) {
        try db.transaction {
            guard let run = try summary(id) else { throw StoreError("there is no run \(id) (advocomp runs lists them)") }
            if run.isFinal { throw StoreError("run \(id) is already the final run of \(run.period) for plan \(run.planID)") }
            if let final = try finalRun(period: run.period, planID: run.planID), run.kind == .regular {
                throw StoreError("\(run.period) is closed for plan \(run.planID): its final run is \(final); calculate again to make an adjustment run")
            }
            var previous: Int64?
            try db.query("SELECT id FROM runs WHERE period = ? AND plan_id = ? AND kind = ? AND approved_at IS NOT NULL AND id <> ?",
                         [.text(run.period), .text(run.planID), .text(run.kind.rawValue), .int(id)]) { previous = $0.int(0) }
            if run.kind == .regular, let p = previous {
                try db.query("UPDATE runs SET approved_at = NULL, approved_by = NULL WHERE id = ?", [.int(p)])
            } else if run.kind == .adjustment {
                previous = nil  // adjustments are approved one by one
            }
            try db.query("UPDATE runs SET approved_at = ?, approved_by = ? WHERE id = ?", [.text(time), .text(user), .int(id)])
            guard let updated = try summary(id) else { throw StoreError("run \(id) vanished") }
            return (updated, previous)
        }
    }

    /// Closes `period` for every plan with runs in it (or for `planID` only): each needs
    /// an approved run, which becomes final. All or nothing.
    public func close(period: String, planID: String?, by user: String, at time: String) throws -> [RunSummary] {
        try db.transaction {
            var plans: [String] = []
            try db.query("SELECT DISTINCT plan_id FROM runs WHERE period = ? ORDER BY plan_id", [.text(period)]) { plans.append($0.text(0) ?? "") }
            if let planID { plans = plans.filter { $0 == planID } }
            guard !plans.isEmpty else {
                throw StoreError("there are no runs for \(period)\(planID.map { " of plan \($0)" } ?? ""): calculate and approve one first")
            }
            var finals: [RunSummary] = [], problems: [String] = []
            for plan in plans {
                if let f = try finalRun(period: period, planID: plan) {
                    problems.append("\(period) is already closed for plan \(plan) (final run \(f))")
                    continue
                }
                var approved: Int64?
                try db.query("SELECT id FROM runs WHERE period = ? AND plan_id = ? AND kind = 'regular' AND approved_at IS NOT NULL",
                             [.text(period), .text(plan)]) { approved = $0.int(0) }
                guard let approved, let run = try summary(approved) else {
                    problems.append("plan \(plan) has no approved run for \(period) (advocomp runs --period \(period); advocomp approve RUN)")
                    continue
                }
                finals.append(run)
            }
            guard problems.isEmpty else { throw StoreError(problems.joined(separator: "; ")) }
            for run in finals {
                try db.query("INSERT INTO closed_periods (period, plan_id, final_run, closed_at, closed_by) VALUES (?, ?, ?, ?, ?)",
                             [.text(period), .text(run.planID), .int(run.id), .text(time), .text(user)])
            }
            return try finals.compactMap { try summary($0.id) }
        }
    }

    // MARK: Reading

    /// The final run of a closed period, nil while it is open.
    public func finalRun(period: String, planID: String) throws -> Int64? {
        var id: Int64?
        try db.query("SELECT final_run FROM closed_periods WHERE period = ? AND plan_id = ?", [.text(period), .text(planID)]) { id = $0.int(0) }
        return id
    }

    /// The run whose payouts stand for a closed period: its latest approved adjustment,
    /// else its final run; nil while the period is open.
    public func standingRun(period: String, planID: String) throws -> Int64? {
        guard let final = try finalRun(period: period, planID: planID) else { return nil }
        var adjustment: Int64?
        try db.query("SELECT MAX(id) FROM runs WHERE adjusts = ? AND approved_at IS NOT NULL", [.int(final)]) { adjustment = $0.int(0) }
        return adjustment ?? final
    }

    private static let summaryColumns = """
        r.id, r.period, r.plan_id, r.plan_version, r.plan_sha256, r.kind, r.adjusts, r.created_at, r.created_by,
        r.command_line, r.advocomp_version, r.approved_at, r.approved_by,
        EXISTS (SELECT 1 FROM closed_periods c WHERE c.final_run = r.id),
        (SELECT COUNT(*) FROM run_payees p WHERE p.run_id = r.id), r.result_sha256, r.purpose
        """

    private static func summary(_ row: SQLite.Row) -> RunSummary {
        RunSummary(id: row.int(0) ?? 0, period: row.text(1) ?? "", planID: row.text(2) ?? "", planVersion: row.text(3) ?? "",
                   planSHA256: row.text(4) ?? "", kind: RunSummary.Kind(rawValue: row.text(5) ?? "") ?? .regular,
                   adjusts: row.int(6), createdAt: row.text(7) ?? "", createdBy: row.text(8) ?? "",
                   commandLine: row.text(9) ?? "", advocompVersion: row.text(10) ?? "", approvedAt: row.text(11),
                   approvedBy: row.text(12), isFinal: (row.int(13) ?? 0) != 0, payeeCount: Int(row.int(14) ?? 0),
                   resultSHA256: row.text(15) ?? "", purpose: RunPurpose(rawValue: row.text(16) ?? "") ?? .calculate)
    }

    public func summary(_ id: Int64) throws -> RunSummary? {
        var s: RunSummary?
        try db.query("SELECT \(RunStore.summaryColumns) FROM runs r WHERE r.id = ?", [.int(id)]) { s = RunStore.summary($0) }
        return s
    }

    /// Runs in id order, of one period when given.
    public func runs(period: String? = nil) throws -> [RunSummary] {
        var list: [RunSummary] = []
        if let period {
            try db.query("SELECT \(RunStore.summaryColumns) FROM runs r WHERE r.period = ? ORDER BY r.id", [.text(period)]) { list.append(RunStore.summary($0)) }
        } else {
            try db.query("SELECT \(RunStore.summaryColumns) FROM runs r ORDER BY r.id") { list.append(RunStore.summary($0)) }
        }
        return list
    }

    /// The JSON output of the run, exactly as `calculate --format json` printed it.
    public func resultJSON(_ id: Int64) throws -> String? {
        var text: String?
        try db.query("SELECT result_json FROM runs WHERE id = ?", [.int(id)]) { text = $0.text(0) }
        return text
    }

    public func files(_ id: Int64) throws -> [StoredFile] {
        var list: [StoredFile] = []
        try db.query("""
            SELECT f.role, f.path, c.content FROM run_files f JOIN file_contents c ON c.sha256 = f.sha256
            WHERE f.run_id = ? ORDER BY f.seq
            """, [.int(id)]) { row in
            list.append(StoredFile(role: StoredFile.Role(rawValue: row.text(0) ?? "") ?? .okr, path: row.text(1) ?? "", content: row.blob(2)))
        }
        return list
    }

    /// Payees by payee_id.
    public func payees(_ id: Int64) throws -> [StoredPayee] {
        var list: [StoredPayee] = []
        try db.query("SELECT payee_id, name, currency, payout, status, result_json FROM run_payees WHERE run_id = ? ORDER BY payee_id", [.int(id)]) { row in
            list.append(StoredPayee(payeeID: row.text(0) ?? "", name: row.text(1) ?? "", currency: row.text(2) ?? "",
                                    payout: row.text(3) ?? "", status: row.text(4) ?? "", json: row.text(5) ?? ""))
        }
        return list
    }

    /// The findings as recorded, in their order.
    public func findings(_ id: Int64) throws -> [StoredFinding] {
        var list: [StoredFinding] = []
        try db.query("SELECT check_name, payee_id, event_ids, action, detail FROM run_findings WHERE run_id = ? ORDER BY seq", [.int(id)]) { row in
            list.append(StoredFinding(check: row.text(0) ?? "", payeeID: row.text(1), eventIDs: row.text(2) ?? "",
                                      action: row.text(3) ?? "", detail: row.text(4) ?? ""))
        }
        return list
    }

    /// What is wrong with the record of run `id` itself, in words (empty: nothing): the
    /// stored result against its SHA-256, each input file against its SHA-256, size and
    /// line count, the plan's SHA-256 against the stored plan file, the payee count.
    public func recordProblems(_ id: Int64) throws -> [String] {
        var problems: [String] = []
        guard let run = try summary(id), let json = try resultJSON(id) else { return ["there is no run \(id)"] }
        if SHA256.hex(Array(json.utf8)) != run.resultSHA256 {
            problems.append("the stored result does not match its SHA-256 (\(run.resultSHA256)): it was changed after the run")
        }
        var roles: [String] = []
        try db.query("""
            SELECT f.seq, f.role, f.path, f.sha256, c.sha256, c.bytes, c.lines, c.content
            FROM run_files f LEFT JOIN file_contents c ON c.sha256 = f.sha256 WHERE f.run_id = ? ORDER BY f.seq
            """, [.int(id)]) { row in
            let role = row.text(1) ?? "", path = row.text(2) ?? "", sha = row.text(3) ?? ""
            roles.append(role)
            guard row.text(4) != nil else {
                problems.append("input \(role) \(path): its content (SHA-256 \(sha)) is missing")
                return
            }
            let content = row.blob(7)
            let file = StoredFile(role: StoredFile.Role(rawValue: role) ?? .okr, path: path, content: content)
            if file.sha256 != sha { problems.append("input \(role) \(path): the stored content does not match its SHA-256 (\(sha))") }
            if Int64(content.count) != row.int(5) { problems.append("input \(role) \(path): \(content.count) bytes stored, \(row.int(5) ?? -1) recorded") }
            if Int64(file.lines) != row.int(6) { problems.append("input \(role) \(path): \(file.lines) lines stored, \(row.int(6) ?? -1) recorded") }
            if StoredFile.Role(rawValue: role) == nil { problems.append("input \(path) has an unknown role '\(role)'") }
            if role == StoredFile.Role.plan.rawValue && sha != run.planSHA256 {
                problems.append("the plan file's SHA-256 (\(sha)) is not the run's (\(run.planSHA256))")
            }
        }
        for needed in [StoredFile.Role.plan, .roster, .actuals] where !roles.contains(needed.rawValue) {
            problems.append("the \(needed.rawValue) input file is missing from the record")
        }
        return problems
    }

    /// SQLite's own checks of the whole file (integrity and foreign keys), in words.
    public func integrityProblems() throws -> [String] {
        var problems: [String] = []
        try db.query("PRAGMA integrity_check") { row in
            let t = row.text(0) ?? ""
            if t != "ok" { problems.append("SQLite integrity check: \(t)") }
        }
        try db.query("PRAGMA foreign_key_check") { row in
            problems.append("a row of \(row.text(0) ?? "?") refers to a missing row of \(row.text(2) ?? "?")")
        }
        return problems
    }

    public func findingCount(_ id: Int64) throws -> Int {
        var n = 0
        try db.query("SELECT COUNT(*) FROM run_findings WHERE run_id = ?", [.int(id)]) { n = Int($0.int(0) ?? 0) }
        return n
    }
}
