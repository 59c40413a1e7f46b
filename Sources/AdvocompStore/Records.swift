import Foundation
import GRDB
import GRDBSQLite

// One record struct per table, as the columns hold them (text, integers, blobs). The
// store turns them into typed values (Money, Period, PayeeStatus, RunSummary.Kind, ...)
// and back in RunStore; a value that cannot be turned back is an error naming the run.
// Table and column names are written out as strings: the migrations never depend on
// these types.

/// `runs`: one row per run.
struct RunRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "runs"
    var id: Int64?
    var period: String
    var planID: String
    var planVersion: String
    var planSHA256: String
    var kind: String
    var adjusts: Int64?
    var createdAt: String
    var createdBy: String
    var commandLine: String
    var advocompVersion: String
    var resultJSON: String
    var resultSHA256: String
    var approvedAt: String?
    var approvedBy: String?
    var purpose: String
    /// The run set it was calculated in with other plans (schema 4), or nil.
    var runSet: Int64?

    enum CodingKeys: String, CodingKey {
        case id, period, planID = "plan_id", planVersion = "plan_version", planSHA256 = "plan_sha256", kind, adjusts
        case createdAt = "created_at", createdBy = "created_by", commandLine = "command_line"
        case advocompVersion = "advocomp_version", resultJSON = "result_json", resultSHA256 = "result_sha256"
        case approvedAt = "approved_at", approvedBy = "approved_by", purpose, runSet = "run_set"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Inserts the run and gives it its id. The JSON output (50 MB at 100,000 payees) is
    /// handed to SQLite where it lies, not copied first as `insert` would.
    mutating func insertRun(_ db: Database) throws {
        var json = resultJSON
        try json.withUTF8 { output in
            try BulkInsert.rows(db, into: "runs", ["period", "plan_id", "plan_version", "plan_sha256", "kind", "adjusts", "created_at",
                                                   "created_by", "command_line", "advocomp_version", "result_json", "result_sha256",
                                                   "approved_at", "approved_by", "purpose", "run_set"], [self]) { b, r in
                b.text(1, r.period); b.text(2, r.planID); b.text(3, r.planVersion); b.text(4, r.planSHA256); b.text(5, r.kind)
                b.integer(6, r.adjusts); b.text(7, r.createdAt); b.text(8, r.createdBy); b.text(9, r.commandLine)
                b.text(10, r.advocompVersion); b.unchanged(11, output); b.text(12, r.resultSHA256); b.text(13, r.approvedAt)
                b.text(14, r.approvedBy); b.text(15, r.purpose); b.integer(16, r.runSet)
            }
        }
        id = db.lastInsertedRowID
    }
}

/// `file_contents`: each distinct input file once, by SHA-256.
struct FileContentRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "file_contents"
    var sha256: String
    var bytes: Int64
    var lines: Int64
    var content: Data

    /// Stores `content` unless a file with its SHA-256 is stored already. The bytes (18 MB
    /// for a 100,000-payee run's inputs, 72 MB for a million-event ledger) are handed to
    /// SQLite where they lie, not copied into a record first.
    static func insertOnce(_ db: Database, sha256: String, lines: Int, content: [UInt8]) throws {
        guard try !exists(db, key: sha256) else { return }
        try content.withUnsafeBufferPointer { bytes in
            try BulkInsert.rows(db, into: databaseTableName, ["sha256", "bytes", "lines", "content"], [sha256]) { b, sha in
                b.text(1, sha); b.integer(2, Int64(bytes.count)); b.integer(3, Int64(lines)); b.unchanged(4, bytes, blob: true)
            }
        }
    }
}

/// `run_files`: a run's input files, in order.
struct RunFileRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_files"
    var runID: Int64
    var seq: Int64
    var role: String
    var path: String
    var sha256: String

    enum CodingKeys: String, CodingKey { case runID = "run_id", seq, role, path, sha256 }
}

/// `run_payees`: one payee of a run. `resultJSON` holds the payee's JSON object for rows
/// from before schema 3; later rows locate it in the run's JSON output (`jsonStart`, a
/// byte offset, and `jsonLength`) and leave `resultJSON` empty.
struct RunPayeeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_payees"
    var runID: Int64
    var payeeID: String
    var name: String
    var currency: String
    var payout: String
    var status: String
    var resultJSON: String
    var jsonStart: Int64?
    var jsonLength: Int64?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", payeeID = "payee_id", name, currency, payout, status, resultJSON = "result_json"
        case jsonStart = "json_start", jsonLength = "json_length"
    }

    /// Inserts a run's payees (up to 100,000 of them) through one prepared statement.
    static func insertAll(_ db: Database, _ rows: [RunPayeeRecord]) throws {
        try BulkInsert.rows(db, into: "run_payees", ["run_id", "payee_id", "name", "currency", "payout", "status", "result_json",
                                                    "json_start", "json_length"], rows) { b, r in
            b.integer(1, r.runID); b.text(2, r.payeeID); b.text(3, r.name); b.text(4, r.currency); b.text(5, r.payout)
            b.text(6, r.status); b.text(7, r.resultJSON); b.integer(8, r.jsonStart); b.integer(9, r.jsonLength)
        }
    }
}

