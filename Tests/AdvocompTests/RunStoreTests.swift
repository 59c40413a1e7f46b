import Foundation
import XCTest
@testable import AdvocompModel
@testable import AdvocompStore

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

    func newRun(period: String = "2026-Q1", plan: String = "cmo", payees: [(String, String)] = [("E1", "100.00"), ("E2", "250.50")],
                planText: String = "plan: cmo\n") -> NewRun {
        NewRun(period: period, planID: plan, planVersion: "1",
               files: [StoredFile(role: .plan, path: "plan.yaml", content: Array(planText.utf8)),
                       StoredFile(role: .roster, path: "roster.csv", content: Array("payee_id\nE1\nE2".utf8)),
                       StoredFile(role: .actuals, path: "actuals.csv", content: Array("period,scope,kpi,value\n".utf8))],
               resultJSON: "{\"plan\":\"\(plan)\"}\n",
               payees: payees.map { StoredPayee(payeeID: $0.0, name: "N \($0.0)", currency: "USD", payout: $0.1, status: "ok", json: "{\"payee_id\":\"\($0.0)\"}") },
               findings: [Finding(check: .consent, payeeID: "E1", eventIDs: ["ev1", "ev2"], action: .flag, detail: "no consent", line: 3)],
               createdAt: "2026-11-23T10:00:00Z", createdBy: "fin", commandLine: "advocomp calculate", advocompVersion: "0.1.0")
    }

    func testMigrationsAreFrozen() {
        // A migration never changes once shipped: a schema change is a new migration at
        // the end. If this fails, undo the edit and append a migration instead.
        let shipped = ["a287ee5b0a73ebd4c272828dbf78ee6aec51254484b01eded4cc99e1b82ad332",
                       "10248ef6f22f0ba1237bd89c75397d3c6a50f5898b9de5aa4f695650fd756b58"]
        XCTAssertGreaterThanOrEqual(Migrations.all.count, shipped.count)
        for (k, hash) in shipped.enumerated() {
            XCTAssertEqual(SHA256.hex(Array(Migrations.all[k].utf8)), hash, "migration \(k + 1) changed")
        }
    }

    func testANewHistoryIsPrivateInWALModeAndAtTheLatestSchema() throws {
        let path = try scratch().appendingPathComponent("h.db").path
        let store = try RunStore(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        var journal = "", version: Int64 = -1
        try store.db.query("PRAGMA journal_mode") { journal = $0.text(0) ?? "" }
        try store.db.query("PRAGMA user_version") { version = $0.int(0) ?? -1 }
        XCTAssertEqual(journal, "wal")
        XCTAssertEqual(version, Int64(RunStore.schemaVersion))
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
            let old = try SQLite(path: path, create: true)
            try old.execute("PRAGMA journal_mode = WAL")
            try old.execute(Migrations.all[0])
            try old.execute("PRAGMA user_version = 1")
            try old.execute("""
                INSERT INTO runs (period, plan_id, plan_version, plan_sha256, kind, created_at, created_by, command_line,
                                  advocomp_version, result_json, result_sha256)
                VALUES ('2026-Q1', 'cmo', '1', 'x', 'regular', 't', 'fin', 'advocomp calculate', '0.1.0', '{}', 'y')
                """)
        }
        let store = try RunStore(path: path)
        var version: Int64 = 0
        try store.db.query("PRAGMA user_version") { version = $0.int(0) ?? 0 }
        XCTAssertEqual(version, Int64(Migrations.all.count))
        let runs = try store.runs()
        XCTAssertEqual(runs.map(\.id), [1])
        XCTAssertEqual(runs.first?.purpose, .calculate)
        XCTAssertEqual(try store.planVersions(), [])
    }

    func testAHistoryFromANewerSchemaIsRefused() throws {
        let path = try scratch().appendingPathComponent("h.db").path
        try RunStore(path: path).db.execute("PRAGMA user_version = 99")
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
        var contents: Int64 = -1, files: Int64 = -1
        try store.db.query("SELECT COUNT(*) FROM file_contents") { contents = $0.int(0) ?? -1 }
        try store.db.query("SELECT COUNT(*) FROM run_files") { files = $0.int(0) ?? -1 }
        XCTAssertEqual([contents, files], [4, 9], "three files, one changed plan; nine references")
        XCTAssertEqual(try store.files(3).first?.content, Array("plan: cmo\nversion: 2\n".utf8))
        XCTAssertEqual(try store.files(2), try store.files(1))
    }

    func testAFailedRecordLeavesNoPartOfTheRun() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        // The same payee twice breaks the payees' key after the run and its files are written.
        XCTAssertThrowsError(try store.record(newRun(payees: [("E1", "1.00"), ("E1", "2.00")])))
        XCTAssertEqual(try store.runs().count, 0)
        var files: Int64 = -1, contents: Int64 = -1
        try store.db.query("SELECT COUNT(*) FROM run_files") { files = $0.int(0) ?? -1 }
        try store.db.query("SELECT COUNT(*) FROM file_contents") { contents = $0.int(0) ?? -1 }
        XCTAssertEqual([files, contents], [0, 0])
        XCTAssertEqual(try store.record(newRun()).id, 1, "the failed run left no id behind in use")
    }

    func testApprovingClosingAndAdjusting() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        let r1 = try store.record(newRun()), r2 = try store.record(newRun())
        _ = try store.record(newRun(plan: "cro"))
        // Closing needs an approved run for every plan of the period.
        XCTAssertThrowsError(try store.close(period: "2026-Q1", planID: nil, by: "fin", at: "t")) { e in
            XCTAssertEqual("\(e)", "plan cmo has no approved run for 2026-Q1 (advocomp runs --period 2026-Q1; advocomp approve RUN); plan cro has no approved run for 2026-Q1 (advocomp runs --period 2026-Q1; advocomp approve RUN)")
        }
        XCTAssertNil(try store.approve(r1.id, by: "fin", at: "t1").previous)
        let moved = try store.approve(r2.id, by: "fin", at: "t2")
        XCTAssertEqual(moved.previous, r1.id, "one approved run per period and plan")
        XCTAssertNil(try store.summary(r1.id)?.approvedAt)
        XCTAssertEqual(moved.run.approvedBy, "fin")
        // Closing one plan only; all or nothing.
        let finals = try store.close(period: "2026-Q1", planID: "cmo", by: "fin", at: "t3")
        XCTAssertEqual(finals.map(\.id), [r2.id])
        XCTAssertEqual(try store.finalRun(period: "2026-Q1", planID: "cmo"), r2.id)
        XCTAssertNil(try store.finalRun(period: "2026-Q1", planID: "cro"))
        XCTAssertThrowsError(try store.close(period: "2026-Q1", planID: "cmo", by: "fin", at: "t4")) { e in
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
        XCTAssertEqual(try store.finalRun(period: "2026-Q1", planID: "cmo"), r2.id, "the final run never changes")
        // Another period and plan are unaffected.
        XCTAssertEqual(try store.record(newRun(period: "2026-Q2")).kind, .regular)
        XCTAssertEqual(try store.record(newRun(plan: "cro")).kind, .regular)
        XCTAssertEqual(try store.runs(period: "2026-Q1").map(\.id), [1, 2, 3, 4, 6])
        XCTAssertEqual(try store.runs().filter(\.isFinal).map(\.id), [2])
    }

    func testNothingToCloseIsAnError() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        XCTAssertThrowsError(try store.close(period: "2026-Q4", planID: nil, by: "fin", at: "t")) { e in
            XCTAssertEqual("\(e)", "there are no runs for 2026-Q4: calculate and approve one first")
        }
    }
}
