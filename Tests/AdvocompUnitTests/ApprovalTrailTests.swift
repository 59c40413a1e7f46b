import Foundation
import GRDB
import XCTest
@testable import AdvocompModel
@testable import AdvocompStore
import AdvocompTestSupport

/// Schema 4: run sets, the approval trail and run totals; what was paid before a run.
final class ApprovalTrailTests: XCTestCase {
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-trail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    static let usd = Currency(code: "USD")!

    func newRun(period: String = "2026-Q1", plan: String = "cmo", payees: [(String, String, PayeeStatus)] = [("E1", "100.00", .ok), ("E2", "250.50", .ok)],
                purpose: RunPurpose = .calculate) -> NewRun {
        var run = NewRun(period: Period.parse(period)!, planID: plan, planVersion: "1",
                         files: [StoredFile(role: .plan, path: "plan.yaml", content: Array("plan: \(plan)\n".utf8)),
                                 StoredFile(role: .roster, path: "roster.csv", content: Array("payee_id\nE1\nE2".utf8)),
                                 StoredFile(role: .actuals, path: "actuals.csv", content: Array("period,scope,kpi,value\n".utf8))],
                         resultJSON: "{\"plan\":\"\(plan)\"}\n",
                         payees: payees.map { StoredPayee(payeeID: $0.0, name: "N \($0.0)", payout: Money.parse($0.1, Self.usd)!, status: $0.2, json: nil) },
                         findings: [], createdAt: "2026-11-23T10:00:00Z", createdBy: "fin", commandLine: "advocomp calculate", advocompVersion: "0.1.0")
        run.purpose = purpose
        return run
    }

