import AdvocompModel
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An input file as stored with a run.
public struct StoredFile: Sendable, Equatable {
    public enum Role: String, Sendable { case plan, roster, actuals, events, okr }
    public let role: Role
    public let path: String
    public let content: [UInt8]
    /// Computed once, when the file is made.
    public let sha256: String
    /// Lines of text (a last line without a newline counts); computed once too.
    public let lines: Int
    public init(role: Role, path: String, content: [UInt8]) {
        self.role = role; self.path = path; self.content = content; sha256 = SHA256.hex(content)
        lines = StoredFile.lines(content)
    }

    static func lines(_ content: [UInt8]) -> Int {
        let n = content.withUnsafeBufferPointer { b in b.reduce(0) { $0 &+ ($1 == 10 ? 1 : 0) } }
        return content.last.map { $0 == 10 ? n : n + 1 } ?? 0
    }
}

/// A payee's status as the history records it: a calculation's (ok, held, ineligible) or
/// a true-up's, which adds `absent` (paid in the year, no longer on the roster).
public enum PayeeStatus: String, Sendable, CaseIterable {
    case ok, held, ineligible, absent
}

/// One payee's result as stored: the payout as money (exact decimal text and currency
/// code in the file), the status, and the payee's object of the JSON output.
public struct StoredPayee: Sendable, Equatable {
    public var payeeID: String
    public var name: String
    public var payout: Money
    public var status: PayeeStatus
    /// The payee's object of the run's JSON output; nil when it was not asked for.
    public var json: String?
    public var currency: Currency { payout.currency }
    public init(payeeID: String, name: String, payout: Money, status: PayeeStatus, json: String?) {
        self.payeeID = payeeID; self.name = name; self.payout = payout; self.status = status; self.json = json
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

/// What a true-up was based on, and each payee's line, as stored with a true-up run:
/// enough to calculate it again exactly as it was (a later adjustment of a period does
/// not change a recorded true-up) and to carry its amounts into the next year's.
public struct StoredTrueUp: Sendable, Equatable {
    /// A period of the year and the run whose payouts stood for it.
    public struct PaidPeriod: Sendable, Equatable {
        public var period: Period
        public var run: Int64
        public init(period: Period, run: Int64) { self.period = period; self.run = run }
    }
    /// What one period paid the payee.
    public struct Payment: Sendable, Equatable {
        public var period: Period
        public var amount: Money
        public init(period: Period, amount: Money) { self.period = period; self.amount = amount }
    }
    /// One payee's true-up; every amount in the payee's currency.
    public struct Line: Sendable, Equatable {
        public var payeeID: String
        public var fullYear: Money
        /// In the year's order.
        public var paidByPeriod: [Payment]
        public var paid: Money
        public var carriedIn: Money
        public var trueUp: Money
        public var carryForward: Money
        public var forgiven: Money
        public var currency: Currency { fullYear.currency }
        public init(payeeID: String, fullYear: Money, paidByPeriod: [Payment], paid: Money, carriedIn: Money,
                    trueUp: Money, carryForward: Money, forgiven: Money) {
            self.payeeID = payeeID; self.fullYear = fullYear; self.paidByPeriod = paidByPeriod; self.paid = paid
            self.carriedIn = carriedIn; self.trueUp = trueUp; self.carryForward = carryForward; self.forgiven = forgiven
        }
    }
    public var year: Int
    /// In the year's order.
    public var periods: [PaidPeriod]
    /// The previous year's true-up run whose carry-forwards came in.
    public var carriedFrom: Int64?
    /// By payee_id.
    public var lines: [Line]
    public init(year: Int, periods: [PaidPeriod], carriedFrom: Int64?, lines: [Line]) {
        self.year = year; self.periods = periods; self.carriedFrom = carriedFrom; self.lines = lines
    }
}

/// Everything `calculate` (or `true-up`) records about one run. Who, when and how are
/// passed in: the store reads no clock and no environment.
public struct NewRun: Sendable {
    public var purpose: RunPurpose = .calculate
    public var period: Period
    public var planID: String
    public var planVersion: String
    public var files: [StoredFile]
    public var resultJSON: String
    /// Each with its object of `resultJSON` (found there and stored as its place, not copied).
    public var payees: [StoredPayee]
    public var findings: [Finding]
    /// For a true-up run: its basis and lines.
    public var trueUp: StoredTrueUp?
    public var createdAt: String
    public var createdBy: String
    public var commandLine: String
    public var advocompVersion: String
    public init(period: Period, planID: String, planVersion: String, files: [StoredFile], resultJSON: String,
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
    public var period: Period
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
    /// The run set it was calculated in with other plans' runs (one close), or nil.
    public var runSet: Int64?

    /// final (of its closed period), approved, or draft.
    public var state: String { isFinal ? "final" : approvedAt != nil ? "approved" : "draft" }
}

/// The run history: an SQLite file (WAL; created 0600) through GRDB's `DatabasePool`: one
/// writer, and readers that go on while a run is being written. One transaction per run.
public final class RunStore: @unchecked Sendable {
    /// Internal for the tests (they read pragmas and tamper with rows).
    let pool: DatabasePool
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
        pool = try RunStore.openPool(path, create: create)
        // Two processes creating the same history at once: one migrates it; the other
        // waits for that and finds it done.
        try RunStore.retryingWhileBusy { try Migrations.migrate(pool) }
    }

    /// A new file is created with mode 0600 before SQLite opens it, so no other user can
    /// ever read it; SQLite gives its WAL and shared-memory files the same mode.
    private static func openPool(_ path: String, create: Bool) throws -> DatabasePool {
        if create {
            if let why = createPrivately(path) { throw StoreError("cannot create the database: \(why)") }
        } else if access(path, F_OK) != 0 {
            throw StoreError("cannot open the database: unable to open database file")
        }
        var configuration = Configuration()
        configuration.label = "advocomp history"
        // Another process writing waits for us (and we for it) instead of failing at once.
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        // A new history gets 64 KiB pages: it is mostly large texts and blobs (each run's
        // JSON output, its input files), written in a twentieth of the pages (and of the
        // WAL frames and system calls) of SQLite's default 4 KiB; a run of 100,000 payees
        // commits in half the time. An existing file keeps its page size.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 65536") }
        let pool = try retryingWhileBusy { try DatabasePool(path: path, configuration: configuration) }
        // GRDB sets `synchronous = NORMAL` in WAL mode; a run's record (and the outputs put
        // in place with it) must survive a power cut once `calculate` says it is recorded.
        try storeErrors { try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") } }
        return pool
    }

    /// Runs `body` again while it fails busy, for up to `seconds`. Some steps (switching
    /// a new file to WAL, the first read of a file another process is creating) fail
    /// busy at once instead of waiting for the lock.
    static func retryingWhileBusy<T>(seconds: Double = 30, _ body: () throws -> T) throws -> T {
        var waited = 0.0
        while true {
            do { return try body() } catch {
                let e = StoreError(error)
                let walRace = (error as? DatabaseError)?.message?.hasPrefix("could not activate WAL Mode") == true
                guard (e.busy || walRace) && waited < seconds else { throw e }
                usleep(20_000)
                waited += 0.02
            }
        }
    }

    /// One write transaction, taken at once (BEGIN IMMEDIATE) so two writers queue
    /// instead of failing halfway; rolled back when `body` throws.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try storeErrors {
            try pool.writeWithoutTransaction { db in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try body(db)
                    return .commit
                }
                guard let value else { throw StoreError("the transaction ended without a result") }
                return value
            }
        }
    }

