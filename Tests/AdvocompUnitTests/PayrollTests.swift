import Foundation
import XCTest
@testable import AdvocompEngine
import AdvocompHistory
import AdvocompModel
import AdvocompReports
import AdvocompStore
import AdvocompTestSupport

/// Payroll that never pays twice: a first payment, and the difference an adjustment pays.
final class PayrollTests: XCTestCase {
    static let usd = Currency(code: "USD")!, eur = Currency(code: "EUR")!

    func payee(_ id: String, _ amount: String, _ status: String = "ok", _ currency: Currency = usd) -> PayrollPayee {
        PayrollPayee(payeeID: id, name: "N \(id)", amount: Money.parse(amount, currency)!, status: status, paid: status == "ok")
    }

    func testAFirstPaymentPaysEachPayeeWithStatusOk() {
        let p = Payroll.first([payee("A", "10.00"), payee("B", "5.00", "held"), payee("C", "0.00", "ineligible")])
        XCTAssertFalse(p.isAdjustment)
        XCTAssertEqual(p.lines.map(\.payeeID), ["A"])
        XCTAssertEqual(p.notPaid.map { "\($0.status) \($0.payees)" }, ["held 1", "ineligible 1"])
        XCTAssertEqual(PayrollReport.render(p, earningCode: "BONUS", period: Period.parse("2026-Q3")!),
                       "payee_id,name,currency,amount,earning_code,period\nA,N A,USD,10.00,BONUS,2026-Q3\n")
    }

    func testAnAdjustmentPaysOnlyTheDifference() throws {
        let before = [payee("A", "100.00"), payee("B", "50.00"), payee("C", "70.00"), payee("D", "20.00", "held"), payee("G", "30.00")]
        // A unchanged; B up; C now held (recovered); D released; E new; G gone from the roster.
        let now = [payee("A", "100.00"), payee("B", "55.55"), payee("C", "70.00", "held"), payee("D", "20.00"), payee("E", "9.99")]
        let (payroll, d) = Payroll.adjustment(now, paidBefore: before, runBefore: "run 1")
        XCTAssertEqual(d, [])
        let p = try XCTUnwrap(payroll)
        XCTAssertTrue(p.isAdjustment)
        XCTAssertEqual(p.unchanged, 1)
        XCTAssertEqual(p.notPaid.map { "\($0.status) \($0.payees)" }, ["held 1"])
        XCTAssertEqual(PayrollReport.render(p, earningCode: "BONUS", period: Period.parse("2026-Q3")!), """
            payee_id,name,currency,paid_before,now_due,difference,earning_code,period
            B,N B,USD,50.00,55.55,5.55,BONUS,2026-Q3
            C,N C,USD,70.00,0.00,-70.00,BONUS,2026-Q3
            D,N D,USD,0.00,20.00,20.00,BONUS,2026-Q3
            E,N E,USD,0.00,9.99,9.99,BONUS,2026-Q3
            G,N G,USD,30.00,0.00,-30.00,BONUS,2026-Q3

            """)
        // Paid before plus the difference is what is due now, payee by payee.
        let due = Dictionary(now.map { ($0.payeeID, $0.due) }, uniquingKeysWith: { a, _ in a })
        for l in p.lines { XCTAssertEqual(try (l.paidBefore ?? .zero(Self.usd)) + l.amount, due[l.payeeID] ?? .zero(Self.usd), l.payeeID) }
    }

    func testAnAdjustmentAcrossCurrenciesIsAnError() {
        let (p, d) = Payroll.adjustment([payee("A", "10.00", "ok", Self.eur)], paidBefore: [payee("A", "10.00")], runBefore: "run 4")
        XCTAssertNil(p)
        XCTAssertEqual(d.map(\.message), ["payee A was paid in USD by run 4 and is due EUR now: an adjustment across currencies is not calculated"])
    }

    func testARunSetsPayrollIsOneFileWithTheAdjustmentsColumnsWhenAnyPlanAdjusts() {
        let first = Payroll.first([payee("A", "10.00")])
        let (adj, _) = Payroll.adjustment([payee("X", "12.00")], paidBefore: [payee("X", "10.00")], runBefore: "run 2")
        XCTAssertEqual(PayrollReport.render([(first, "CMO"), (adj!, "CRO")], period: Period.parse("2026-Q3")!), """
            payee_id,name,currency,paid_before,now_due,difference,earning_code,period
            A,N A,USD,0.00,10.00,10.00,CMO,2026-Q3
            X,N X,USD,10.00,12.00,2.00,CRO,2026-Q3

            """)
    }

    /// The payrolls of a closed period's final run and of each approved adjustment after
    /// it, added up per payee, are exactly what the last one pays: never more.
    func testPayrollsOfTheFinalRunAndItsAdjustmentsAddUpToTheAdjustedPayout() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-payroll-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let store = try RunStore(path: dir.appendingPathComponent("h.db").path)
        let q3 = Period.parse("2026-Q3")!
        func run(_ payees: [(String, String, PayeeStatus)]) throws -> RunSummary {
            try store.record(NewRun(period: q3, planID: "cro", planVersion: "1",
                                    files: [StoredFile(role: .plan, path: "p.yaml", content: Array("plan: cro\n".utf8))], resultJSON: "{}\n",
                                    payees: payees.map { StoredPayee(payeeID: $0.0, name: $0.0, payout: Money.parse($0.1, Self.usd)!, status: $0.2, json: nil) },
                                    findings: [], createdAt: "t", createdBy: "fin", commandLine: "", advocompVersion: "0"))
        }
        var paid: [String: Money] = [:]
        func pay(_ r: RunSummary) throws {
            let now = try PayrollHistory.payees(store, r.id)
            let (payroll, _) = try PayrollHistory.payroll(store, now: now, period: q3, planID: "cro", recordedAs: r.id)
            for l in payroll.lines { paid[l.payeeID] = try (paid[l.payeeID] ?? .zero(Self.usd)) + l.amount }
        }
        let final = try run([("E1", "83368.38", .ok), ("E2", "100.00", .ok), ("E3", "50.00", .held)])
        _ = try store.approve([final.id], Actor(by: "fin", at: "t1"))
        _ = try store.close(period: q3, Actor(by: "fin", at: "t2"))
        try pay(final)
        let a1 = try run([("E1", "82085.90", .ok), ("E2", "100.00", .ok), ("E3", "50.00", .ok)])
        _ = try store.approve([a1.id], Actor(by: "fin", at: "t3"))
        try pay(a1)
        let a2 = try run([("E1", "82085.91", .ok), ("E2", "0.00", .ineligible), ("E3", "50.00", .ok)])
        _ = try store.approve([a2.id], Actor(by: "fin", at: "t4"))
        try pay(a2)
        XCTAssertEqual(paid.mapValues(\.plain), ["E1": "82085.91", "E2": "0.00", "E3": "50.00"])
        // Writing the adjustment's payroll again gives the same file: it is the difference
        // from the run paid before it, not from whatever was paid last.
        let again = try PayrollHistory.payroll(store, now: try PayrollHistory.payees(store, a1.id), period: q3, planID: "cro", recordedAs: a1.id)
        XCTAssertEqual(again.paidBefore, final.id)
        XCTAssertEqual(again.payroll.lines.map { "\($0.payeeID) \($0.amount.plain)" }, ["E1 -1282.48", "E3 50.00"])
    }
}
