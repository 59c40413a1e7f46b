import Foundation
import XCTest
@testable import AdvocompEngine
@testable import AdvocompKit
@testable import AdvocompStore
import AdvocompTestSupport

/// The annual true-up: the plan section and the arithmetic of each negative policy (the
/// command is in TrueUpCLITests, its workbook in TrueUpWorkbookTests).
final class TrueUpTests: XCTestCase {
    // MARK: Plan section

    func parse(_ trueUp: String, pays: String = "quarter") -> (Plan?, [String]) {
        let text = """
        plan: p
        version: "1"
        currency: USD
        pays: \(pays)
        kpis:
          reviews: { target: 40 }
          payback: { better: lower, target: 18 }
        components:
          - id: c
            weight: 100%
            measures:
              - { kpi: reviews, weight: 100% }
        \(trueUp)
        """
        let (plan, d) = PlanParser.parse(text: text, file: "p.yaml", loadFile: { _ in .failure(PlanParser.FileLoadError("none")) })
        return (plan, TestSupport.errors(d))
    }

    func testTheTrueUpSectionIsReadWithAnnualTargets() throws {
        let (plan, errors) = parse("""
        true_up:
          negative: forgive
          targets:
            reviews: { target: 160, targets: { smb: 240 } }
            payback: 16
        """)
        XCTAssertEqual(errors, [])
        let t = try XCTUnwrap(plan?.trueUp)
        XCTAssertEqual(t.negative, .forgive)
        XCTAssertEqual(t.targets["reviews"]?.target, FixedDecimal(160))
        XCTAssertEqual(t.targets["reviews"]?.targets, ["smb": FixedDecimal(240)])
        XCTAssertEqual(t.targets["payback"]?.target, FixedDecimal(16))
        // The full year: paid per year, annual targets in place, others untouched.
        let full = try XCTUnwrap(plan?.fullYear())
        XCTAssertEqual(full.pays, .year)
        XCTAssertEqual(full.kpi("reviews")?.target, FixedDecimal(160))
        XCTAssertEqual(full.kpi("reviews")?.targets, ["smb": FixedDecimal(240)])
        XCTAssertEqual(full.kpi("payback")?.target, FixedDecimal(16))
        XCTAssertEqual(plan?.kpi("reviews")?.target, FixedDecimal(40), "the plan itself is unchanged")
        XCTAssertEqual(plan?.periods(ofYear: 2026).map(\.description), ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
        XCTAssertEqual(parse("true_up: {}").0?.trueUp?.negative, .clawback, "clawback is the default")
    }

    func testMistakesInTheTrueUpSectionAreLocated() {
        XCTAssertEqual(parse("""
        true_up:
          negative: waive
          targets:
            review: 160
            payback: 16
        """).1, [
            "p.yaml:14:13: error: negative of true_up must be one of clawback, carry, forgive; found 'waive'",
            "p.yaml:16:5: error: true_up names KPI 'review', which the plan does not define; did you mean 'reviews'?",
        ])
        let yearly = parse("true_up: { negative: carry }", pays: "year").1
        XCTAssertEqual(yearly, ["p.yaml:13:10: error: a plan that pays per year has nothing to true up: its payout is already the full year's (remove true_up, or pay per quarter or half)"])
        let unknownKey = parse("true_up: { targets: {}, clawback: true }").1
        XCTAssertEqual(unknownKey, ["p.yaml:13:25: error: unknown key 'clawback' in true_up (allowed: targets, negative)"])
    }

    // MARK: Arithmetic

    func fullYear(_ payouts: [(String, String)]) throws -> RunResult {
        // A real full-year result to carry the payees; payouts are then set directly.
        let dir = try Conformance.folder("01-scorecard-basics")
        let request = CalculationRequest(plan: InputFile(path: "plan.yaml", bytes: Array(try Data(contentsOf: dir.appendingPathComponent("plan.yaml")))),
                                         roster: InputFile(path: "roster.csv", bytes: Array(try Data(contentsOf: dir.appendingPathComponent("roster.csv")))),
                                         actuals: InputFile(path: "actuals.csv", bytes: Array(try Data(contentsOf: dir.appendingPathComponent("actuals.csv")))),
                                         period: "2026-Q1")
        var run = try XCTUnwrap(Pipeline.calculate(request, loadFile: { _ in .failure(PlanParser.FileLoadError("none")) }).result)
        let wanted = Dictionary(uniqueKeysWithValues: payouts)
        run.payees = run.payees.filter { wanted[$0.payee.id] != nil }.map { p in
            var p = p
            p.status = .ok
            p.payoutValue = (try? FixedDecimal.parse(wanted[p.payee.id] ?? "0").get()) ?? .zero
            return p
        }
        return run
    }

    func testEachNegativePolicyAndTheCarryIn() throws {
        let run = try fullYear([("E001", "1000.00"), ("E002", "500.00"), ("E003", "300.00")])
        let usd = try XCTUnwrap(Currency(code: "USD"))
        func paid(_ q1: String, _ q2: String) throws -> [String: Money] {
            ["2026-Q1": Money(try FixedDecimal.parse(q1).get(), usd),
             "2026-Q2": Money(try FixedDecimal.parse(q2).get(), usd)]
        }
        let basis = TrueUpBasis(periods: [("2026-Q1", 1), ("2026-Q2", 2)],
                                paid: ["E001": try paid("400.00", "450.00"),   // earns 150.00 more
                                       "E002": try paid("300.00", "300.00"),   // was paid 100.00 too much
                                       "E003": try paid("100.00", "100.00"),   // 100.00 more, less 150.00 carried in
                                       "E009": try paid("50.00", "0.00")],     // gone: the year earns nothing
                                carriedIn: ["E003": Money(try FixedDecimal.parse("150.00").get(), usd)], carriedFrom: 7)
        func lines(_ n: TrueUp.Negative) throws -> [String] {
            let (r, d) = TrueUpCalculation.run(fullYear: run, year: 2026, basis: basis, negative: n)
            XCTAssertEqual(d, [])
            return try XCTUnwrap(r).lines.map { l in
                [l.payeeID, l.status.rawValue, l.fullYear, l.paid, l.carriedIn, l.trueUp, l.carryForward, l.forgiven]
                    .map { ($0 as? Money)?.plain ?? "\($0)" }.joined(separator: " ")
            }
        }
        XCTAssertEqual(try lines(.clawback), ["E001 ok 1000.00 850.00 0.00 150.00 0.00 0.00",
                                              "E002 ok 500.00 600.00 0.00 -100.00 0.00 0.00",
                                              "E003 ok 300.00 200.00 150.00 -50.00 0.00 0.00",
                                              "E009 absent 0.00 50.00 0.00 -50.00 0.00 0.00"])
        XCTAssertEqual(try lines(.carry), ["E001 ok 1000.00 850.00 0.00 150.00 0.00 0.00",
                                           "E002 ok 500.00 600.00 0.00 0.00 100.00 0.00",
                                           "E003 ok 300.00 200.00 150.00 0.00 50.00 0.00",
                                           "E009 absent 0.00 50.00 0.00 0.00 50.00 0.00"])
        XCTAssertEqual(try lines(.forgive), ["E001 ok 1000.00 850.00 0.00 150.00 0.00 0.00",
                                             "E002 ok 500.00 600.00 0.00 0.00 0.00 100.00",
                                             "E003 ok 300.00 200.00 150.00 0.00 0.00 50.00",
                                             "E009 absent 0.00 50.00 0.00 0.00 0.00 50.00"])
    }

    func testATrueUpAcrossCurrenciesIsAnError() throws {
        let run = try fullYear([("E001", "1000.00")])
        let basis = TrueUpBasis(periods: [("2026-Q1", 1)], paid: ["E001": ["2026-Q1": .zero(try XCTUnwrap(Currency(code: "EUR")))]])
        let (r, d) = TrueUpCalculation.run(fullYear: run, year: 2026, basis: basis, negative: .clawback)
        XCTAssertNil(r)
        // Located at the payee's roster row.
        XCTAssertEqual(d.map(\.description), ["roster.csv:2:1: error: payee E001 was paid in EUR for 2026-Q1 and is paid in USD for the year: a true-up across currencies is not calculated"])
    }
}
