import Foundation
import XCTest
@testable import AdvocompEngine
@testable import AdvocompKit
import AdvocompTestSupport

/// Programme economics (issue 17): the plan section, the attribution of a payout to the
/// advocacy components, and a run's lines, worked out by hand. The command is in
/// EconomicsCLITests.
final class EconomicsTests: XCTestCase {
    // MARK: Plan section

    /// Two components (advocacy 60% on a payee KPI, retention 40% on a company one); its
    /// last line is line 15, so an economics section appended starts on line 16.
    static func plan(extra: String = "") -> String {
        """
        plan: p
        version: "1"
        currency: USD
        """ + (extra.isEmpty ? "" : "\n" + extra) + """

        kpis:
          calls: { scope: payee, target: 10 }
          nrr: { target: 1 }
        components:
          - id: advocacy
            weight: 60%
            measures:
              - { kpi: calls, weight: 100% }
          - id: retention
            weight: 40%
            measures:
              - { kpi: nrr, weight: 100% }
        """
    }

    func parse(_ economics: String) -> (Plan?, [String], [String]) {
        let text = Self.plan() + "\n" + economics
        let (plan, d) = TestSupport.parsePlan(text, file: "p.yaml")
        return (plan, TestSupport.errors(d), d.filter { $0.severity == .warning }.map(\.description))
    }

    func testTheEconomicsSectionIsRead() throws {
        let (plan, errors, _) = parse("""
        economics:
          advocacy_components: [advocacy]
          revenue: { types: [referral, expansion_referral], baseline_share: 30%, margin: 0.7 }
        """)
        XCTAssertEqual(errors, [])
        let e = try XCTUnwrap(plan?.economics)
        XCTAssertEqual(e.components, ["advocacy"])
        XCTAssertEqual(e.revenueTypes, ["referral", "expansion_referral"])
        XCTAssertEqual(e.baselineShare, "0.3".d)
        XCTAssertEqual(e.margin, "0.7".d)
        XCTAssertEqual(parse("economics: { advocacy_components: advocacy, revenue: { types: referral, margin: 50% } }").0?.economics?.baselineShare, .zero,
                       "the baseline share defaults to 0%, one name may stand for a list")
    }

    func testMistakesInTheEconomicsSectionAreLocatedAllAtOnce() {
        let (plan, errors, _) = parse("""
        economics:
          advocacy_component: [advocasy, retention, retention]
          revenue:
            types: [referral, escalation]
            baseline_share: 120%
            margin: -5%
            marign: 1
        """)
        XCTAssertNil(plan)
        XCTAssertEqual(errors, [
            "p.yaml:17:3: error: unknown key 'advocacy_component' in economics; did you mean 'advocacy_components'? (allowed: advocacy_components, revenue)",
            "p.yaml:17:24: error: economics names component 'advocasy', which the plan does not define; did you mean 'advocacy'? (components: advocacy, retention)",
            "p.yaml:17:45: error: component 'retention' is named twice in advocacy_components",
            // Reported as the mapping is read (the command line sorts by place).
            "p.yaml:22:5: error: unknown key 'marign' in revenue of economics; did you mean 'margin'? (allowed: types, baseline_share, margin)",
            "p.yaml:19:12: error: revenue type 'escalation' is a signal row about an account, which carries no revenue",
            "p.yaml:20:21: error: baseline_share must be from 0% to 100%, found 120%",
            "p.yaml:21:13: error: margin must be from 0% to 100%, found -5%",
        ])
        XCTAssertEqual(parse("economics: {}").1, [
            "p.yaml:16:12: error: economics has no 'advocacy_components' (required): the components whose share of the payout is advocacy incentive cost",
            "p.yaml:16:12: error: economics has no 'revenue' (required): { types: [referral], baseline_share: 30%, margin: 70% }",
        ])
        XCTAssertEqual(parse("economics: { advocacy_components: [advocacy], revenue: { baseline_share: 10% } }").1, [
            "p.yaml:16:56: error: revenue has no 'types' (required): the event types whose amount is referred revenue, such as [referral]",
            "p.yaml:16:56: error: revenue has no 'margin' (required): the contribution margin on incremental revenue, such as 70%",
        ])
    }

    // MARK: Attribution

    func usd(_ s: String) -> Money { Money(s.d, Currency(code: "USD")!) }

