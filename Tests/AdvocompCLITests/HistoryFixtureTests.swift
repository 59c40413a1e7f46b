import Foundation
import GRDB
import XCTest
@testable import AdvocompHistory
@testable import AdvocompKit
@testable import AdvocompStore
import AdvocompTestSupport

/// A run history written by the previous advocomp (commit 4f34a6b: schema 2, counted in
/// `user_version` only, no migrator table), kept as Fixtures/history-v2/history-v2.db
/// (made by make-history.sh beside it). This advocomp must open it unchanged, bring it
/// to schema 3 and read, show and replay every run exactly as it was recorded.
final class HistoryFixtureTests: XCTestCase {
    typealias Run = CLI.Run

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    /// A copy of the fixture in a fresh directory (opening it migrates it), removed after the test.
    func copy() throws -> (dir: URL, path: String) {
        guard let fixtures = TestSupport.bundle.url(forResource: "Fixtures", withExtension: nil) else {
            throw Conformance.CaseError("Fixtures missing from the test bundle")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("h.db").path
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("history-v2/history-v2.db").path, toPath: path)
        XCTAssertEqual(chmod(path, 0o600), 0)
        return (dir, path)
    }

    func advocomp(_ args: [String], in dir: URL) throws -> Run {
        try CLI.run(CLI.binary, args, in: dir)
    }

    /// As this advocomp lists the fixture: totals worked out from the payees (the runs
    /// were recorded before run totals were stored), approvals from the trail's first rows.
    static let runsListing = """
        run  set  period   plan                   version  kind       state     payees  payout                                        approved                   created (UTC)         by
        1    -    2026-Q1  cmo-review-velocity    2026.1   regular    draft     10      95,136.62 USD                                 -                          2026-11-30T20:33:57Z  root
        2    -    2026-Q1  field-advocacy         2026.1   regular    draft     5       21,649.49 USD                                 -                          2026-11-30T20:33:57Z  root
        3    -    2026-Q1  exec-advocacy          2026.1   regular    final     5       89,950.44 USD                                 root 2026-11-30T20:33:57Z  2026-11-30T20:33:57Z  root
        4    -    2026-Q2  exec-advocacy          2026.1   regular    final     5       117,714.30 USD                                root 2026-11-30T20:33:57Z  2026-11-30T20:33:57Z  root
        5    -    2026-Q3  exec-advocacy          2026.1   regular    final     5       65,588.77 USD                                 root 2026-11-30T20:33:57Z  2026-11-30T20:33:57Z  root
        6    -    2026-Q4  exec-advocacy          2026.1   regular    final     5       123,622.47 USD                                root 2026-11-30T20:33:58Z  2026-11-30T20:33:58Z  root
        7    -    2026-Q1  exec-advocacy          2026.1   adjusts 3  approved  5       93,269.19 USD                                 root 2026-11-30T20:33:58Z  2026-11-30T20:33:58Z  root
        8    -    2026-FY  exec-advocacy          2026.1   true-up    final     5       11,125.25 USD                                 root 2026-11-30T20:33:58Z  2026-11-30T20:33:58Z  root
        9    -    2026-Q2  cro-reference-program  2026.1   regular    draft     11      370,485.41 USD                                -                          2026-11-30T20:33:58Z  root
        10   -    2026-Q2  cco-nrr-expansion      2026.1   regular    draft     11      18,376.41 EUR; 10,991.40 GBP; 116,718.99 USD  -                          2026-11-30T20:33:58Z  root

        """