    /// A read of the committed history (a reader connection: it never waits for a writer).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try storeErrors { try pool.read(body) }
    }

    // MARK: Writing

    /// Records a run in one transaction and returns its summary. A run for a period its
    /// plan has closed is an adjustment of the period's final run, never a replacement.
    /// `inside` is called within the transaction, after every row is written and before
    /// the commit: the command puts its output files in place there (an error rolls the
    /// run back and is thrown as it is), and the tests kill a process there.
    public func record(_ run: NewRun, inside: () throws -> Void = {}) throws -> RunSummary {
        let recorded = try record([run], inside: { _ in try inside() })
        guard let summary = recorded.first else { throw StoreError("the run was not recorded") }
        return summary
    }

    /// Records the runs of several plans calculated together (`calculate --plan A --plan B`)
    /// in one transaction, as one run set when there are two or more: all of them or none.
    /// `inside` gets what was written (each run regular, or an adjustment of its closed
    /// period) before the commit; throwing there rolls everything back.
    public func record(_ runs: [NewRun], inside: ([RunSummary]) throws -> Void) throws -> [RunSummary] {
        guard let first = runs.first else { throw StoreError("there is no run to record") }
        // Outside the write lock: each result's SHA-256, where each payee's object is in
        // it, and its totals by currency.
        var prepared: [(run: NewRun, plan: StoredFile, sha256: String, places: [(start: Int, length: Int)?], totals: [RunTotal])] = []
        for run in runs {
            guard let plan = run.files.first(where: { $0.role == .plan }) else { throw StoreError("a run needs its plan file") }
            prepared.append((run, plan, SHA256.hex(utf8: run.resultJSON), PayeeJSONPlaces.locate(run.payees.map { $0.json ?? "" }, in: run.resultJSON),
                             try RunTotal.of(run.payees, trueUp: run.purpose == .trueUp, run: "the run of plan \(run.planID)")))
        }
        var fromInside: Error?
        do {
            return try write { db in
                var set: Int64?
                if runs.count > 1 {
                    var row = RunSetRecord(id: nil, createdAt: first.createdAt, createdBy: first.createdBy, commandLine: first.commandLine)
                    try row.insert(db)
                    set = row.id
                }
                var summaries: [RunSummary] = []
                for (run, plan, resultSHA256, places, totals) in prepared {
                    summaries.append(try RunStore.insert(run, plan: plan, resultSHA256: resultSHA256, places: places, totals: totals, set: set, db))
                }
                do { try inside(summaries) } catch {
                    fromInside = error
                    throw error
                }
                return summaries
            }
        } catch {
            if let fromInside { throw fromInside }
            throw error
        }
    }

    /// The ids the next `count` runs recorded will get (AUTOINCREMENT: after the highest
    /// ever given), so a workbook written before its run is recorded can name the run;
    /// the caller checks inside `record` that they were the ids given.
    public func nextRunIDs(_ count: Int) throws -> [Int64] {
        let last = try read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'runs'") ?? 0
        }
        return (0..<Int64(count)).map { last + 1 + $0 }
    }

    /// One run's rows; its summary as `summary` reads it back.
    private static func insert(_ run: NewRun, plan: StoredFile, resultSHA256: String, places: [(start: Int, length: Int)?],
                               totals: [RunTotal], set: Int64?, _ db: Database) throws -> RunSummary {
        let final = try RunStore.finalRun(db, period: run.period, planID: run.planID)
        var row = RunRecord(id: nil, period: run.period.description, planID: run.planID, planVersion: run.planVersion,
                            planSHA256: plan.sha256, kind: (final == nil ? RunSummary.Kind.regular : .adjustment).rawValue,
                            adjusts: final, createdAt: run.createdAt, createdBy: run.createdBy, commandLine: run.commandLine,
                            advocompVersion: run.advocompVersion, resultJSON: run.resultJSON, resultSHA256: resultSHA256,
                            approvedAt: nil, approvedBy: nil, purpose: run.purpose.rawValue, runSet: set)
        try row.insertRun(db)
        guard let id = row.id else { throw StoreError("the run was not given an id") }
        // A file's content is stored once however many runs read it (a
        // recalculation on the same 70 MB ledger adds no second copy).
        for (k, f) in run.files.enumerated() {
            try FileContentRecord.insertOnce(db, sha256: f.sha256, lines: f.lines, content: f.content)
            try RunFileRecord(runID: id, seq: Int64(k), role: f.role.rawValue, path: f.path, sha256: f.sha256).insert(db)
        }
        try RunPayeeRecord.insertAll(db, zip(run.payees, places).map { p, place in
            RunPayeeRecord(runID: id, payeeID: p.payeeID, name: p.name, currency: p.currency.code, payout: p.payout.plain,
                           status: p.status.rawValue, resultJSON: place == nil ? p.json ?? "" : "",
                           jsonStart: place.map { Int64($0.start) }, jsonLength: place.map { Int64($0.length) })
        })
        try RunFindingRecord.insertAll(db, run.findings.enumerated().map { k, f in
            let s = StoredFinding(f)
            return RunFindingRecord(runID: id, seq: Int64(k), checkName: s.check, payeeID: s.payeeID, eventIDs: s.eventIDs,
                                    action: s.action, detail: s.detail)
        })
        for t in totals {
            try RunTotalRecord(runID: id, currency: t.currency.code, payees: Int64(t.payees), payout: t.payout.plain,
                               payable: t.payable.plain).insert(db)
        }
        if let t = run.trueUp { try RunStore.insert(t, run: id, db) }
        return RunSummary(id: id, period: run.period, planID: run.planID, planVersion: run.planVersion, planSHA256: plan.sha256,
                          kind: final == nil ? .regular : .adjustment, adjusts: final, createdAt: run.createdAt,
                          createdBy: run.createdBy, commandLine: run.commandLine, advocompVersion: run.advocompVersion,
                          approvedAt: nil, approvedBy: nil, isFinal: false, payeeCount: run.payees.count,
                          resultSHA256: resultSHA256, purpose: run.purpose, runSet: set)
    }

    private static func insert(_ t: StoredTrueUp, run id: Int64, _ db: Database) throws {
        try TrueUpRecord(runID: id, year: Int64(t.year), carriedFromRun: t.carriedFrom).insert(db)
        for (k, p) in t.periods.enumerated() {
            try TrueUpPeriodRecord(runID: id, seq: Int64(k), period: p.period.description, paidByRun: p.run).insert(db)
        }
        for l in t.lines {
            try TrueUpLineRecord(runID: id, payeeID: l.payeeID, currency: l.currency.code, fullYearPayout: l.fullYear.plain,
                                 paid: l.paid.plain, carriedIn: l.carriedIn.plain, trueUp: l.trueUp.plain,
                                 carryForward: l.carryForward.plain, forgiven: l.forgiven.plain).insert(db)
            for p in l.paidByPeriod {
                guard p.amount.currency == l.currency else {
                    throw StoreError("payee \(l.payeeID) was paid in \(p.amount.currency.code) for \(p.period) and has a true-up in \(l.currency.code)")
                }
                try TrueUpPaidRecord(runID: id, payeeID: l.payeeID, period: p.period.description, amount: p.amount.plain).insert(db)
            }
        }
    }

    // MARK: Reading

    /// The final run of a closed period, nil while it is open.
    public func finalRun(period: Period, planID: String) throws -> Int64? {
        try read { try RunStore.finalRun($0, period: period, planID: planID) }
    }

    static func finalRun(_ db: Database, period: Period, planID: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT final_run FROM closed_periods WHERE period = ? AND plan_id = ?",
                           arguments: [period.description, planID])
    }

    /// The run whose payouts stand for a closed period: its latest approved adjustment,
    /// else its final run; nil while the period is open.
    public func standingRun(period: Period, planID: String) throws -> Int64? {
        try read { db in
            guard let final = try RunStore.finalRun(db, period: period, planID: planID) else { return nil }
            let adjustment = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM runs WHERE adjusts = ? AND approved_at IS NOT NULL", arguments: [final])
            return adjustment ?? final
        }
    }

    static func summary(_ db: Database, _ id: Int64) throws -> RunSummary? {
        try RunSummaryRow.fetchOne(db, sql: RunSummaryRow.sql + " WHERE r.id = ?", arguments: [id]).map(summary)
    }

    /// A summary row as typed values; a stored value that cannot be read is an error
    /// naming the run.
    static func summary(_ row: RunSummaryRow) throws -> RunSummary {
        let r = row.run
        let id = r.id ?? 0
        guard let period = Period.parse(r.period) else { throw damaged("run \(id) stores period '\(r.period)', which is not a period") }
        guard let kind = RunSummary.Kind(rawValue: r.kind) else { throw damaged("run \(id) stores kind '\(r.kind)', which is neither regular nor adjustment") }
        guard let purpose = RunPurpose(rawValue: r.purpose) else { throw damaged("run \(id) stores purpose '\(r.purpose)', which is neither calculate nor true-up") }
        return RunSummary(id: id, period: period, planID: r.planID, planVersion: r.planVersion, planSHA256: r.planSHA256, kind: kind,
                          adjusts: r.adjusts, createdAt: r.createdAt, createdBy: r.createdBy, commandLine: r.commandLine,
                          advocompVersion: r.advocompVersion, approvedAt: r.approvedAt, approvedBy: r.approvedBy, isFinal: row.isFinal,
                          payeeCount: Int(row.payeeCount), resultSHA256: r.resultSHA256, purpose: purpose, runSet: r.runSet)
    }

    /// A stored value that cannot be read: the history was damaged or edited.
    static func damaged(_ what: String) -> StoreError {
        StoreError("\(what): the history is damaged (advocomp check --db names what else is)")
    }

    public func summary(_ id: Int64) throws -> RunSummary? {
        try read { try RunStore.summary($0, id) }
    }

    /// Runs in id order, of one period when given.
    public func runs(period: Period? = nil) throws -> [RunSummary] {
        try read { db in
            let rows: [RunSummaryRow]
            if let period {
                rows = try RunSummaryRow.fetchAll(db, sql: RunSummaryRow.sql + " WHERE r.period = ? ORDER BY r.id", arguments: [period.description])
            } else {
                rows = try RunSummaryRow.fetchAll(db, sql: RunSummaryRow.sql + " ORDER BY r.id")
            }
            return try rows.map(RunStore.summary)
        }
    }

    /// The JSON output of the run, exactly as `calculate --format json` printed it.
    public func resultJSON(_ id: Int64) throws -> String? {
        try read { try String.fetchOne($0, sql: "SELECT result_json FROM runs WHERE id = ?", arguments: [id]) }
    }

    public func files(_ id: Int64) throws -> [StoredFile] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.role, f.path, c.content FROM run_files f JOIN file_contents c ON c.sha256 = f.sha256
                WHERE f.run_id = ? ORDER BY f.seq
                """, arguments: [id])
            return try rows.map { row in
                let roleText: String = try row.decode(forColumn: "role")
                guard let role = StoredFile.Role(rawValue: roleText) else {
                    throw RunStore.damaged("run \(id) stores an input file with role '\(roleText)', which advocomp does not know")
                }
                let content: Data? = try row.decode(forColumn: "content")
                return StoredFile(role: role, path: try row.decode(forColumn: "path"), content: Array(content ?? Data()))
            }
        }
    }

    /// Payees by payee_id, each with its JSON object unless `json` is false (a diff or a
    /// true-up needs only the figures). A payout, currency or status that cannot be read
    /// is an error naming the run and the payee, never a zero.
    public func payees(_ id: Int64, json: Bool = true) throws -> [StoredPayee] {
        try read { db in
            let rows = try RunPayeeRecord.fetchAll(db, sql: "SELECT * FROM run_payees WHERE run_id = ? ORDER BY payee_id", arguments: [id])
            var output: String?
            if json && rows.contains(where: { $0.jsonStart != nil }) {
                output = try String.fetchOne(db, sql: "SELECT result_json FROM runs WHERE id = ?", arguments: [id])
            }
            guard var output else { return try rows.map { try RunStore.payee($0, json: json ? $0.resultJSON : nil) } }
            return try output.withUTF8 { bytes in
                try rows.map { r in
                    guard let start = r.jsonStart else { return try RunStore.payee(r, json: r.resultJSON) }
                    let length = r.jsonLength ?? -1
                    guard start >= 0, length >= 0, start + length <= Int64(bytes.count) else {
                        throw RunStore.damaged("run \(id) places payee \(r.payeeID)'s JSON at bytes \(start) to \(start + length) of its output, which has \(bytes.count)")
                    }
                    let slice = UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(start + length)])
                    return try RunStore.payee(r, json: String(decoding: slice, as: UTF8.self))
                }
            }
        }
    }

    private static func payee(_ r: RunPayeeRecord, json: String?) throws -> StoredPayee {
        guard let currency = Currency(code: r.currency) else {
            throw damaged("run \(r.runID) stores currency '\(r.currency)' for payee \(r.payeeID), which is not an ISO 4217 currency")
        }
        guard let payout = Money.parse(r.payout, currency) else {
            throw damaged("run \(r.runID) stores payout '\(r.payout)' for payee \(r.payeeID), which is not an amount in \(currency.code)")
        }
        guard let status = PayeeStatus(rawValue: r.status) else {
            throw damaged("run \(r.runID) stores status '\(r.status)' for payee \(r.payeeID), which advocomp does not know")
        }
        return StoredPayee(payeeID: r.payeeID, name: r.name, payout: payout, status: status, json: json)
    }

    /// The findings as recorded, in their order.
    public func findings(_ id: Int64) throws -> [StoredFinding] {
        try read { db in
            try RunFindingRecord.fetchAll(db, sql: "SELECT * FROM run_findings WHERE run_id = ? ORDER BY seq", arguments: [id]).map {
                StoredFinding(check: $0.checkName, payeeID: $0.payeeID, eventIDs: $0.eventIDs, action: $0.action, detail: $0.detail)
            }
        }
    }

    public func findingCount(_ id: Int64) throws -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run_findings WHERE run_id = ?", arguments: [id]) ?? 0 }
    }

    /// The basis and lines of a true-up run; nil for a calculation. A true-up whose basis
    /// is not stored (recorded before schema 3 with a result that could not be read when
    /// the history was migrated), or one of whose amounts cannot be read, is an error
    /// naming the run (and the payee).
    public func trueUp(_ id: Int64) throws -> StoredTrueUp? {
        try read { db in
            guard let purpose = try String.fetchOne(db, sql: "SELECT purpose FROM runs WHERE id = ?", arguments: [id]),
                  purpose == RunPurpose.trueUp.rawValue else { return nil }
            guard let t = try TrueUpRecord.fetchOne(db, sql: "SELECT * FROM true_ups WHERE run_id = ?", arguments: [id]) else {
                throw RunStore.damaged("run \(id) is a true-up whose basis is not stored (its result could not be read when the history was brought to schema 3)")
            }
            let periods = try TrueUpPeriodRecord.fetchAll(db, sql: "SELECT * FROM true_up_periods WHERE run_id = ? ORDER BY seq", arguments: [id])
                .map { p -> StoredTrueUp.PaidPeriod in
                    guard let period = Period.parse(p.period) else { throw RunStore.damaged("true-up run \(id) stores period '\(p.period)', which is not a period") }
                    return .init(period: period, run: p.paidByRun)
                }
            let order = Dictionary(periods.enumerated().map { ($1.period, $0) }, uniquingKeysWith: { a, _ in a })
            let lines = Dictionary(try TrueUpLineRecord.fetchAll(db, sql: "SELECT * FROM true_up_lines WHERE run_id = ?", arguments: [id])
                                    .map { ($0.payeeID, $0) }, uniquingKeysWith: { a, _ in a })
            var paid: [String: [TrueUpPaidRecord]] = [:]
            for p in try TrueUpPaidRecord.fetchAll(db, sql: "SELECT * FROM true_up_paid WHERE run_id = ?", arguments: [id]) {
                paid[p.payeeID, default: []].append(p)
            }
            let payees = try String.fetchAll(db, sql: "SELECT payee_id FROM run_payees WHERE run_id = ? ORDER BY payee_id", arguments: [id])
            return StoredTrueUp(year: Int(t.year), periods: periods, carriedFrom: t.carriedFromRun, lines: try payees.map { payee in
                guard let l = lines[payee] else { throw RunStore.damaged("true-up run \(id) has no stored line for payee \(payee)") }
                guard let currency = Currency(code: l.currency) else {
                    throw RunStore.damaged("true-up run \(id) stores currency '\(l.currency)' for payee \(payee), which is not an ISO 4217 currency")
                }
                func money(_ text: String, _ what: String) throws -> Money {
                    guard let m = Money.parse(text, currency) else {
                        throw RunStore.damaged("true-up run \(id) stores \(what) '\(text)' for payee \(payee), which is not an amount in \(currency.code)")
                    }
                    return m
                }
                let payments = try (paid[payee] ?? []).map { p -> StoredTrueUp.Payment in
                    guard let period = Period.parse(p.period), order[period] != nil else {
                        throw RunStore.damaged("true-up run \(id) stores a payment to payee \(payee) for '\(p.period)', which is not one of its periods")
                    }
                    return .init(period: period, amount: try money(p.amount, "the payment for \(p.period)"))
                }.sorted { (order[$0.period] ?? 0) < (order[$1.period] ?? 0) }
                return StoredTrueUp.Line(payeeID: payee, fullYear: try money(l.fullYearPayout, "full-year payout"), paidByPeriod: payments,
                                         paid: try money(l.paid, "paid"), carriedIn: try money(l.carriedIn, "carried in"),
                                         trueUp: try money(l.trueUp, "true-up"), carryForward: try money(l.carryForward, "carry forward"),
                                         forgiven: try money(l.forgiven, "forgiven"))
            })
        }
    }

    /// What is wrong with the record of run `id` itself, in words (empty: nothing): the
    /// stored result against its SHA-256, each input file against its SHA-256, size and
    /// line count, the plan's SHA-256 against the stored plan file.
    public func recordProblems(_ id: Int64) throws -> [String] {
        try read { db in
            guard let run = try RunRecord.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else { return ["there is no run \(id)"] }
            var problems: [String] = []
            if SHA256.hex(utf8: run.resultJSON) != run.resultSHA256 {
                problems.append("the stored result does not match its SHA-256 (\(run.resultSHA256)): it was changed after the run")
            }
            var roles: [String] = []
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.role, f.path, f.sha256 AS sha256, c.sha256 AS stored, c.bytes, c.lines, c.content
                FROM run_files f LEFT JOIN file_contents c ON c.sha256 = f.sha256 WHERE f.run_id = ? ORDER BY f.seq
                """, arguments: [id])
            for row in rows {
                let role: String = try row.decode(forColumn: "role"), path: String = try row.decode(forColumn: "path")
                let sha: String = try row.decode(forColumn: "sha256")
                roles.append(role)
                guard (try row.decode(String?.self, forColumn: "stored")) != nil else {
                    problems.append("input \(role) \(path): its content (SHA-256 \(sha)) is missing")
                    continue
                }
                let content: Data = (try row.decode(Data?.self, forColumn: "content")) ?? Data()
                let file = StoredFile(role: StoredFile.Role(rawValue: role) ?? .okr, path: path, content: Array(content))
                let bytes: Int64? = try row.decode(forColumn: "bytes"), lines: Int64? = try row.decode(forColumn: "lines")
                if file.sha256 != sha { problems.append("input \(role) \(path): the stored content does not match its SHA-256 (\(sha))") }
                if Int64(content.count) != bytes { problems.append("input \(role) \(path): \(content.count) bytes stored, \(bytes ?? -1) recorded") }
                if Int64(file.lines) != lines { problems.append("input \(role) \(path): \(file.lines) lines stored, \(lines ?? -1) recorded") }
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
    }

    /// SQLite's own checks of the whole file (integrity and foreign keys), in words.
    public func integrityProblems() throws -> [String] {
        try read { db in
            var problems: [String] = []
            for t in try String.fetchAll(db, sql: "PRAGMA integrity_check") where t != "ok" {
                problems.append("SQLite integrity check: \(t)")
            }
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                let table: String? = try row.decode(atIndex: 0), parent: String? = try row.decode(atIndex: 2)
                problems.append("a row of \(table ?? "?") refers to a missing row of \(parent ?? "?")")
            }
            return problems
        }
    }
}

