import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong in the database, in words (SQLite's message, and what was being done).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// Another connection held a lock SQLite would not wait for: worth trying again.
    public var busy = false
    public init(_ message: String, busy: Bool = false) { self.message = message; self.busy = busy }
    public var description: String { message }
}

/// A thin, throwing wrapper over one SQLite connection: prepared statements with bound
/// parameters (text, integers, blobs), transactions, nothing more. Money never passes
/// through here as a number: it is stored as exact decimal text.
final class SQLite {
    private var db: OpaquePointer?
    let path: String

    /// Opens (creating when `create`) the file. A new file is created with mode 0600
    /// before SQLite opens it, so no other user can ever read it; SQLite gives its WAL
    /// and shared-memory files the same mode.
    init(path: String, create: Bool) throws {
        self.path = path
        if create {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw StoreError("cannot create the database: \(String(cString: strerror(errno)))") }
            close(fd)
        }
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0)
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let why = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close(handle)
            throw StoreError("cannot open the database: \(why)")
        }
        db = handle
        // Another process writing waits for us (and we for it) instead of failing at once.
        sqlite3_busy_timeout(handle, 30_000)
    }

    deinit { sqlite3_close_v2(db) }

    var lastError: String { db.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection" }

    /// The last failure as an error, marked busy when another connection held a lock.
    private var failure: StoreError {
        let code = db.map { sqlite3_errcode($0) & 0xff } ?? SQLITE_ERROR
        return StoreError(lastError, busy: code == SQLITE_BUSY || code == SQLITE_LOCKED)
    }

    /// Runs `body` again while it fails busy, for up to `seconds`. Some steps (switching
    /// a new file to WAL, the first read of a file another process is creating) fail
    /// busy at once instead of waiting for the lock.
    func retryingWhileBusy<T>(seconds: Double = 30, _ body: () throws -> T) throws -> T {
        var waited = 0.0
        while true {
            do { return try body() } catch let e as StoreError where e.busy && waited < seconds {
                usleep(20_000)
                waited += 0.02
            }
        }
    }

    /// Runs SQL with no parameters and no rows (may be several statements).
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let why = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            let code = rc & 0xff
            throw StoreError(why, busy: code == SQLITE_BUSY || code == SQLITE_LOCKED)
        }
    }

    /// A value bound to a `?` parameter.
    enum Value {
        case text(String)
        case int(Int64)
        case blob([UInt8])
        case null
    }

    /// Runs one statement with parameters; `row` is called for each result row.
    func query(_ sql: String, _ values: [Value] = [], row: (Row) throws -> Void = { _ in }) throws {
        try insertMany(sql, [values], row: row)
    }

    /// Runs one statement once per list of values, prepared once (100,000 payees' rows
    /// are inserted without preparing the statement 100,000 times).
    func insertMany(_ sql: String, _ rows: [[Value]], row: (Row) throws -> Void = { _ in }) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure
        }
        defer { sqlite3_finalize(statement) }
        for values in rows {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            try bind(statement, values)
            while true {
                let rc = sqlite3_step(statement)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw failure }
                try row(Row(statement: statement))
            }
        }
    }

    private func bind(_ statement: OpaquePointer, _ values: [Value]) throws {
        for (k, v) in values.enumerated() {
            let i = Int32(k + 1)
            let rc: Int32
            switch v {
            case .text(let s): rc = sqlite3_bind_text(statement, i, s, -1, advocomp_sqlite_transient())
            case .int(let n): rc = sqlite3_bind_int64(statement, i, n)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob64(statement, i, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(b.count), advocomp_sqlite_transient()) }
            case .null: rc = sqlite3_bind_null(statement, i)
            }
            guard rc == SQLITE_OK else { throw failure }
        }
    }

    /// The rowid of the last row inserted on this connection.
    var lastInsertID: Int64 { sqlite3_last_insert_rowid(db) }

    /// Runs `body` in one write transaction, taken at once (BEGIN IMMEDIATE) so two
    /// writers queue instead of failing halfway; rolled back when `body` throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// One result row; columns by 0-based index.
    struct Row {
        let statement: OpaquePointer
        func text(_ i: Int32) -> String? {
            guard sqlite3_column_type(statement, i) != SQLITE_NULL, let p = sqlite3_column_text(statement, i) else { return nil }
            return String(cString: p)
        }
        func int(_ i: Int32) -> Int64? {
            sqlite3_column_type(statement, i) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, i)
        }
        func blob(_ i: Int32) -> [UInt8] {
            let n = Int(sqlite3_column_bytes(statement, i))
            guard n > 0, let p = sqlite3_column_blob(statement, i) else { return [] }
            return [UInt8](UnsafeRawBufferPointer(start: p, count: n))
        }
    }
}
