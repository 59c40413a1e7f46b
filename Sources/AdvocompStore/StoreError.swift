import GRDB

/// What went wrong in the history, in words (SQLite's message, or what in the stored
/// record cannot be read and in which run).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// Another connection held a lock SQLite would not wait for: worth trying again.
    public var busy = false
    public init(_ message: String, busy: Bool = false) { self.message = message; self.busy = busy }
    public var description: String { message }

    /// SQLite's own words for a database error (`UNIQUE constraint failed: ...`), without
    /// GRDB's statement text; anything else as it describes itself.
    init(_ error: Error) {
        switch error {
        case let e as StoreError: self = e
        case let e as DatabaseError:
            let code = e.resultCode
            self.init(e.message ?? "SQLite error \(code.rawValue)", busy: code == .SQLITE_BUSY || code == .SQLITE_LOCKED)
        case let e as RowDecodingError:
            self.init("a stored value cannot be read: \(e)")
        default:
            self.init("\(error)")
        }
    }
}

/// Every error a store method throws is a `StoreError` (the command line prints its message).
@inline(__always)
func storeErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw StoreError(error) }
}