/// Many rows inserted through a few prepared statements: a run has up to 100,000 payees
/// and as many findings. Each statement inserts a batch of rows (`VALUES (...), (...)`),
/// and the values are bound with SQLite's own calls on the statement GRDB prepared and
/// cached, inside the transaction GRDB holds: a record's `insert` (a container of values
/// per row, one statement per row) took several times as long.
enum BulkInsert {
    /// Binds one row's values (columns numbered from 1); the first failure is kept.
    struct Binder {
        let statement: SQLiteStatement
        /// The parameters of the rows before this one in the statement.
        var base: Int32 = 0
        var code: Int32 = SQLITE_OK

        mutating func text(_ i: Int32, _ value: String?) {
            guard code == SQLITE_OK else { return }
            guard var value else { code = sqlite3_bind_null(statement, base + i); return }
            let index = base + i
            code = value.withUTF8 { u in
                guard let p = u.baseAddress, !u.isEmpty else { return sqlite3_bind_text(statement, index, "", 0, sqliteTransient) }
                return sqlite3_bind_text(statement, index, UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self), Int32(u.count), sqliteTransient)
            }
        }

        /// Text or a blob SQLite reads where it is (SQLITE_STATIC, no copy): `bytes` must
        /// stay valid for the whole of `rows`.
        mutating func unchanged(_ i: Int32, _ bytes: UnsafeBufferPointer<UInt8>, blob: Bool = false) {
            guard code == SQLITE_OK else { return }
            let index = base + i
            guard let p = bytes.baseAddress, !bytes.isEmpty else {
                code = blob ? sqlite3_bind_zeroblob(statement, index, 0) : sqlite3_bind_text(statement, index, "", 0, sqliteTransient)
                return
            }
            code = blob ? sqlite3_bind_blob64(statement, index, p, sqlite3_uint64(bytes.count), nil)
                : sqlite3_bind_text64(statement, index, UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self),
                                      sqlite3_uint64(bytes.count), nil, UInt8(SQLITE_UTF8))
        }

        mutating func integer(_ i: Int32, _ value: Int64?) {
            guard code == SQLITE_OK else { return }
            code = value.map { sqlite3_bind_int64(statement, base + i, $0) } ?? sqlite3_bind_null(statement, base + i)
        }
    }

    /// Inserts `rows` into `columns` of `table`, 64 rows a statement (fewer when a row has
    /// many columns: SQLite takes 999 parameters a statement at the least).
    static func rows<T>(_ db: Database, into table: String, _ columns: [String], _ rows: [T], bind: (inout Binder, T) -> Void) throws {
        let perStatement = max(1, min(64, 999 / columns.count))
        let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let n = min(perStatement, rows.count - start)
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: one, count: n).joined(separator: ", ")
            let statement = try db.cachedStatement(sql: sql).sqliteStatement
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            var binder = Binder(statement: statement)
            for k in 0..<n {
                binder.base = Int32(k * columns.count)
                bind(&binder, rows[start + k])
            }
            let code = binder.code == SQLITE_OK ? sqlite3_step(statement) : binder.code
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            start += n
        }
    }
}

/// SQLite copies a value bound with this destructor (SQLITE_TRANSIENT, a macro Swift
/// cannot import).
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// `run_findings`: a run's findings, in order (event ids space-separated).
struct RunFindingRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_findings"
    var runID: Int64
    var seq: Int64
    var checkName: String
    var payeeID: String?
    var eventIDs: String
    var action: String
    var detail: String

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", seq, checkName = "check_name", payeeID = "payee_id", eventIDs = "event_ids", action, detail
    }

    /// Inserts a run's findings (a million-event ledger has some 100,000) through one
    /// prepared statement.
    static func insertAll(_ db: Database, _ rows: [RunFindingRecord]) throws {
        try BulkInsert.rows(db, into: "run_findings", ["run_id", "seq", "check_name", "payee_id", "event_ids", "action", "detail"], rows) { b, r in
            b.integer(1, r.runID); b.integer(2, r.seq); b.text(3, r.checkName); b.text(4, r.payeeID)
            b.text(5, r.eventIDs); b.text(6, r.action); b.text(7, r.detail)
        }
    }
}

