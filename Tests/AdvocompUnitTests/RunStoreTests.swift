import Foundation
import GRDB
import XCTest
@testable import AdvocompModel
@testable import AdvocompStore
import AdvocompTestSupport

/// The run history as a library: schema, one transaction per run, approvals, closing,
/// adjustments. The command-line side is in HistoryCLITests.
final class RunStoreTests: XCTestCase {
    /// A fresh directory, removed after the test.
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    static let usd = Currency(code: "USD")!

    func newRun(period: String = "2026-Q1", plan: String = "cmo", payees: [(String, String)] = [("E1", "100.00"), ("E2", "250.50")],
                planText: String = "plan: cmo\n") -> NewRun {
        NewRun(period: Period.parse(period)!, planID: plan, planVersion: "1",
               files: [StoredFile(role: .plan, path: "plan.yaml", content: Array(planText.utf8)),
                       StoredFile(role: .roster, path: "roster.csv", content: Array("payee_id\nE1\nE2".utf8)),
                       StoredFile(role: .actuals, path: "actuals.csv", content: Array("period,scope,kpi,value\n".utf8))],
               resultJSON: "{\"plan\":\"\(plan)\"}\n",
               payees: payees.map { StoredPayee(payeeID: $0.0, name: "N \($0.0)", payout: Money.parse($0.1, Self.usd)!, status: .ok,
                                                json: "{\"payee_id\":\"\($0.0)\"}") },
               findings: [Finding(check: .consent, payeeID: "E1", eventIDs: ["ev1", "ev2"], action: .flag, detail: "no consent", line: 3)],
               createdAt: "2026-11-23T10:00:00Z", createdBy: "fin", commandLine: "advocomp calculate", advocompVersion: "0.1.0")
    }

    func testMigrationsAreFrozen() {
        // A migration never changes once shipped: a schema change is a new migration at
        // the end. If this fails, undo the edit and append a migration instead.
        let shipped = ["a287ee5b0a73ebd4c272828dbf78ee6aec51254484b01eded4cc99e1b82ad332",
                       "10248ef6f22f0ba1237bd89c75397d3c6a50f5898b9de5aa4f695650fd756b58",
                       "98d010d1ca0c61ea6ce60a5504710ef4e0e32df95319ee549c2d7056caa18ea4"]
        XCTAssertGreaterThanOrEqual(Migrations.all.count, shipped.count)
        XCTAssertEqual(Migrations.identifiers.count, Migrations.all.count, "each migration has its migrator name")
        XCTAssertEqual(Array(Migrations.identifiers.prefix(3)), ["1 runs", "2 plan versions", "3 typed true-ups and payee objects in place"],
                       "a history records its migrations by name: never rename one")
        for (k, hash) in shipped.enumerated() {
            XCTAssertEqual(SHA256.hex(Array(Migrations.all[k].utf8)), hash, "migration \(k + 1) changed")
        }
    }