/// Creates `path` (mode 0600) when it is missing; the reason when that fails.
private func createPrivately(_ path: String) -> String? {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    close(fd)
    return nil
}

/// Where each payee's JSON object is in a run's JSON output, as a byte offset and length:
/// the history keeps the output whole and each payee's object as its place in it, not as a
/// second copy (at 100,000 payees, 50 MB less to write per run). A place is only given
/// where the object's bytes are found there, so it never depends on how the output is laid
/// out; an object not found is stored whole.
enum PayeeJSONPlaces {
    static func locate(_ objects: [String], in output: String) -> [(start: Int, length: Int)?] {
        var output = output
        return output.withUTF8 { hay -> [(start: Int, length: Int)?] in
            guard let base = hay.baseAddress else { return objects.map { _ in nil } }
            var places: [(start: Int, length: Int)?] = []
            places.reserveCapacity(objects.count)
            var cursor = 0
            // A search runs over the rest of the output: a few, for the first object and
            // after an object that is not where the previous one ended.
            var searches = 4
            for object in objects {
                var object = object
                let found: Int? = object.withUTF8 { needle in
                    guard let n = needle.baseAddress, needle.count > 0 else { return nil }
                    var k = cursor
                    while k < hay.count && k - cursor < 16, [UInt8(ascii: ","), 32, 10, 13, 9].contains(hay[k]) { k += 1 }
                    if k + needle.count <= hay.count && memcmp(base + k, n, needle.count) == 0 { return k }
                    guard searches > 0, cursor < hay.count else { return nil }
                    searches -= 1
                    return search(needle, n, in: hay, base, from: cursor)
                }
                if let start = found {
                    let length = object.utf8.count
                    places.append((start, length))
                    cursor = start + length
                } else {
                    places.append(nil)
                }
            }
            return places
        }
    }

    /// The first place at or after `from` where `needle` is (each candidate start found
    /// with memchr, then compared whole).
    private static func search(_ needle: UnsafeBufferPointer<UInt8>, _ n: UnsafePointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>,
                               _ base: UnsafePointer<UInt8>, from: Int) -> Int? {
        var k = from
        while k + needle.count <= hay.count {
            guard let hit = memchr(base + k, Int32(n[0]), hay.count - needle.count + 1 - k) else { return nil }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + at, n, needle.count) == 0 { return at }
            k = at + 1
        }
        return nil
    }
}