    func testAPayoutIsAttributedInProportionToTheComponentAmountsRoundedOnce() throws {
        let w = ["0.5".d, "0.5".d]
        // 100.00 x 1 / 3 = 33.333...
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: usd("100"), amounts: ["1".d, "2".d], weights: w, advocacy: [true, false], mode: .halfEven), usd("33.33"))
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: usd("100"), amounts: ["1".d, "2".d], weights: w, advocacy: [false, true], mode: .halfEven), usd("66.67"))
        // A tie: 0.05 x 1/2 = 0.025: half-even gives 0.02, half-up 0.03.
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: usd("0.05"), amounts: ["1".d, "1".d], weights: w, advocacy: [true, false], mode: .halfEven), usd("0.02"))
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: usd("0.05"), amounts: ["1".d, "1".d], weights: w, advocacy: [true, false], mode: .halfUp), usd("0.03"))
        // A negative amount counts as 0: 100 x 3 / (3 + 1).
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: usd("100"), amounts: ["3".d, "-1".d, "1".d], weights: w + [.zero], advocacy: [true, false, false], mode: .halfEven), usd("75"))
        // No amount above zero (a floor paid on nothing): by weight, 50 x 40%.
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: usd("50"), amounts: [.zero, .zero], weights: ["0.6".d, "0.4".d], advocacy: [false, true], mode: .halfEven), usd("20"))
        // Zero-decimal currency: 1001 JPY / 3 = 333.67 -> 334.
        let jpy = Currency(code: "JPY")!
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: Money(FixedDecimal(1001), jpy), amounts: ["1".d, "2".d], weights: w, advocacy: [true, false], mode: .halfEven),
                       Money(FixedDecimal(334), jpy))
        XCTAssertEqual(try ProgrammeEconomics.attribute(payout: usd("0"), amounts: ["1".d], weights: ["1".d], advocacy: [true], mode: .halfEven), usd("0"))
    }

    /// Cap, floor and a binding pool, all in one run; every figure worked out by hand in
    /// the comments.
    func testARunsLinesAfterCapFloorAndPool() throws {
        let plan = Self.plan(extra: "cap: 120%\nfloor: 50%\npool: { amount: 20000 }") + """

        economics:
          advocacy_components: [advocacy]
          revenue: { types: [referral], baseline_share: 25%, margin: 60% }
        """
        let roster = """
        payee_id,name,unit,target_bonus
        P1,One,east,40000
        P2,Two,east,40000
        P3,Three,west,20000
        """
        let actuals = """
        period,scope,kpi,value
        2026-Q3,company,nrr,1
        2026-Q3,payee:P1,calls,15
        2026-Q3,payee:P2,calls,0
        2026-Q3,payee:P3,calls,10
        """
        let events = """
        event_id,date,type,advocate_id,credited_to,solicited,source,amount
        e1,2026-08-01,referral,A1,P1,true,system,100000
        e2,2026-09-30,referral,A2,P3,true,system,20000.50
        e3,2026-10-01,referral,A1,P1,true,system,999
        e4,2026-08-02,review,A1,P1,false,system,5
        e5,2026-08-03,referral,A3,,true,system,7777
        e6,2026-08-04,referral,A4,P2,true,system,
        """
        let request = CalculationRequest(plan: InputFile(path: "p.yaml", bytes: Array(plan.utf8)),
                                         roster: InputFile(path: "r.csv", bytes: Array(roster.utf8)),
                                         actuals: InputFile(path: "a.csv", bytes: Array(actuals.utf8)), period: "2026-Q3",
                                         events: InputFile(path: "e.csv", bytes: Array(events.utf8)))
        let outcome = Pipeline.calculate(request) { _ in .failure(PlanParser.FileLoadError("none")) }
        let run = try XCTUnwrap(outcome.result, TestSupport.rendered(outcome.diagnostics).joined(separator: "\n"))
        // TI 10,000 / 10,000 / 5,000. P1: 9,000 + 4,000 = 13,000, capped at 12,000. P2: 0 + 4,000,
        // floored at 5,000. P3: 3,000 + 2,000 = 5,000. Total 22,000 > pool 20,000: P1 10,909.09,
        // P2 4,545.45 + the missing cent (remainder tie with P3, P2 first), P3 4,545.45.
        XCTAssertEqual(run.payees.map(\.payout.plain), ["10909.09", "4545.46", "4545.45"])
        let lines = try ProgrammeEconomics.lines(run, economics: try XCTUnwrap(run.plan.economics), runID: 7)
        XCTAssertEqual(lines.map(\.unit), ["east", "west"])
        let east = lines[0].figures, west = lines[1].figures
        // P1: 1,090,909 cents x 9,000 / 13,000 = 755,244.69 -> 7,552.45; P2: nothing from advocacy.
        XCTAssertEqual(east.cost, [usd("7552.45")])
        XCTAssertEqual(east.payout, [usd("15454.55")])
        XCTAssertEqual(east.paidPayees, 2)
        XCTAssertEqual(east.referred, usd("100000"))
        XCTAssertEqual(east.incremental, usd("75000"))
        XCTAssertEqual(east.contribution, usd("37447.55"))           // 75,000 x 60% - 7,552.45
        XCTAssertEqual(east.events, ["e1"])
        XCTAssertEqual(east.eventsWithoutAmount, ["e6"])
        XCTAssertEqual(east.runs, [7])
        XCTAssertEqual(EconomicsRender.ratio(try XCTUnwrap(east.returnOnSpend)), "4.958331")   // 37,447.55 / 7,552.45 = 4.95833140...
        // P3: 454,545 cents x 3,000 / 5,000 = 272,727 exactly.
        XCTAssertEqual(west.cost, [usd("2727.27")])
        XCTAssertEqual(west.referred, usd("20000.50"))
        XCTAssertEqual(west.incremental.amount, "15000.375".d)        // exact, not rounded
        XCTAssertEqual(west.contribution?.amount, "6272.955".d)        // 9,000.225 - 2,727.27
        let total = try EconomicsFigures.total(lines.map(\.figures), revenueCurrency: Currency(code: "USD")!)
        XCTAssertEqual(total.cost, [usd("10279.72")])
        XCTAssertEqual(total.referred.amount, "120000.5".d)
        XCTAssertEqual(total.contribution?.amount, "43720.505".d)
        XCTAssertEqual(EconomicsRender.ratio(try XCTUnwrap(total.returnOnSpend)), "4.253083")  // 43,720.505 / 10,279.72 = 4.25308325...
        XCTAssertEqual(total.events.count, 2, "e3 is after the period, e4 another type, e5 credited to nobody on the plan")
    }

    func testCostsInAnotherCurrencyAreNeverAddedAndLeaveNoContribution() throws {
        let usdC = Currency(code: "USD")!, eur = Currency(code: "EUR")!
        var a = EconomicsFigures(revenueCurrency: usdC)
        a.cost = [usd("100")]
        a.referred = usd("1000")
        try a.settle(baselineShare: "0.5".d, margin: "0.5".d)
        XCTAssertEqual(a.contribution, usd("150"))                     // 1,000 x 50% x 50% - 100
        XCTAssertEqual(a.returnOnSpend, "1.5".d)
        var b = EconomicsFigures(revenueCurrency: usdC)
        b.cost = [Money("40".d, eur), usd("10")]
        b.referred = usd("500")
        try b.settle(baselineShare: "0.5".d, margin: "0.5".d)
        XCTAssertNil(b.contribution)
        XCTAssertNil(b.returnOnSpend)
        XCTAssertEqual(b.foreignCostCurrencies, [eur])
        let t = try EconomicsFigures.total([a, b], revenueCurrency: usdC)
        XCTAssertEqual(t.cost, [Money("40".d, eur), usd("110")], "one amount per currency")
        XCTAssertEqual(t.referred, usd("1500"))
        XCTAssertNil(t.contribution, "a total with a cost in EUR has no contribution in USD")
        XCTAssertEqual(EconomicsRender.table(EconomicsReport(sections: [], planTotals: [], totals: [t], notes: []), source: "h.db")
                        .contains("No recorded run"), true)
    }

    func testRevenueTypesThatNeverOccurInTheLedgerAreWarnedAbout() {
        let (plan, _, _) = parse("economics: { advocacy_components: [advocacy], revenue: { types: [referal], margin: 70% } }")
        let ledger = Ledger(file: "e.csv", types: ["referral", "review"])
        let warnings = InputChecks.events(ledger, plan: plan!).map(\.description)
        XCTAssertEqual(warnings, ["p.yaml:16:12: warning: event type 'referal' named by the economics section never occurs in e.csv; did you mean 'referral'?"])
    }
}