    /// The fixture as the previous advocomp left it: each run's JSON output and each
    /// payee's row (id, currency, payout, status), read with plain SQL before anything opens it.
    func before(_ path: String) throws -> (outputs: [Int64: String], payees: [Int64: [[String]]]) {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), 2, "the fixture is a schema 2 history")
            XCTAssertFalse(try db.tableExists("grdb_migrations"), "written before the migrator")
            var outputs: [Int64: String] = [:], payees: [Int64: [[String]]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, result_json FROM runs") { outputs[row[0]] = row[1] }
            for row in try Row.fetchAll(db, sql: "SELECT run_id, payee_id, currency, payout, status FROM run_payees ORDER BY run_id, payee_id") {
                payees[row[0], default: []].append([row[1], row[2], row[3], row[4]])
            }
            return (outputs, payees)
        }
    }

    func testTheHistoryOfThePreviousAdvocompIsReadShownAndReplayedAsRecorded() throws {
        let (dir, path) = try copy()
        let (outputs, payeesBefore) = try before(path)
        XCTAssertEqual(outputs.keys.sorted(), Array(1...10))

        // Listed as the previous advocomp listed it (opening it brings it to schema 3).
        let runs = try advocomp(["runs", "--db", "h.db"], in: dir)
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertEqual(runs.stdout, Self.runsListing)
        let store = try RunStore(path: path, create: false)
        XCTAssertEqual(try store.integer("PRAGMA user_version"), Int64(Migrations.all.count), "user_version kept in step for older readers")
        XCTAssertEqual(try store.pool.read(Migrations.migrator.appliedMigrations), Migrations.identifiers,
                       "the migrator's record starts from user_version 2; migration 3 applied on top")

        // Every run read back as typed values, the same figures as stored.
        let summaries = try store.runs()
        XCTAssertEqual(summaries.map(\.id), Array(1...10))
        XCTAssertEqual(summaries.map(\.period.description), ["2026-Q1", "2026-Q1", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-Q1", "2026-FY", "2026-Q2", "2026-Q2"])
        XCTAssertEqual(summaries.map(\.purpose), [.calculate, .calculate, .calculate, .calculate, .calculate, .calculate, .calculate, .trueUp, .calculate, .calculate])
        XCTAssertEqual(summaries.first { $0.id == 7 }?.adjusts, 3)
        for s in summaries {
            let payees = try store.payees(s.id)
            XCTAssertEqual(payees.map { [$0.payeeID, $0.currency.code, $0.payout.plain, $0.status.rawValue] }, payeesBefore[s.id], "run \(s.id)")
            XCTAssertEqual(payees.count, s.payeeCount)
            XCTAssertTrue(payees.allSatisfy { ($0.json ?? "").hasPrefix("{\"payee_id\":\"\($0.payeeID)\"") }, "run \(s.id): each payee's object")
            XCTAssertEqual(try store.recordProblems(s.id), [], "run \(s.id)")
        }
        XCTAssertEqual(try store.findingCount(2), 7, "the ledger run's findings")
        XCTAssertTrue(Set(try store.payees(10).map(\.currency.code)).isSuperset(of: ["EUR", "GBP", "USD"]))
        XCTAssertEqual(try store.planVersions().map { "\($0.planID) \($0.version) \($0.effective) \($0.okrFiles.count)" },
                       ["cro-reference-program 2026.1 2026-01-01 1", "exec-advocacy 2026.1 2026-01-01 0"])

        // Shown and replayed identically: the stored output byte for byte, and recalculated.
        for id in 1...10 {
            let json = try advocomp(["show", String(id), "--db", "h.db", "--format", "json"], in: dir)
            XCTAssertEqual(json.status, 0, json.stderr)
            XCTAssertEqual(json.stdout, outputs[Int64(id)], "run \(id)")
            let csv = try advocomp(["show", String(id), "--db", "h.db", "--format", "csv"], in: dir)
            XCTAssertEqual(csv.status, 0, "run \(id): \(csv.stderr)")
            let replay = try advocomp(["replay", String(id), "--db", "h.db"], in: dir)
            XCTAssertEqual(replay.status, 0, "run \(id): \(replay.stderr)")
            XCTAssertTrue(replay.stdout.hasPrefix("run \(id) replayed: identical ("), replay.stdout)
        }

        // The true-up's basis, filled in from its stored JSON by migration 3.
        let trueUp = try XCTUnwrap(store.trueUp(8))
        XCTAssertEqual(trueUp.year, 2026)
        XCTAssertEqual(trueUp.periods.map { "\($0.period) \($0.run)" }, ["2026-Q1 7", "2026-Q2 4", "2026-Q3 5", "2026-Q4 6"])
        XCTAssertNil(trueUp.carriedFrom)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data((outputs[8] ?? "").utf8)) as? [String: Any])
        let lines = try XCTUnwrap(object["payees"] as? [[String: Any]])
        XCTAssertEqual(trueUp.lines.map(\.payeeID), lines.compactMap { $0["payee_id"] as? String })
        for (stored, line) in zip(trueUp.lines, lines) {
            let amounts = [stored.fullYear, stored.paid, stored.carriedIn, stored.trueUp, stored.carryForward, stored.forgiven].map(\.plain)
            XCTAssertEqual(amounts, ["full_year_payout", "paid", "carried_in", "true_up", "carry_forward", "forgiven"].map { line[$0] as? String ?? "?" })
            let byPeriod = try XCTUnwrap(line["paid_by_period"] as? [String: String])
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: stored.paidByPeriod.map { ($0.period.description, $0.amount.plain) }), byPeriod)
        }
        XCTAssertNil(try store.trueUp(3), "a calculation has no true-up basis")

        // The true-up calculated again now, from the migrated history's typed values, is the recorded one.
        for f in try store.files(8) where f.role != .okr {
            try Data(f.content).write(to: dir.appendingPathComponent("\(f.role.rawValue).input"))
        }
        let recalculated = try advocomp(["true-up", "--db", "h.db", "--year", "2026", "--format", "csv", "--plan", "plan.input",
                                         "--roster", "roster.input", "--actuals", "actuals.input", "--output", "t.csv"], in: dir)
        XCTAssertEqual(recalculated.status, 0, recalculated.stderr)
        XCTAssertEqual(recalculated.stderr, "recorded as run 11 in h.db: 2026-FY is closed for plan exec-advocacy, so this is an adjustment of its final run 8\n")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("t.csv"), encoding: .utf8),
                       try advocomp(["show", "8", "--db", "h.db", "--format", "csv"], in: dir).stdout)

        // A new calculation is recorded into it, and everything still replays.
        let c01 = try Conformance.folder("01-scorecard-basics")
        let calculated = try advocomp(["calculate", "--db", path, "--plan", c01.appendingPathComponent("plan.yaml").path,
                                       "--roster", c01.appendingPathComponent("roster.csv").path,
                                       "--actuals", c01.appendingPathComponent("actuals.csv").path, "--period", "2026-Q1",
                                       "--format", "json", "--output", "new.json"], in: dir)
        XCTAssertEqual(calculated.status, 0, calculated.stderr)
        XCTAssertEqual(calculated.stderr, "recorded as run 12 in \(path): 2026-Q1 is closed for plan exec-advocacy, so this is an adjustment of its final run 3\n")
        XCTAssertEqual(try advocomp(["show", "12", "--db", "h.db", "--format", "json"], in: dir).stdout,
                       try String(contentsOf: dir.appendingPathComponent("new.json"), encoding: .utf8))
        XCTAssertEqual(try store.payees(12).map(\.payout), try store.payees(3).map(\.payout), "the same inputs as run 3")
        let check = try advocomp(["check", "--db", "h.db"], in: dir)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout, "h.db: ok: SQLite's integrity check passed and all 12 runs replay identically\n")
    }

    func testSeveralProcessesBringingTheSameOldHistoryUpToDateAllSucceed() throws {
        // The first to take the write lock gives the history the migrator's table (from
        // user_version) and applies migration 3; the others wait, then find it done.
        let (dir, path) = try copy()
        let all = try (0..<4).map { k -> Process in
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = k % 2 == 0 ? ["runs", "--db", "h.db"] : ["check", "--db", "h.db"]
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in all { p.waitUntilExit() }
        XCTAssertEqual(all.map(\.terminationStatus), [0, 0, 0, 0])
        let store = try RunStore(path: path, create: false)
        XCTAssertEqual(try store.pool.read(Migrations.migrator.appliedMigrations), Migrations.identifiers)
        XCTAssertEqual(try store.integer("SELECT COUNT(*) FROM true_ups"), 1, "migration 3 ran once")
        XCTAssertEqual(try store.runs().count, 10)
    }

    func testATrueUpWhoseStoredLineCannotBeReadIsNamedNeverZeroed() throws {
        // Someone edited a payee's JSON of the recorded true-up before this advocomp opened
        // the history: migration 3 fills in what it can read and leaves that line out, and
        // reading the true-up names the run and the payee instead of taking 0.
        let (dir, path) = try copy()
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "UPDATE run_payees SET result_json = '{not json' WHERE run_id = 8 AND payee_id = 'E003'") }
        }
        let store = try RunStore(path: path, create: false)
        XCTAssertThrowsError(try store.trueUp(8)) { e in
            XCTAssertEqual("\(e)", "true-up run 8 has no stored line for payee E003: the history is damaged (advocomp check --db names what else is)")
        }
        XCTAssertEqual(try store.runs().count, 10, "every other run reads")
        let replay = try advocomp(["replay", "8", "--db", "h.db"], in: dir)
        XCTAssertEqual(replay.status, 1)
        XCTAssertTrue(replay.stderr.contains("note: it cannot be recalculated: true-up run 8 has no stored line for payee E003: the history is damaged"), replay.stderr)
        XCTAssertEqual(try advocomp(["replay", "7", "--db", "h.db"], in: dir).status, 0)
    }
}