/// `closed_periods`: a period closed for a plan, and its final run.
struct ClosedPeriodRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "closed_periods"
    var period: String
    var planID: String
    var finalRun: Int64
    var closedAt: String
    var closedBy: String

    enum CodingKeys: String, CodingKey {
        case period, planID = "plan_id", finalRun = "final_run", closedAt = "closed_at", closedBy = "closed_by"
    }
}

/// `plan_versions`: a stored version of a plan.
struct PlanVersionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "plan_versions"
    var planID: String
    var version: String
    var effective: String
    var sha256: String
    var path: String
    var content: Data
    var addedAt: String
    var addedBy: String

    enum CodingKeys: String, CodingKey {
        case planID = "plan_id", version, effective, sha256, path, content, addedAt = "added_at", addedBy = "added_by"
    }
}

/// `plan_version_files`: the OKR sets a plan version reads.
struct PlanVersionFileRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "plan_version_files"
    var planID: String
    var version: String
    var seq: Int64
    var path: String
    var sha256: String
    var content: Data

    enum CodingKeys: String, CodingKey { case planID = "plan_id", version, seq, path, sha256, content }
}

/// `true_ups`: what a true-up run was based on, besides its lines.
struct TrueUpRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "true_ups"
    var runID: Int64
    var year: Int64
    var carriedFromRun: Int64?

    enum CodingKeys: String, CodingKey { case runID = "run_id", year, carriedFromRun = "carried_from_run" }
}

/// `true_up_periods`: each period of a true-up's year and the run that paid it.
struct TrueUpPeriodRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "true_up_periods"
    var runID: Int64
    var seq: Int64
    var period: String
    var paidByRun: Int64

    enum CodingKeys: String, CodingKey { case runID = "run_id", seq, period, paidByRun = "paid_by_run" }
}

/// `true_up_lines`: one payee's true-up, every amount in the line's currency.
struct TrueUpLineRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "true_up_lines"
    var runID: Int64
    var payeeID: String
    var currency: String
    var fullYearPayout: String
    var paid: String
    var carriedIn: String
    var trueUp: String
    var carryForward: String
    var forgiven: String

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", payeeID = "payee_id", currency, fullYearPayout = "full_year_payout", paid
        case carriedIn = "carried_in", trueUp = "true_up", carryForward = "carry_forward", forgiven
    }
}

/// `true_up_paid`: what one period paid one payee, as the true-up counted it.
struct TrueUpPaidRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "true_up_paid"
    var runID: Int64
    var payeeID: String
    var period: String
    var amount: String

    enum CodingKeys: String, CodingKey { case runID = "run_id", payeeID = "payee_id", period, amount }
}

/// `run_sets`: several plans' runs calculated together, one close.
struct RunSetRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "run_sets"
    var id: Int64?
    var createdAt: String
    var createdBy: String
    var commandLine: String

    enum CodingKeys: String, CodingKey { case id, createdAt = "created_at", createdBy = "created_by", commandLine = "command_line" }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// `approvals`: the approval trail, one row per approve, revoke or close; only ever added to.
struct ApprovalRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "approvals"
    var seq: Int64?
    var runID: Int64
    var action: String
    var doneAt: String
    var doneBy: String
    var note: String

    enum CodingKeys: String, CodingKey { case seq, runID = "run_id", action, doneAt = "done_at", doneBy = "done_by", note }

    mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

/// `run_totals`: a run's totals in one currency, as exact decimal text.
struct RunTotalRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_totals"
    var runID: Int64
    var currency: String
    var payees: Int64
    var payout: String
    var payable: String

    enum CodingKeys: String, CodingKey { case runID = "run_id", currency, payees, payout, payable }
}

/// A run with what `runs` shows: whether it is final, its payee count (read-only: a join).
struct RunSummaryRow: FetchableRecord {
    var run: RunRecord
    var isFinal: Bool
    var payeeCount: Int64

    init(row: Row) throws {
        run = try RunRecord(row: row)
        isFinal = try row.decode(forColumn: "is_final")
        payeeCount = try row.decode(forColumn: "payee_count")
    }

    /// Every column of `runs` but the JSON output, which `summary` never needs.
    static let sql = """
        SELECT r.id, r.period, r.plan_id, r.plan_version, r.plan_sha256, r.kind, r.adjusts, r.created_at, r.created_by,
               r.command_line, r.advocomp_version, '' AS result_json, r.result_sha256, r.approved_at, r.approved_by, r.purpose, r.run_set,
               EXISTS (SELECT 1 FROM closed_periods c WHERE c.final_run = r.id) AS is_final,
               (SELECT COUNT(*) FROM run_payees p WHERE p.run_id = r.id) AS payee_count
        FROM runs r
        """
}
