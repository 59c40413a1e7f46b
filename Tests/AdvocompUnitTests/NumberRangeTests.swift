import Foundation
import XCTest
@testable import AdvocompEngine
@testable import AdvocompKit
@testable import AdvocompWorkbook
import AdvocompTestSupport

/// Totals at the edge of FixedDecimal's range (README, "Numbers"): a sum exactly at the
/// largest amount passes, one minor unit more is an error located where the amount came
/// from, for every total (run, currency, status, unit, pool, true-up, simulation, compare,
/// ledger); and `simulate` takes the same range of values as `calculate`.
final class NumberRangeTests: XCTestCase {
    /// The largest amount in cents, and in yen.
    static let max2 = "170141183460469231731.68"
    static let max0 = "170141183460469231731"
    /// Numbers are read with at most 20 integer digits, so a total reaches the largest
    /// amount from two: `big` + `rest` is exactly `max2`; `restPlus1` is one cent more.
    static let big = "99999999999999999999.99"
    static let rest = "70141183460469231731.69"
    static let restPlus1 = "70141183460469231731.70"
    static let usd = Currency(code: "USD")!

    /// A plan paying each payee (target incentive 1 with `target_bonus: 4` a year, a full
    /// quarter) their payee-scope KPI `amount`: payouts are whatever the actuals say.
    static func plan(currency: String = "USD", scope: String = "payee", pool: String = "", cap: String = "") -> String {
        """
        plan: edge
        version: "1"
        currency: \(currency)
        \(cap)
        kpis:
          amount: { scope: \(scope), target: 1, missing: zero }
        components:
          - id: pay
            weight: 100%
            formula: "amount"
        \(pool)
        """
    }

    static func roster(_ rows: [(id: String, unit: String, bonus: String)]) -> String {
        "payee_id,name,unit,target_bonus\n" + rows.map { "\($0.id),Name \($0.id),\($0.unit),\($0.bonus)\n" }.joined()
    }

    static func actuals(_ amounts: [(id: String, amount: String)]) -> String {
        "period,scope,kpi,value\n" + amounts.map { "2026-Q1,payee:\($0.id),amount,\($0.amount)\n" }.joined()
    }

    func request(plan: String, roster: String, actuals: String, period: String = "2026-Q1") -> CalculationRequest {
        CalculationRequest(plan: InputFile(path: "plan.yaml", bytes: Array(plan.utf8)), roster: InputFile(path: "roster.csv", bytes: Array(roster.utf8)),
                           actuals: InputFile(path: "actuals.csv", bytes: Array(actuals.utf8)), period: period)
    }

    static let noFiles: PlanParser.FileLoader = { _ in .failure(PlanParser.FileLoadError("none")) }

