// The store's pool is internal: a @testable import, which only a debug build allows
// (`swift build -c release` builds this target too, and finds this file empty).
#if DEBUG
import AdvocompModel
import GRDB
@testable import AdvocompStore

/// The tests' way into a history beside the store's API: pragmas, counts, and tampering.
extension RunStore {
    /// Runs SQL (several statements allowed) outside any transaction of the store's.
    public func execute(_ sql: String, _ arguments: StatementArguments = StatementArguments()) throws {
        try pool.writeWithoutTransaction { try $0.execute(sql: sql, arguments: arguments) }
    }

    /// The first column of the first row, as an integer (nil: no row, or NULL).
    public func integer(_ sql: String) throws -> Int64? {
        try pool.read { try Int64.fetchOne($0, sql: sql) }
    }

    /// The first column of the first row, as text (nil: no row, or NULL).
    public func text(_ sql: String) throws -> String? {
        try pool.read { try String.fetchOne($0, sql: sql) }
    }
}

extension RunStore {
    /// The tests' shorthand for approving one run: `approve([id], Actor(...))`, with the
    /// run as approved and the run whose approval it took over.
    public func approve(_ id: Int64, by: String, at: String, note: String = "") throws -> (run: RunSummary, previous: Int64?) {
        let (runs, revoked) = try approve([id], Actor(by: by, at: at, note: note))
        guard let run = runs.first else { throw StoreError("run \(id) was not approved") }
        return (run, revoked.first)
    }

    /// The tests' shorthand for closing a period for one plan or all.
    public func close(period: Period, planID: String?, by: String, at: String) throws -> [RunSummary] {
        try close(period: period, planIDs: planID.map { [$0] }, Actor(by: by, at: at))
    }
}
#endif