    func testANewHistoryIsPrivateInWALModeAndAtTheLatestSchema() throws {
        let path = try scratch().appendingPathComponent("h.db").path
        let store = try RunStore(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try store.text("PRAGMA journal_mode"), "wal")
        XCTAssertEqual(try store.integer("PRAGMA user_version"), Int64(RunStore.schemaVersion))
        XCTAssertEqual(try store.integer("PRAGMA synchronous"), 2, "FULL: a recorded run survives a power cut")
        XCTAssertEqual(try store.pool.read(Migrations.migrator.appliedMigrations), Migrations.identifiers)
        _ = try store.record(newRun())
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            let m = try FileManager.default.attributesOfItem(atPath: path + suffix)[.posixPermissions] as? Int
            XCTAssertEqual(m, 0o600, suffix)
        }
        // Opening again migrates nothing and keeps the run.
        XCTAssertEqual(try RunStore(path: path).runs().count, 1)
    }

    func testAnOlderHistoryIsMigratedAndKeepsItsRuns() throws {
        // A history written when schema 1 was the latest (before plan versions).
        let path = try scratch().appendingPathComponent("h.db").path
        do {
            let old = try DatabaseQueue(path: path)
            try old.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: Migrations.all[0])
                try db.execute(sql: "PRAGMA user_version = 1")
                try db.execute(sql: """
                    INSERT INTO runs (period, plan_id, plan_version, plan_sha256, kind, created_at, created_by, command_line,
                                      advocomp_version, result_json, result_sha256)
                    VALUES ('2026-Q1', 'cmo', '1', 'x', 'regular', 't', 'fin', 'advocomp calculate', '0.1.0', '{}', 'y')
                    """)
            }
        }
        let store = try RunStore(path: path)
        XCTAssertEqual(try store.integer("PRAGMA user_version"), Int64(Migrations.all.count))
        XCTAssertEqual(try store.pool.read(Migrations.migrator.appliedMigrations), Migrations.identifiers,
                       "the migrator's record starts from user_version 1, then 2 and 3 are applied")
        let runs = try store.runs()
        XCTAssertEqual(runs.map(\.id), [1])
        XCTAssertEqual(runs.first?.purpose, .calculate)
        XCTAssertEqual(try store.planVersions(), [])
    }

    func testAHistoryFromANewerSchemaIsRefused() throws {
        let path = try scratch().appendingPathComponent("h.db").path
        try RunStore(path: path).execute("PRAGMA user_version = 99")
        XCTAssertThrowsError(try RunStore(path: path)) { error in
            XCTAssertEqual("\(error)", "the database has schema version 99, written by a newer advocomp; this one (\(RunStore.schemaVersion)) cannot read it safely: use the newer advocomp, or another --db file")
        }
    }

    func testARunIsReadBackAsRecorded() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        let run = newRun()
        let s = try store.record(run)
        XCTAssertEqual(s.id, 1)
        XCTAssertEqual(s.kind, .regular)
        XCTAssertNil(s.adjusts)
        XCTAssertEqual(s.payeeCount, 2)
        XCTAssertEqual(s.planSHA256, SHA256.hex(Array("plan: cmo\n".utf8)))
        XCTAssertEqual([s.createdAt, s.createdBy, s.commandLine, s.advocompVersion], ["2026-11-23T10:00:00Z", "fin", "advocomp calculate", "0.1.0"])
        XCTAssertEqual(try store.resultJSON(1), run.resultJSON)
        XCTAssertEqual(try store.files(1), run.files)
        XCTAssertEqual(try store.files(1).map(\.lines), [1, 3, 1])
        XCTAssertEqual(try store.payees(1), run.payees)
        XCTAssertEqual(try store.findingCount(1), 1)
        XCTAssertNil(try store.summary(2))
    }

    func testAFileReadByManyRunsIsStoredOnce() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        _ = try store.record(newRun())
        _ = try store.record(newRun())
        _ = try store.record(newRun(planText: "plan: cmo\nversion: 2\n"))
        let contents = try store.integer("SELECT COUNT(*) FROM file_contents"), files = try store.integer("SELECT COUNT(*) FROM run_files")
        XCTAssertEqual([contents, files], [4, 9], "three files, one changed plan; nine references")
        XCTAssertEqual(try store.files(3).first?.content, Array("plan: cmo\nversion: 2\n".utf8))
        XCTAssertEqual(try store.files(2), try store.files(1))
    }

    func testAFailedRecordLeavesNoPartOfTheRun() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        // The same payee twice breaks the payees' key after the run and its files are written.
        XCTAssertThrowsError(try store.record(newRun(payees: [("E1", "1.00"), ("E1", "2.00")])))
        XCTAssertEqual(try store.runs().count, 0)
        let files = try store.integer("SELECT COUNT(*) FROM run_files"), contents = try store.integer("SELECT COUNT(*) FROM file_contents")
        XCTAssertEqual([files, contents], [0, 0])
        XCTAssertEqual(try store.record(newRun()).id, 1, "the failed run left no id behind in use")
    }

    func testApprovingClosingAndAdjusting() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        let r1 = try store.record(newRun()), r2 = try store.record(newRun())
        _ = try store.record(newRun(plan: "cro"))
        // Closing needs an approved run for every plan of the period.
        XCTAssertThrowsError(try store.close(period: Period.parse("2026-Q1")!, planID: nil, by: "fin", at: "t")) { e in
            XCTAssertEqual("\(e)", "plan cmo has no approved run for 2026-Q1 (advocomp runs --period 2026-Q1; advocomp approve RUN); plan cro has no approved run for 2026-Q1 (advocomp runs --period 2026-Q1; advocomp approve RUN)")
        }
        XCTAssertNil(try store.approve(r1.id, by: "fin", at: "t1").previous)
        let moved = try store.approve(r2.id, by: "fin", at: "t2")
        XCTAssertEqual(moved.previous, r1.id, "one approved run per period and plan")
        XCTAssertNil(try store.summary(r1.id)?.approvedAt)
        XCTAssertEqual(moved.run.approvedBy, "fin")
        // Closing one plan only; all or nothing.
        let finals = try store.close(period: Period.parse("2026-Q1")!, planID: "cmo", by: "fin", at: "t3")
        XCTAssertEqual(finals.map(\.id), [r2.id])
        XCTAssertEqual(try store.finalRun(period: Period.parse("2026-Q1")!, planID: "cmo"), r2.id)
        XCTAssertNil(try store.finalRun(period: Period.parse("2026-Q1")!, planID: "cro"))
        XCTAssertThrowsError(try store.close(period: Period.parse("2026-Q1")!, planID: "cmo", by: "fin", at: "t4")) { e in
            XCTAssertEqual("\(e)", "2026-Q1 is already closed for plan cmo (final run 2)")
        }
        // A closed period's regular runs cannot be approved, nor its final run again.
        XCTAssertThrowsError(try store.approve(r1.id, by: "fin", at: "t")) { e in
            XCTAssertEqual("\(e)", "2026-Q1 is closed for plan cmo: its final run is 2; calculate again to make an adjustment run")
        }
        XCTAssertThrowsError(try store.approve(r2.id, by: "fin", at: "t")) { e in
            XCTAssertEqual("\(e)", "run 2 is already the final run of 2026-Q1 for plan cmo")
        }
        // Calculating the closed period again is an adjustment of the final run.
        let adj = try store.record(newRun(payees: [("E1", "110.00"), ("E2", "250.50")]))
        XCTAssertEqual(adj.kind, .adjustment)
        XCTAssertEqual(adj.adjusts, r2.id)
        XCTAssertEqual(try store.approve(adj.id, by: "fin", at: "t5").run.approvedAt, "t5")
        XCTAssertEqual(try store.finalRun(period: Period.parse("2026-Q1")!, planID: "cmo"), r2.id, "the final run never changes")
        // Another period and plan are unaffected.
        XCTAssertEqual(try store.record(newRun(period: "2026-Q2")).kind, .regular)
        XCTAssertEqual(try store.record(newRun(plan: "cro")).kind, .regular)
        XCTAssertEqual(try store.runs(period: Period.parse("2026-Q1")!).map(\.id), [1, 2, 3, 4, 6])
        XCTAssertEqual(try store.runs().filter(\.isFinal).map(\.id), [2])
    }

    func testNothingToCloseIsAnError() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        XCTAssertThrowsError(try store.close(period: Period.parse("2026-Q4")!, planID: nil, by: "fin", at: "t")) { e in
            XCTAssertEqual("\(e)", "there are no runs for 2026-Q4: calculate and approve one first")
        }
    }

    // MARK: Typed values in, typed values out

    func testAStoredValueThatCannotBeReadIsAnErrorNamingTheRunNeverAZero() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        _ = try store.record(newRun())
        let damaged = "the history is damaged (advocomp check --db names what else is)"
        for (sql, message) in [
            ("UPDATE run_payees SET payout = 'abc' WHERE payee_id = 'E2'", "run 1 stores payout 'abc' for payee E2, which is not an amount in USD"),
            ("UPDATE run_payees SET payout = '250.505' WHERE payee_id = 'E2'", "run 1 stores payout '250.505' for payee E2, which is not an amount in USD"),
            ("UPDATE run_payees SET currency = 'XXX' WHERE payee_id = 'E1'", "run 1 stores currency 'XXX' for payee E1, which is not an ISO 4217 currency"),
            ("UPDATE run_payees SET status = 'paid' WHERE payee_id = 'E1'", "run 1 stores status 'paid' for payee E1, which advocomp does not know"),
        ] {
            try store.execute("UPDATE run_payees SET payout = CASE payee_id WHEN 'E1' THEN '100.00' ELSE '250.50' END, currency = 'USD', status = 'ok'")
            XCTAssertEqual(try store.payees(1).map(\.payout.plain), ["100.00", "250.50"])
            try store.execute(sql)
            XCTAssertThrowsError(try store.payees(1, json: false)) { XCTAssertEqual("\($0)", "\(message): \(damaged)") }
        }
        try store.execute("UPDATE runs SET period = '2026-Q5' WHERE id = 1")
        XCTAssertThrowsError(try store.runs()) { XCTAssertEqual("\($0)", "run 1 stores period '2026-Q5', which is not a period: \(damaged)") }
        // The schema's CHECK keeps a kind out; an edit that got past it is still named.
        try store.execute("PRAGMA ignore_check_constraints = ON; UPDATE runs SET period = '2026-Q1', kind = 'final' WHERE id = 1; PRAGMA ignore_check_constraints = OFF")
        XCTAssertThrowsError(try store.summary(1)) { XCTAssertEqual("\($0)", "run 1 stores kind 'final', which is neither regular nor adjustment: \(damaged)") }
    }

    func testEachPayeesObjectIsStoredAsItsPlaceInTheOutputNotASecondCopy() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        var run = newRun(payees: [("E1", "100.00"), ("E2", "250.50"), ("E3", "0.00")])
        // E1 and E2 are in the output (after separators); E3's object is not, and is stored whole.
        run.payees[2].json = "{\"payee_id\":\"E3\",\"extra\":true}"
        run.resultJSON = "{\"plan\":\"cmo\",\"payees\":[\(run.payees[0].json ?? ""),\n  \(run.payees[1].json ?? "")],\"é\":1}\n"
        _ = try store.record(run)
        XCTAssertEqual(try store.payees(1), run.payees)
        XCTAssertEqual(try store.payees(1, json: false).map(\.json), [nil, nil, nil])
        XCTAssertEqual(try store.integer("SELECT COUNT(*) FROM run_payees WHERE json_start IS NOT NULL AND result_json = ''"), 2)
        XCTAssertEqual(try store.text("SELECT result_json FROM run_payees WHERE payee_id = 'E3'"), run.payees[2].json)
        // A place beyond the output is a damaged record, named.
        try store.execute("UPDATE run_payees SET json_start = 1000 WHERE payee_id = 'E2'")
        XCTAssertThrowsError(try store.payees(1)) { e in
            XCTAssertTrue("\(e)".hasPrefix("run 1 places payee E2's JSON at bytes 1000 to "), "\(e)")
        }
        // Objects found in order, each after the one before; an identical object twice is two places.
        let places = PayeeJSONPlaces.locate(["{\"a\":1}", "{\"a\":1}", "{\"b\":2}", "{\"zz\":0}"], in: "[{\"a\":1}, {\"a\":1},\t{\"b\":2}]")
        XCTAssertEqual(places.map { $0.map { "\($0.start)+\($0.length)" } ?? "-" }, ["1+7", "10+7", "19+7", "-"])
    }

    func testATrueUpsBasisAndLinesAreStoredAsValues() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        let usd = Self.usd
        func m(_ s: String) -> Money { Money.parse(s, usd)! }
        let q1 = Period.parse("2026-Q1")!, q2 = Period.parse("2026-Q2")!
        let paidBy = [try store.record(newRun(period: "2026-Q1")).id, try store.record(newRun(period: "2026-Q2")).id]
        var run = newRun(period: "2026-FY", payees: [("E1", "150.00"), ("E2", "0.00")])
        run.purpose = .trueUp
        run.trueUp = StoredTrueUp(year: 2026, periods: [.init(period: q1, run: paidBy[0]), .init(period: q2, run: paidBy[1])], carriedFrom: nil, lines: [
            .init(payeeID: "E1", fullYear: m("1000.00"), paidByPeriod: [.init(period: q1, amount: m("400.00")), .init(period: q2, amount: m("450.00"))],
                  paid: m("850.00"), carriedIn: m("0.00"), trueUp: m("150.00"), carryForward: m("0.00"), forgiven: m("0.00")),
            .init(payeeID: "E2", fullYear: m("500.00"), paidByPeriod: [.init(period: q2, amount: m("600.00"))],
                  paid: m("600.00"), carriedIn: m("0.00"), trueUp: m("0.00"), carryForward: m("100.00"), forgiven: m("0.00")),
        ])
        let recorded = try store.record(run)
        XCTAssertEqual(recorded.purpose, .trueUp)
        XCTAssertEqual(try store.trueUp(recorded.id), run.trueUp)
        XCTAssertNil(try store.trueUp(paidBy[0]), "a calculation is no true-up")
        try store.execute("UPDATE true_up_lines SET carry_forward = '1e2' WHERE payee_id = 'E2'")
        XCTAssertThrowsError(try store.trueUp(recorded.id)) { e in
            XCTAssertEqual("\(e)", "true-up run 3 stores carry forward '1e2' for payee E2, which is not an amount in USD: the history is damaged (advocomp check --db names what else is)")
        }
        try store.execute("DELETE FROM true_up_paid; DELETE FROM true_up_lines; DELETE FROM true_up_periods; DELETE FROM true_ups")
        XCTAssertThrowsError(try store.trueUp(recorded.id)) { e in
            XCTAssertTrue("\(e)".hasPrefix("run 3 is a true-up whose basis is not stored"), "\(e)")
        }
    }
}