    func testAHistoryAtSchema3WithApprovalsAndClosesGetsThemAsTheTrailsFirstEntries() throws {
        // A history as the advocomp before schema 4 left it: an approved run, a closed
        // period, payees (no stored totals).
        let path = try scratch().appendingPathComponent("h.db").path
        do {
            let old = try DatabaseQueue(path: path)
            try old.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                for k in 0..<3 { try db.execute(sql: Migrations.all[k]) }
                try db.execute(sql: "PRAGMA user_version = 3")
                try db.execute(sql: """
                    INSERT INTO runs (period, plan_id, plan_version, plan_sha256, kind, created_at, created_by, command_line,
                                      advocomp_version, result_json, result_sha256, approved_at, approved_by)
                    VALUES ('2026-Q1', 'cmo', '1', 'x', 'regular', 't0', 'fin', 'advocomp calculate', '0.1.0', '{}', 'y', 't1', 'ann'),
                           ('2026-Q2', 'cmo', '1', 'x', 'regular', 't2', 'fin', 'advocomp calculate', '0.1.0', '{}', 'y', 't3', 'bob');
                    INSERT INTO run_payees (run_id, payee_id, name, currency, payout, status, result_json)
                    VALUES (1, 'E1', 'A', 'USD', '100.10', 'ok', '{}'), (1, 'E2', 'B', 'USD', '0.20', 'held', '{}'),
                           (2, 'E1', 'A', 'EUR', '7.00', 'ok', '{}');
                    INSERT INTO closed_periods (period, plan_id, final_run, closed_at, closed_by) VALUES ('2026-Q1', 'cmo', 1, 't4', 'cfo');
                    """)
            }
        }
        let store = try RunStore(path: path)
        XCTAssertEqual(try store.pool.read(Migrations.migrator.appliedMigrations), Migrations.identifiers)
        XCTAssertEqual(try store.trail(), [
            ApprovalEntry(runID: 1, action: .approve, at: "t1", by: "ann", note: ""),
            ApprovalEntry(runID: 2, action: .approve, at: "t3", by: "bob", note: ""),
            ApprovalEntry(runID: 1, action: .close, at: "t4", by: "cfo", note: ""),
        ])
        XCTAssertEqual(try store.runs().map(\.runSet), [nil, nil])
        // Totals worked out from the payees, exactly; held earned, not payable.
        let eur = Currency(code: "EUR")!
        XCTAssertEqual(try store.totals(1), [RunTotal(currency: Self.usd, payees: 2, payout: Money.parse("100.30", Self.usd)!, payable: Money.parse("100.10", Self.usd)!)])
        XCTAssertEqual(try store.totals(2), [RunTotal(currency: eur, payees: 1, payout: Money.parse("7.00", eur)!, payable: Money.parse("7.00", eur)!)])
    }

    func testTheTrailKeepsEveryApprovalRevocationAndCloseAndIsNeverChanged() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        let r1 = try store.record(newRun()), r2 = try store.record(newRun())
        _ = try store.approve([r1.id], Actor(by: "ann", at: "t1", note: "first look"))
        // Approving another run of the period revokes the first, on the record.
        let (approved, revoked) = try store.approve([r2.id], Actor(by: "bob", at: "t2", note: "corrected actuals"))
        XCTAssertEqual(revoked, [r1.id])
        XCTAssertEqual(approved.map(\.approvedBy), ["bob"])
        XCTAssertThrowsError(try store.approve([r2.id], Actor(by: "bob", at: "t2b"))) { XCTAssertEqual("\($0)", "run 2 is already approved (by bob at t2)") }
        _ = try store.revoke([r2.id], Actor(by: "cfo", at: "t3", note: "wait for the Q1 restatement"))
        XCTAssertNil(try store.summary(r2.id)?.approvedAt)
        XCTAssertThrowsError(try store.revoke([r2.id], Actor(by: "cfo", at: "t3b"))) { XCTAssertEqual("\($0)", "run 2 is not approved") }
        _ = try store.approve([r2.id], Actor(by: "cfo", at: "t4"))
        _ = try store.close(period: Period.parse("2026-Q1")!, Actor(by: "cfo", at: "t5", note: "Q1 close"))
        XCTAssertThrowsError(try store.revoke([r2.id], Actor(by: "cfo", at: "t6"))) {
            XCTAssertEqual("\($0)", "run 2 is the final run of 2026-Q1 for plan cmo: a closed period is corrected by an adjustment run, not by revoking it")
        }
        XCTAssertEqual(try store.trail([r1.id, r2.id]), [
            ApprovalEntry(runID: 1, action: .approve, at: "t1", by: "ann", note: "first look"),
            ApprovalEntry(runID: 1, action: .revoke, at: "t2", by: "bob", note: "superseded by run 2"),
            ApprovalEntry(runID: 2, action: .approve, at: "t2", by: "bob", note: "corrected actuals"),
            ApprovalEntry(runID: 2, action: .revoke, at: "t3", by: "cfo", note: "wait for the Q1 restatement"),
            ApprovalEntry(runID: 2, action: .approve, at: "t4", by: "cfo", note: ""),
            ApprovalEntry(runID: 2, action: .close, at: "t5", by: "cfo", note: "Q1 close"),
        ])
        // The history refuses to change or delete an entry.
        XCTAssertThrowsError(try store.execute("UPDATE approvals SET done_by = 'mallory'")) {
            XCTAssertTrue("\($0)".contains("the approval trail is only ever added to"), "\($0)")
        }
        XCTAssertThrowsError(try store.execute("DELETE FROM approvals"))
        XCTAssertEqual(try store.trail().count, 6)
    }

    func testARunSetIsRecordedWhole() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        // A failure inside the transaction leaves no run and no set.
        XCTAssertThrowsError(try store.record([newRun(plan: "cmo"), newRun(plan: "cro")], inside: { _ in throw StoreError("disk full") }))
        XCTAssertEqual(try store.runs().count, 0)
        XCTAssertNil(try store.runSet(1))
        let runs = try store.record([newRun(plan: "cmo"), newRun(plan: "cro", payees: [("E3", "5.00", .held)])], inside: { written in
            XCTAssertEqual(written.map(\.planID), ["cmo", "cro"])
        })
        XCTAssertEqual(runs.map(\.runSet), [1, 1], "nothing of the failed set remains, not even its id")
        let set = try XCTUnwrap(try store.runSet(1))
        XCTAssertEqual(set.runs.map(\.id), runs.map(\.id))
        XCTAssertEqual(set.createdBy, "fin")
        // Totals recorded with each run: payable leaves the held payee out.
        XCTAssertEqual(try store.totals(runs[1].id).map { [$0.payout.plain, $0.payable.plain] }, [["5.00", "0.00"]])
        XCTAssertEqual(try store.integer("SELECT COUNT(*) FROM run_totals"), 2)
        // One run alone is not a set.
        XCTAssertNil(try store.record(newRun(plan: "ceo")).runSet)
        // Approving a set approves every run in one transaction: one that cannot be
        // approved leaves the others unapproved.
        _ = try store.approve([runs[1].id], Actor(by: "x", at: "t"))
        XCTAssertThrowsError(try store.approve(runs.map(\.id), Actor(by: "x", at: "t2")))
        XCTAssertNil(try store.summary(runs[0].id)?.approvedAt)
        XCTAssertEqual(try store.trail([runs[0].id]), [])
    }

    func testWhatWasPaidBeforeARun() throws {
        let store = try RunStore(path: try scratch().appendingPathComponent("h.db").path)
        let q1 = Period.parse("2026-Q1")!
        let first = try store.record(newRun())
        XCTAssertNil(try store.runPaidBefore(period: q1, planID: "cmo"), "an open period was not paid")
        _ = try store.approve([first.id], Actor(by: "a", at: "t"))
        _ = try store.close(period: q1, Actor(by: "a", at: "t"))
        XCTAssertNil(try store.runPaidBefore(period: q1, planID: "cmo", before: first.id), "the final run is the first payment")
        XCTAssertEqual(try store.runPaidBefore(period: q1, planID: "cmo"), first.id)
        let a1 = try store.record(newRun(payees: [("E1", "110.00", .ok), ("E2", "250.50", .ok)]))
        let a2 = try store.record(newRun(payees: [("E1", "90.00", .ok), ("E2", "250.50", .ok)]))
        XCTAssertEqual(try store.runPaidBefore(period: q1, planID: "cmo", before: a1.id), first.id)
        XCTAssertEqual(try store.runPaidBefore(period: q1, planID: "cmo", before: a2.id), first.id, "a1 is a draft: never paid")
        _ = try store.approve([a1.id], Actor(by: "a", at: "t"))
        XCTAssertEqual(try store.runPaidBefore(period: q1, planID: "cmo", before: a2.id), a1.id)
        XCTAssertEqual(try store.runPaidBefore(period: q1, planID: "cmo"), a1.id, "the standing run, for a run about to be recorded")
        XCTAssertEqual(try store.runPaidBefore(period: q1, planID: "cmo", before: a1.id), first.id, "approved later does not count for itself")
        XCTAssertNil(try store.runPaidBefore(period: q1, planID: "cro"))
    }
}