    func json(_ run: RunResult) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(JSONReport.render(run).utf8)) as? [String: Any])
    }

    // MARK: The run's totals: by currency, status and unit

    func testRunTotalsExactlyAtTheLargestAmountPass() throws {
        let run = try XCTUnwrap(runResult(plan: Self.plan(), roster: Self.roster([("E1", "a", "4"), ("E2", "a", "4")]),
                                          actuals: Self.actuals([("E1", Self.big), ("E2", Self.rest)]), period: "2026-Q1"))
        let t = run.totals
        XCTAssertEqual(t.byCurrency.map { "\($0.currency.code) \($0.sum.payees) \($0.sum.payout.formatted(places: 2)) \($0.sum.targetIncentive.formatted(places: 2))" },
                       ["USD 2 \(Self.max2) 2.00"])
        XCTAssertEqual(t.byStatus.map { "\($0.status) \($0.currency.code) \($0.sum.payout.formatted(places: 2))" }, ["ok USD \(Self.max2)"])
        XCTAssertEqual(t.byUnit.map { "\($0.unit) \($0.currency.code) \($0.sum.payout.formatted(places: 2))" }, ["a USD \(Self.max2)"])
        // The reports show the engine's totals, not sums of their own.
        let totals = try XCTUnwrap(try json(run)["totals"] as? [String: Any])
        XCTAssertEqual((totals["by_currency"] as? [String: [String: String]])?["USD"]?["payout"], Self.max2)
        XCTAssertEqual((totals["by_unit"] as? [[String: Any]])?.first?["payout"] as? String, Self.max2)
        XCTAssertTrue(TableReport.render(run).contains("170,141,183,460,469,231,731.68"), TableReport.render(run))
    }

    func testOneMinorUnitMoreIsAnErrorAtTheRosterRowOfThePayeeWhoseAmountTookTheTotalsThere() {
        // One unit: the run's, the status's and the unit's totals all pass the limit at E2.
        let errors = runErrors(plan: Self.plan(), roster: Self.roster([("E1", "a", "4"), ("E2", "a", "4")]),
                               actuals: Self.actuals([("E1", Self.big), ("E2", Self.restPlus1)]), period: "2026-Q1")
        XCTAssertEqual(errors, [
            "roster.csv:3:1: error: payee E2's payout of 70141183460469231731.70 takes the run's payout total in USD, the payout total of status ok in USD and the payout total of unit 'a' in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)",
        ])
        // Two units: each unit's total is within range, the run's and status ok's are not.
        let split = runErrors(plan: Self.plan(), roster: Self.roster([("E1", "a", "4"), ("E2", "b", "4")]),
                              actuals: Self.actuals([("E1", Self.big), ("E2", Self.restPlus1)]), period: "2026-Q1")
        XCTAssertEqual(split, [
            "roster.csv:3:1: error: payee E2's payout of 70141183460469231731.70 takes the run's payout total in USD and the payout total of status ok in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)",
        ])
    }

    func testAUnitTotalAloneAtItsLimitAndOneUnitMore() throws {
        // Three payees: E1 and E3 in unit a, E2 alone in b. In yen (0 decimals).
        func rows(_ e3: String) -> (String, String) {
            (Self.roster([("E1", "a", "4"), ("E2", "b", "4"), ("E3", "a", "4")]),
             Self.actuals([("E1", "99999999999999999999"), ("E2", "0"), ("E3", e3)]))
        }
        let ok = rows("70141183460469231732")
        let run = try XCTUnwrap(runResult(plan: Self.plan(currency: "JPY"), roster: ok.0, actuals: ok.1, period: "2026-Q1"))
        XCTAssertEqual(run.totals.byUnit.map { "\($0.unit) \($0.sum.payees) \($0.sum.payout.formatted(places: 0))" }, ["a 2 \(Self.max0)", "b 1 0"])
        let over = rows("70141183460469231733")
        XCTAssertEqual(runErrors(plan: Self.plan(currency: "JPY"), roster: over.0, actuals: over.1, period: "2026-Q1"), [
            "roster.csv:4:1: error: payee E3's payout of 70141183460469231733 takes the run's payout total in JPY, the payout total of status ok in JPY and the payout total of unit 'a' in JPY beyond the largest amount advocomp can hold (170141183460469231731 JPY)",
        ])
    }

    func testTargetIncentiveTotalsAtTheLimitAndOneCentMore() throws {
        // A full quarter pays annual / 4; annual x 90 days must fit, so 470000000000000000.00 a
        // payee at most: 361 of them and one more of 471183460469231731.68 make the largest amount.
        func roster(_ last: String) -> String {
            Self.roster((1...361).map { (String(format: "E%03d", $0), "a", "1880000000000000000") } + [("E362", "a", last)])
        }
        let run = try XCTUnwrap(runResult(plan: Self.plan(), roster: roster("1884733841876926926.72"), actuals: Self.actuals([]), period: "2026-Q1"))
        XCTAssertEqual(run.totals.byCurrency.first?.sum.targetIncentive.formatted(places: 2), Self.max2)
        XCTAssertEqual(run.totals.byCurrency.first?.sum.exactTargetIncentive.formatted(places: 2), Self.max2)
        XCTAssertEqual(run.totals.byStatus.first?.sum.targetIncentive.formatted(places: 2), Self.max2)
        XCTAssertEqual(run.totals.byUnit.first?.sum.targetIncentive.formatted(places: 2), Self.max2)
        XCTAssertEqual(runErrors(plan: Self.plan(), roster: roster("1884733841876926926.76"), actuals: Self.actuals([]), period: "2026-Q1"), [
            "roster.csv:363:1: error: payee E362's target incentive of 471183460469231731.69 takes the run's target incentive total in USD, the target incentive total of status ok in USD and the target incentive total of unit 'a' in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)",
        ])
    }

    func testTheStatusTotalsOfIneligiblePayeesAreTheirOwn() throws {
        // E3 starts after the quarter: ineligible, paid 0, its own status line.
        let roster = "payee_id,unit,target_bonus,start_date\nE1,a,4,\nE2,a,4,\nE3,a,4,2026-06-01\n"
        let run = try XCTUnwrap(runResult(plan: Self.plan(), roster: roster,
                                          actuals: Self.actuals([("E1", Self.big), ("E2", Self.rest), ("E3", "5")]), period: "2026-Q1"))
        XCTAssertEqual(run.totals.byStatus.map { "\($0.status) \($0.sum.payees) \($0.sum.payout.formatted(places: 2))" },
                       ["ok 2 \(Self.max2)", "ineligible 1 0.00"])
        XCTAssertEqual(run.totals.statusCounts.map { "\($0.status) \($0.payees)" }, ["ok 2", "ineligible 1"])
    }

    func testEveryReportShowsTheRunsTotalsAndAddsNothingItself() throws {
        var run = try XCTUnwrap(runResult(plan: Self.plan(), roster: Self.roster([("E1", "a", "4"), ("E2", "b", "4")]),
                                          actuals: Self.actuals([("E1", "10.00"), ("E2", "2.50")]), period: "2026-Q1"))
        XCTAssertEqual(run.totals.byCurrency.first?.sum.payout, "12.50".d)
        XCTAssertEqual(run.totals.byUnit.map(\.sum.payout), ["10.00".d, "2.50".d])
        // Totals the payees do not add up to: a report that added payouts itself would show 12.50.
        run.totals.byCurrency[0].sum.payout = "777.77".d
        run.totals.byStatus[0].sum.payout = "666.66".d
        run.totals.byUnit[0].sum.payout = "555.55".d
        run.totals.byUnit[0].sum.exactTargetIncentive = "444.44".d
        let totals = try XCTUnwrap(try json(run)["totals"] as? [String: Any])
        XCTAssertEqual((totals["by_currency"] as? [String: [String: String]])?["USD"]?["payout"], "777.77")
        XCTAssertEqual((totals["by_unit"] as? [[String: Any]])?.first?["payout"] as? String, "555.55")
        let table = TableReport.render(run)
        XCTAssertTrue(table.contains("555.55") && table.contains("666.66"), table)
        let book = MemoryBook()
        var builder = WorkbookBuilder(run: run, context: WorkbookContext(command: "c", generatedAt: "t", advocompVersion: "v", files: []))
        try builder.write(to: book)
        let cached = try XCTUnwrap(book.sheet("Summary")).cached.values
        XCTAssertTrue(cached.contains(555.55) && cached.contains(444.44) && cached.contains(666.66), "\(cached)")
    }

    // MARK: The pool

    func testThePoolsTotalBeforeThePoolAtTheLimitAndOneCentMore() throws {
        let plan = Self.plan(pool: "pool:\n  amount: 1000")
        let roster = Self.roster([("E1", "a", "4"), ("E2", "b", "4")])
        let run = try XCTUnwrap(runResult(plan: plan, roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.rest)]), period: "2026-Q1"))
        let pool = try XCTUnwrap(run.pool)
        XCTAssertEqual(pool.totalBefore.amount.formatted(places: 2), Self.max2)
        XCTAssertTrue(pool.applied)
        XCTAssertEqual(run.payees.map { $0.payout.amount.formatted(places: 2) }, ["587.75", "412.25"])
        XCTAssertEqual(run.totals.byCurrency.first?.sum.payout.formatted(places: 2), "1000.00", "the run's totals are after the pool")
        XCTAssertEqual(runErrors(plan: plan, roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.restPlus1)]), period: "2026-Q1"), [
            "plan.yaml:12:11: error: payee E2's payout of 70141183460469231731.70 takes the payouts before the pool beyond the largest amount advocomp can hold (170141183460469231731.68 USD)\nroster.csv:3:1: note: payee E2 is on this row",
        ])
    }

    // MARK: The true-up

    func trueUp(paid: [String: [String: String]], carried: [String: String] = [:], negative: TrueUp.Negative = .clawback,
                payouts: [(String, String)] = []) throws -> (TrueUpResult?, [String]) {
        let plan = Self.plan() + "\ntrue_up: {}\n"
        // A target incentive of 1 for the year.
        let outcome = Pipeline.calculate(request(plan: plan, roster: Self.roster([("E1", "a", "1"), ("E2", "a", "1")]),
                                                 actuals: Self.actuals([]).replacingOccurrences(of: "2026-Q1", with: "2026-FY")
                                                     + payouts.map { "2026-FY,payee:\($0.0),amount,\($0.1)\n" }.joined(),
                                                 period: "2026-FY"), loadFile: Self.noFiles, planFor: { $0.fullYear() })
        let full = try XCTUnwrap(outcome.result, TestSupport.rendered(outcome.diagnostics).joined(separator: "\n"))
        let basis = TrueUpBasis(periods: [("2026-Q1", 1), ("2026-Q2", 2)],
                                paid: paid.mapValues { $0.mapValues { Money($0.d, Self.usd) } },
                                carriedIn: carried.mapValues { Money($0.d, Self.usd) })
        let (r, d) = TrueUpCalculation.run(fullYear: full, year: 2026, basis: basis, negative: negative)
        return (r, TestSupport.errors(d))
    }

    func testTrueUpTotalsAtTheLimitAndOneCentMore() throws {
        // Paid the largest amount in all, nothing earned: a clawback of all of it.
        let (r, e) = try trueUp(paid: ["E1": ["2026-Q1": Self.big], "E2": ["2026-Q1": Self.rest]])
        XCTAssertEqual(e, [])
        let t = try XCTUnwrap(r?.totals.first)
        XCTAssertEqual([t.paid, t.trueUp].map(\.plain), [Self.max2, "-" + Self.max2])
        XCTAssertTrue(TrueUpReport.csv(try XCTUnwrap(r)).contains("E2,ok,USD,0.00,\(Self.rest),0.00,-\(Self.rest),0.00,0.00"))
        XCTAssertTrue(TrueUpReport.json(try XCTUnwrap(r)).contains("\"paid\":\"\(Self.max2)\",\"carried_in\":\"0.00\",\"true_up\":\"-\(Self.max2)\""))
        let (over, errors) = try trueUp(paid: ["E1": ["2026-Q1": Self.big], "E2": ["2026-Q1": Self.restPlus1]])
        XCTAssertNil(over)
        XCTAssertEqual(errors, [
            "roster.csv:3:1: error: payee E2's amount paid of 70141183460469231731.70 takes the paid total of the 2026 true-up in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)",
            "roster.csv:3:1: error: payee E2's true-up of -70141183460469231731.70 takes the true-up total of the 2026 true-up in USD below the smallest amount advocomp can hold (-170141183460469231731.68 USD)",
        ])
        // Carried forward instead: the carry-forward total is the one at the limit.
        let (carry, carryErrors) = try trueUp(paid: ["E1": ["2026-Q1": Self.big], "E2": ["2026-Q1": Self.restPlus1]], negative: .carry)
        XCTAssertNil(carry)
        XCTAssertEqual(carryErrors.last, "roster.csv:3:1: error: payee E2's carry forward of 70141183460469231731.70 takes the carry-forward total of the 2026 true-up in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)")
    }

    func testWhatOnePayeeWasPaidAndTheirDifferenceStayInRange() throws {
        let (r, e) = try trueUp(paid: ["E1": ["2026-Q1": Self.big, "2026-Q2": Self.rest]])
        XCTAssertEqual(e, [])
        XCTAssertEqual(r?.lines.first?.paid.plain, Self.max2)
        let (_, paidErrors) = try trueUp(paid: ["E1": ["2026-Q1": Self.big, "2026-Q2": Self.restPlus1]])
        XCTAssertEqual(paidErrors, [
            "roster.csv:2:1: error: payee E1's payment for 2026-Q2 of 70141183460469231731.70 takes what payee E1 was paid in 2026 beyond the largest amount advocomp can hold (170141183460469231731.68 USD)",
        ])
        // Earned 1e20, and carried in minus 1e20: the difference is 2e20.
        let (_, differenceErrors) = try trueUp(paid: ["E1": ["2026-Q1": "0.00"]], carried: ["E1": "-" + Self.big], payouts: [("E1", Self.big)])
        XCTAssertEqual(differenceErrors, [
            "roster.csv:2:1: error: the true-up of payee E1 (full-year payout 99999999999999999999.99 less 0.00 paid less -99999999999999999999.99 carried in) is beyond the range advocomp can hold (-170141183460469231731.68 to 170141183460469231731.68 USD)",
        ])
    }

    // MARK: The simulation

    func simulate(_ request: CalculationRequest, _ scenario: String, runs: Int = 3) -> (SimulationResult?, [String]) {
        let (s, d) = Pipeline.simulate(request, scenario: InputFile(path: "scenario.yaml", bytes: Array(scenario.utf8)), runs: runs, seed: 1,
                                       loadFile: Self.noFiles)
        return (s, TestSupport.errors(d))
    }

    func testASimulationRunsTotalAtTheLimitAndOneCentMore() throws {
        let roster = Self.roster([("E1", "a", "4"), ("E2", "a", "4")])
        let atLimit = request(plan: Self.plan(), roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.rest)]))
        let (s, e) = simulate(atLimit, "kpis: {}\n")
        XCTAssertEqual(e, [])
        let result = try XCTUnwrap(s)
        let cost = try XCTUnwrap(result.costs.first)
        XCTAssertEqual([cost.mean, cost.p5, cost.p50, cost.p95, cost.max].map(\.plain), Array(repeating: Self.max2, count: 5))
        XCTAssertEqual(cost.totals, Array(repeating: FixedDecimal.largestUnits(places: 2), count: 3))
        // E1's payout is beyond Int64 in cents: kept exactly all the same.
        XCTAssertEqual(result.payees.map { "\($0.mean.plain) \($0.p90.plain)" },
                       ["\(Self.big) \(Self.big)", "\(Self.rest) \(Self.rest)"])
        let over = request(plan: Self.plan(), roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.restPlus1)]))
        XCTAssertEqual(simulate(over, "kpis: {}\n").1, [
            "roster.csv:3:1: error: in simulation run 1: payee E2's payout of 70141183460469231731.70 takes the run's payout total in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)",
        ])
    }

    func testASimulatedPoolAtTheLimitAndOneCentMore() throws {
        let plan = Self.plan(pool: "pool:\n  amount: 1000")
        let roster = Self.roster([("E1", "a", "4"), ("E2", "b", "4")])
        let atLimit = request(plan: plan, roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.rest)]))
        let calculated = try XCTUnwrap(Pipeline.calculate(atLimit, loadFile: Self.noFiles).result)
        let (s, e) = simulate(atLimit, "kpis: {}\n")
        XCTAssertEqual(e, [])
        XCTAssertEqual(s?.payees.map(\.mean), calculated.payees.map(\.payout))
        XCTAssertEqual(s?.poolBinds, 3)
        let over = request(plan: plan, roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.restPlus1)]))
        XCTAssertEqual(simulate(over, "kpis: {}\n").1, [
            "plan.yaml:12:11: error: in simulation run 1: payee E2's payout of 70141183460469231731.70 takes the payouts before the pool beyond the largest amount advocomp can hold (170141183460469231731.68 USD)\nroster.csv:3:1: note: payee E2 is on this row",
        ])
    }

    // MARK: compare and whatif

    func testCompareTotalsAndDriversAtTheLimit() throws {
        let roster = Self.roster([("E1", "a", "4"), ("E2", "a", "4")])
        let r = request(plan: Self.plan(), roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.rest)]))
        let (c, d) = Pipeline.compare(r, planB: r.plan, loadFile: Self.noFiles)
        let comparison = try XCTUnwrap(c, TestSupport.rendered(d).joined(separator: "\n"))
        XCTAssertEqual(comparison.totals.map { [$0.totalA, $0.totalB, $0.change].map(\.plain) }, [[Self.max2, Self.max2, "0.00"]])
        XCTAssertEqual(comparison.drivers.map { [$0.a, $0.b].map(\.plain) }, [[Self.max2, Self.max2], ["0.00", "0.00"]])
        // Plan B caps each payout at 100% of target: payouts are 1.00 each, but the
        // component's amounts before the cap add up beyond the range.
        let capped = InputFile(path: "b.yaml", bytes: Array(Self.plan(cap: "cap: 100%").utf8))
        let over = request(plan: Self.plan(), roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.restPlus1)]))
        let b = Pipeline.calculate(CalculationRequest(plan: capped, roster: over.roster, actuals: over.actuals, period: "2026-Q1"), loadFile: Self.noFiles)
        XCTAssertEqual(b.result?.payees.map { $0.payout.amount.formatted(places: 2) }, ["1.00", "1.00"], "the capped plan calculates")
        let (none, errors) = Pipeline.compare(CalculationRequest(plan: capped, roster: over.roster, actuals: over.actuals, period: "2026-Q1"),
                                              planB: capped, loadFile: Self.noFiles)
        XCTAssertNil(none)
        XCTAssertEqual(TestSupport.errors(errors), [
            "roster.csv:3:1: error: payee E2's amount of component 'pay' under plan A of 70141183460469231731.7 takes the total of component 'pay' under plan A in USD beyond the largest amount advocomp can hold (170141183460469231731.687303715884105727 USD)",
            "roster.csv:3:1: error: payee E2's amount of component 'pay' under plan B of 70141183460469231731.7 takes the total of component 'pay' under plan B in USD beyond the largest amount advocomp can hold (170141183460469231731.687303715884105727 USD)",
        ])
    }

    func testWhatIfTotalsAreTheRunsTotals() throws {
        let roster = Self.roster([("E1", "a", "4"), ("E2", "a", "4")])
        let r = request(plan: Self.plan(), roster: roster, actuals: Self.actuals([("E1", Self.big), ("E2", Self.rest)]))
        let set = try ActualOverride.parse("payee:E2/amount=0.01").get()
        let (w, d) = Pipeline.whatIf(r, overrides: [set], loadFile: Self.noFiles)
        let whatIf = try XCTUnwrap(w, TestSupport.rendered(d).joined(separator: "\n"))
        XCTAssertTrue(WhatIfReport.csv(before: whatIf.before, after: whatIf.after).contains("E2,a,USD,ok,\(Self.rest),ok,0.01,-70141183460469231731.68"))
        XCTAssertTrue(WhatIfReport.json(before: whatIf.before, after: whatIf.after, overrides: ["x"])
            .contains("\"before\":\"\(Self.max2)\",\"after\":\"100000000000000000000.00\",\"difference\":\"-70141183460469231731.68\""))
        // Setting E2 one cent higher: the run after cannot be calculated.
        let up = try ActualOverride.parse("payee:E2/amount=\(Self.restPlus1)").get()
        let (none, errors) = Pipeline.whatIf(r, overrides: [up], loadFile: Self.noFiles)
        XCTAssertNil(none)
        XCTAssertEqual(TestSupport.errors(errors).count, 1)
        XCTAssertTrue(TestSupport.errors(errors).first?.hasPrefix("roster.csv:3:1: error: payee E2's payout of 70141183460469231731.70 takes the run's payout total in USD") == true)
    }

    // MARK: The ledger's derived KPIs

    func testADerivedKPIsSumAtTheLimitAndOneMore() throws {
        let (plan, pd) = TestSupport.parsePlan("""
            plan: p
            version: "1"
            currency: USD
            kpis:
              pipeline: { scope: unit, target: 100, from_events: { types: [referral], value: amount } }
            components:
              - { id: c, weight: 100%, measures: [{ kpi: pipeline, weight: 100% }] }
            """)
        XCTAssertEqual(TestSupport.errors(pd), [])
        let roster = Roster(file: "roster.csv", columns: ["payee_id", "unit"], payees: [
            Payee(id: "P1", unit: "east", location: SourceLocation(file: "roster.csv", line: 2, column: 1)),
            Payee(id: "P2", unit: "east", location: SourceLocation(file: "roster.csv", line: 3, column: 1)),
            Payee(id: "P3", unit: "west", location: SourceLocation(file: "roster.csv", line: 4, column: 1)),
        ])
        func run(_ last: String) -> LedgerOutcome {
            let ledger = LedgerTests.ledger(["r1,2026-01-10,referral,A,P1,true,system,,99999999999999999999.999999999999999999",
                                             "r2,2026-01-11,referral,B,P3,true,system,,5",
                                             "r3,2026-01-11,referral,D,P2,true,system,,70141183460469231730.687303715884105727",
                                             "r4,2026-01-12,referral,C,P2,true,system,,\(last)"])
            return LedgerAnalysis.run(plan: try! XCTUnwrap(plan), ledger: ledger, roster: roster, payeeIDs: ["P1", "P2", "P3"], period: Period.parse("2026-Q1")!)
        }
        let ok = run("1.000000000000000001")
        XCTAssertEqual(TestSupport.errors(ok.diagnostics), [])
        XCTAssertEqual(ok.derivedRows.first { $0.scope == .unit("east") }?.value, FixedDecimal(raw: Int128.max))
        XCTAssertEqual(ok.derivedRows.first { $0.scope == .unit("west") }?.value, FixedDecimal(5))
        XCTAssertEqual(TestSupport.errors(run("1.000000000000000002").diagnostics), [
            "events.csv:5:1: error: event r4's amount of 1.000000000000000002 takes KPI 'pipeline' at unit:east (the sum of its credited events of 2026-Q1) beyond the largest amount advocomp can hold (170141183460469231731.687303715884105727)\nplan.yaml:5:54: note: from_events defined here",
        ])
    }

    // MARK: simulate over calculate's whole range

    /// A plan paying its one payee (target incentive 1) twice the company KPI `k`: numbers
    /// are read with at most 20 integer digits, and twice reaches the largest amount.
    static func rangePlan(_ currency: String) -> String {
        """
        plan: range
        version: "1"
        currency: \(currency)
        kpis:
          k: { target: 1200000000000 }
        components:
          - id: pay
            weight: 100%
            formula: "2 * k"
        """
    }

    /// Every power of ten from 1e-6 to 1e19 (the most a number read can have is 20 integer
    /// digits), and values just below where the plan still calculates: twice `k`, rounded to
    /// the currency, must be at most the largest amount.
    static func magnitudes(_ digits: Int) -> [String] {
        let powers = (-6...19).map { e in e < 0 ? "0." + String(repeating: "0", count: -e - 1) + "1" : "1" + String(repeating: "0", count: e) }
        let below = digits == 2
            ? ["85070591730234615865.84", "85070591730234615865.842499999999999999", "85070591730234615865.8375",
               "85070591730234615865", "61728394506172839450.617283945061728394"]
            : ["85070591730234615865.5", "85070591730234615865.7", "85070591730234615865.25",
               "85070591730234615865", "61728394506172839450.617283945061728394"]
        return powers + below
    }

    func testZeroVarianceScenariosEqualCalculateToTheCentFrom1eMinus6ToTheLimit() throws {
        let roster = "payee_id,target_bonus\nE1,4\n"
        for (currency, digits) in [("USD", 2), ("JPY", 0)] {
            for v in Self.magnitudes(digits) {
                let calculated = Pipeline.calculate(request(plan: Self.rangePlan(currency), roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,company,k,\(v)\n"),
                                                    loadFile: Self.noFiles)
                let payout = try XCTUnwrap(calculated.result?.payees.first?.payout.amount, "\(currency) \(v): \(TestSupport.rendered(calculated.diagnostics))")
                XCTAssertEqual(payout, try (v.d * FixedDecimal(2)).roundedMoney(places: digits, mode: .halfEven), "\(currency) \(v)")
                // The actuals say 1: the scenario alone gives the value.
                let base = request(plan: Self.rangePlan(currency), roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,company,k,1\n")
                for scenario in ["kpis:\n  k: { distribution: fixed, value: \(v) }\n", "kpis:\n  k: { distribution: normal, mean: \(v), sd: 0 }\n",
                                 "kpis:\n  k: { distribution: uniform, min: \(v), max: \(v) }\n"] {
                    let (s, e) = simulate(base, scenario)
                    let result = try XCTUnwrap(s, "\(currency) \(v) \(scenario): \(e)")
                    XCTAssertEqual(result.payees.first?.mean.amount, payout, "\(currency) \(v) \(scenario)")
                    XCTAssertEqual(result.payees.first?.p90.amount, payout, "\(currency) \(v) \(scenario)")
                    XCTAssertEqual(result.costs.first?.max.amount, payout, "\(currency) \(v) \(scenario)")
                }
            }
        }
    }

    func testBeyondWhereCalculateStopsSimulateStopsWithTheSameError() throws {
        // Half the largest value: twice it rounds to cents beyond the range.
        let v = "85070591730234615865.843651857942052863"
        let roster = "payee_id,target_bonus\nE1,4\n"
        let calculated = Pipeline.calculate(request(plan: Self.rangePlan("USD"), roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,company,k,\(v)\n"),
                                            loadFile: Self.noFiles)
        XCTAssertNil(calculated.result)
        let error = try XCTUnwrap(TestSupport.errors(calculated.diagnostics).first)
        let base = request(plan: Self.rangePlan("USD"), roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,company,k,1\n")
        let (s, e) = simulate(base, "kpis:\n  k: { distribution: fixed, value: \(v) }\n")
        XCTAssertNil(s, "never a payout of 0")
        XCTAssertEqual(e, [error.replacingOccurrences(of: "error: ", with: "error: in simulation run 1: ")])
    }

    func testAJPYPlanWithTargetsInTheTrillionsSimulatesAsItCalculates() throws {
        // Issue 13: a KPI target of 1.2e12, the actual 1.3e12.
        let plan = """
            plan: jpy
            version: "1"
            currency: JPY
            kpis:
              bookings: { target: 1200000000000 }
            curves:
              standard: { points: [[80%, 50%], [100%, 100%], [120%, 150%]] }
            components:
              - id: c
                weight: 100%
                measures:
                  - { kpi: bookings, weight: 100%, curve: standard }
            """
        let roster = "payee_id,target_bonus\nE1,12000000\n"
        let calculated = Pipeline.calculate(request(plan: plan, roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,company,bookings,1300000000000\n"),
                                            loadFile: Self.noFiles)
        let payout = try XCTUnwrap(calculated.result?.payees.first?.payout.amount)
        XCTAssertEqual(payout, FixedDecimal(3_625_000))  // 3,000,000 x (100% + 50% x 8.33% / 20%) = 3,625,000
        let base = request(plan: plan, roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,company,bookings,1\n")
        let (fixed, e1) = simulate(base, "kpis:\n  bookings: { distribution: fixed, value: 1300000000000 }\n")
        XCTAssertEqual(fixed?.payees.first?.mean.amount, payout, "\(e1)")
        let (normal, e2) = simulate(base, "kpis:\n  bookings: { distribution: normal, mean: 1300000000000, sd: 100000000000 }\n", runs: 2000)
        let mean = try XCTUnwrap(normal?.payees.first?.mean.amount, "\(e2)")
        // Draws around 108% of target pay around 3,600,000 (the curve is straight there).
        XCTAssertGreaterThan(mean, FixedDecimal(3_400_000))
        XCTAssertLessThan(mean, FixedDecimal(3_800_000))
    }

    func testADrawBeyondTheRangeIsALocatedErrorNeverZero() {
        let roster = "payee_id,target_bonus\nE1,4\n"
        // The plan reads k through min(k, 1): any value in range calculates.
        let plan = Self.rangePlan("USD").replacingOccurrences(of: "\"2 * k\"", with: "\"min(k, 1)\"")
        let base = request(plan: plan, roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,company,k,1\n")
        let (s, e) = simulate(base, "scenario: wide\nkpis:\n  k: { distribution: normal, mean: 99999999999999999999, sd: 99999999999999999999 }\n", runs: 50)
        XCTAssertNil(s)
        XCTAssertEqual(e.count, 1)
        let message = e.first ?? ""
        XCTAssertTrue(message.hasPrefix("scenario.yaml:3:3: error: in simulation run "), message)
        XCTAssertTrue(message.contains(": KPI 'k' was drawn for the company as "), message)
        XCTAssertTrue(message.hasSuffix(", beyond the range of exact decimals (-170141183460469231731.687303715884105727 to 170141183460469231731.687303715884105727): narrow the distribution"), message)
    }
}
