import XCTest
@testable import AdvocompEngine
@testable import AdvocompKit
import AdvocompTestSupport

/// The advocacy ledger (SPEC section 6): every boundary of every check, the derived KPIs,
/// and the events file's located errors.
final class LedgerTests: XCTestCase {
    // MARK: Helpers

    static let header = "event_id,date,type,advocate_id,account_id,credited_to,requested_by,solicited,source,consent,amount\n"

    /// A plan whose gaming section is `gaming` (YAML lines indented two spaces), and a
    /// review_velocity KPI counted from `types` events (`review`) at payee scope.
    static func plan(_ gaming: String, kpis: String = "", types: String = "[review]") -> Plan {
        let text = """
            plan: p
            version: "1"
            currency: USD
            kpis:
              review_velocity: { scope: payee, target: 4, from_events: { types: \(types), value: count, unsolicited_weight: 150% } }
            \(kpis)
            components:
              - { id: c, weight: 100%, measures: [{ kpi: review_velocity, weight: 100% }] }
            gaming:
            \(gaming)
            """
        let (plan, diagnostics) = TestSupport.parsePlan(text)
        XCTAssertEqual(TestSupport.errors(diagnostics), [])
        return plan!
    }

    static let roster = Roster(file: "roster.csv", columns: ["payee_id", "unit"], payees: [
        Payee(id: "P1", unit: "east", location: SourceLocation(file: "roster.csv", line: 2, column: 1)),
        Payee(id: "P2", unit: "east", location: SourceLocation(file: "roster.csv", line: 3, column: 1)),
    ])

    /// Events as CSV lines without the header: `id,date,type,advocate,credited_to,solicited[,source[,consent[,amount]]]`.
    static func ledger(_ lines: [String]) -> Ledger {
        var text = header
        for l in lines {
            let c = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func at(_ i: Int, _ d: String) -> String { i < c.count ? c[i] : d }
            text += "\(c[0]),\(c[1]),\(c[2]),\(c[3]),AC,\(c[4]),,\(c[5]),\(at(6, "system")),\(at(7, "")),\(at(8, ""))\n"
        }
        var d: [Diagnostic] = []
        let l = EventsReader.read(file: "events.csv", bytes: Array(text.utf8), diagnostics: &d)
        XCTAssertEqual(TestSupport.errors(d), [])
        return l
    }

    static func analyse(_ plan: Plan, _ lines: [String], period: String = "2026-Q1") -> LedgerOutcome {
        LedgerAnalysis.run(plan: plan, ledger: ledger(lines), roster: roster, payeeIDs: ["P1", "P2"], period: Period.parse(period)!)
    }

    static func findingIDs(_ o: LedgerOutcome, _ check: GamingChecks.Check) -> [String] {
        o.findings.filter { $0.check == check }.flatMap(\.eventIDs)
    }

    static func value(_ o: LedgerOutcome, _ payee: String, kpi: String = "review_velocity") -> FixedDecimal? {
        o.derivedRows.first { $0.kpi == kpi && $0.scope == .payee(payee) }?.value
    }

    // MARK: ask_cap

    func testAskCapGapOf59DaysIsOverAnd60And61AreAccepted() {
        let p = Self.plan("  ask_cap: { min_days_between: 60, max_per_year: 4, action: exclude }")
        // 2026-01-01 + 59 = 2026-03-01; + 60 = 2026-03-02; + 61 = 2026-03-03 (each its own advocate).
        let o = Self.analyse(p, [
            "a1,2026-01-01,review,A,P1,true", "a2,2026-03-01,review,A,P1,true",
            "b1,2026-01-01,review,B,P1,true", "b2,2026-03-02,review,B,P1,true",
            "c1,2026-01-01,review,C,P1,true", "c2,2026-03-03,review,C,P1,true",
        ])
        XCTAssertEqual(Self.findingIDs(o, .askCap), ["a2"])
        XCTAssertEqual(o.findings.first?.detail,
                       "ask of advocate A on 2026-03-01 came 59 days after the accepted ask a1 of 2026-01-01 (minimum 60 days between asks)")
        XCTAssertEqual(Self.value(o, "P1"), FixedDecimal(5))  // six asks, a2 excluded
    }

    func testTheYearWindowIncludesItsFirstDayAndDropsTheDayBefore() {
        let p = Self.plan("  ask_cap: { min_days_between: 1, max_per_year: 2, action: exclude }")
        // The 365 days ending on 2026-03-10 start on 2025-03-11 (day 1 of the window).
        let o = Self.analyse(p, [
            "x1,2025-03-11,review,X,P1,true", "x2,2025-06-01,review,X,P1,true", "x3,2026-03-10,review,X,P1,true",
            "y1,2025-03-10,review,Y,P1,true", "y2,2025-06-01,review,Y,P1,true", "y3,2026-03-10,review,Y,P1,true",
        ])
        // X's first ask is on the window's first day: two asks in the window, x3 is over.
        // Y's first ask is one day earlier, outside: y3 is accepted.
        XCTAssertEqual(Self.findingIDs(o, .askCap), ["x3"])
        XCTAssertTrue(o.findings[0].detail.contains("2 accepted asks already in the 365 days ending that day (x1, x2)"), o.findings[0].detail)
    }

    func testOverCapAsksAreNotAcceptedAndExcludedEventsStillCountAsAsks() {
        let p = Self.plan("""
              ask_cap: { min_days_between: 60, max_per_year: 4, action: flag }
              consent: { types: [reference_call], action: exclude }
            """)
        let o = Self.analyse(p, [
            // r1 is excluded by consent, but it is an ask: r2, 30 days later, is over the cap.
            "r1,2026-01-05,reference_call,R,P1,true,system,no", "r2,2026-02-04,review,R,P1,true",
            // s2 is over the cap (not accepted), so s3 is measured from s1: 61 days, accepted.
            "s1,2026-01-01,review,S,P2,true", "s2,2026-01-31,review,S,P2,true", "s3,2026-03-03,review,S,P2,true",
        ])
        XCTAssertEqual(Self.findingIDs(o, .consent), ["r1"])
        XCTAssertEqual(Self.findingIDs(o, .askCap), ["r2", "s2"])
        // flag keeps the credit: P2 has three reviews; P1 only r2 (r1 is excluded and not a review).
        XCTAssertEqual(Self.value(o, "P2"), FixedDecimal(3))
        XCTAssertEqual(Self.value(o, "P1"), FixedDecimal(1))
    }

    // MARK: unverified

    func testWithinDaysEdgesAndOneToOneEarliestFirst() {
        let p = Self.plan("  unverified: { within_days: 7, action: exclude }")
        let o = Self.analyse(p, [
            "s1,2026-02-01,review,A,P1,false",
            "m1,2026-02-08,review,A,P1,false,self_reported",   // 7 days after: matched
            "s2,2026-02-01,review,B,P1,false",
            "m2,2026-02-09,review,B,P1,false,self_reported",   // 8 days after: unmatched
            "s3,2026-03-10,review,C,P2,false",
            "m3,2026-03-03,review,C,P2,false,self_reported",   // 7 days before: matched
            "m4,2026-03-04,review,C,P2,false,self_reported",   // the one system event is taken: unmatched
            "s4,2026-03-10,webinar,D,P2,false",
            "m5,2026-03-10,review,D,P2,false,self_reported",   // another type: unmatched
        ])
        XCTAssertEqual(Self.findingIDs(o, .unverified), ["m2", "m4", "m5"])
        let ids = o.ledger.events.map(\.id)
        XCTAssertEqual(o.events[ids.firstIndex(of: "m1")!].matchedBy, Int32(ids.firstIndex(of: "s1")!))
        XCTAssertEqual(o.events[ids.firstIndex(of: "m3")!].matchedBy, Int32(ids.firstIndex(of: "s3")!))
        // Only system events count: P1 s1 + s2 = 2 x 150%; P2 s3 = 150% (m4, m5 excluded).
        XCTAssertEqual(Self.value(o, "P1"), FixedDecimal(3))
        XCTAssertEqual(Self.value(o, "P2"), "1.5".d)
    }

    // MARK: Period

    func testEventsOnTheFirstAndLastDayOfThePeriodCount() {
        let p = Self.plan("  consent: { types: [logo], action: flag }")
        let o = Self.analyse(p, [
            "e0,2025-12-31,review,A,P1,true", "e1,2026-01-01,review,A,P1,true",
            "e2,2026-03-31,review,A,P1,true", "e3,2026-04-01,review,A,P1,true",
        ])
        XCTAssertEqual(Self.value(o, "P1"), FixedDecimal(2))
        XCTAssertEqual(Self.value(o, "P2"), .zero)
    }

    // MARK: period_end_spike and concentration

    func testSpikeShareExactlyAtTheThresholdIsNotAFinding() {
        let p = Self.plan("  period_end_spike: { last_days: 14, share_above: 50%, min_events: 4, action: hold }")
        // The last 14 days of 2026-Q1 are 2026-03-18..2026-03-31.
        let o = Self.analyse(p, [
            "a,2026-01-10,review,A,P1,true", "b,2026-02-10,review,B,P1,true",
            "c,2026-03-18,review,C,P1,true", "d,2026-03-31,review,D,P1,true",   // 2 of 4: exactly 50%
            "e,2026-03-17,review,E,P2,true", "f,2026-03-18,review,F,P2,true",
            "g,2026-03-20,review,G,P2,true", "h,2026-03-30,review,H,P2,true",   // 3 of 4 (03-17 is outside)
        ])
        XCTAssertEqual(o.findings.map(\.payeeID), ["P2"])
        XCTAssertEqual(o.findings.first?.eventIDs, ["f", "g", "h"])
        XCTAssertEqual(o.held, ["P2"])
    }

    func testConcentrationNeedsMinEventsAndMoreThanTheShare() {
        let p = Self.plan("  concentration: { share_above: 50%, min_events: 4, action: flag }")
        let o = Self.analyse(p, [
            "a,2026-01-10,review,A,P1,false", "b,2026-01-11,review,A,P1,false", "c,2026-01-12,review,B,P1,false",
            "d,2026-01-13,review,C,P1,false",                                    // A has 2 of 4: 50%, not more
            "e,2026-01-10,review,A,P2,false", "f,2026-01-11,review,A,P2,false", "g,2026-01-12,review,A,P2,false", // 3 events: too few
        ])
        XCTAssertEqual(o.findings, [])
        let o2 = Self.analyse(p, ["a,2026-01-10,review,A,P1,false", "b,2026-01-11,review,A,P1,false",
                                  "c,2026-01-12,review,A,P1,false", "d,2026-01-13,review,C,P1,false"])
        XCTAssertEqual(o2.findings.map(\.detail),
                       ["3 of 4 credited events (75%) come from advocate A; the check trips above 50% with at least 4 events"])
        XCTAssertEqual(o2.held, [])  // flag holds nobody
    }

    // MARK: Derived KPIs

    func testUnitAndCompanyScopeAndAmounts() {
        let p = Self.plan("  consent: { types: [logo], action: flag }", kpis: """
              pipeline: { scope: unit, target: 100, from_events: { types: [referral], value: amount } }
              everyone: { scope: company, target: 1, from_events: { types: [referral, review] } }
            """)
        let roster = Roster(file: "roster.csv", columns: ["payee_id", "unit", "plan"], payees: [
            Payee(id: "P1", unit: "east", plan: "p", location: SourceLocation(file: "roster.csv", line: 2, column: 1)),
            Payee(id: "P9", unit: "east", plan: "other", location: SourceLocation(file: "roster.csv", line: 3, column: 1)),
            Payee(id: "P3", unit: "west", plan: "p", location: SourceLocation(file: "roster.csv", line: 4, column: 1)),
        ])
        let o = LedgerAnalysis.run(plan: p, ledger: Self.ledger([
            "r1,2026-01-10,referral,A,P1,true,system,,100", "r2,2026-01-11,referral,B,P9,true,system,,50.5",
            "r3,2026-01-12,referral,C,P3,true,system,,7", "r4,2026-01-13,referral,D,,true,system,,1000",
            "v1,2026-01-14,review,E,P3,false",
        ]), roster: roster, payeeIDs: ["P1", "P3"], period: Period.parse("2026-Q1")!)
        func row(_ k: String, _ s: ActualScope) -> FixedDecimal? { o.derivedRows.first { $0.kpi == k && $0.scope == s }?.value }
        XCTAssertEqual(row("pipeline", .unit("east")), "150.5".d)  // P9 is on another plan, but in unit east
        XCTAssertEqual(row("pipeline", .unit("west")), FixedDecimal(7))
        XCTAssertEqual(row("everyone", .company), FixedDecimal(5))   // r4 is credited to nobody: company only
    }

    func testAnAmountKPINeedsAmounts() {
        let p = Self.plan("  consent: { types: [logo], action: flag }", kpis: """
              pipeline: { scope: company, target: 100, from_events: { types: [referral], value: amount } }
            """)
        let o = Self.analyse(p, ["r1,2026-01-10,referral,A,P1,true"])
        XCTAssertEqual(TestSupport.errors(o.diagnostics), [
            "events.csv:2:1: error: event r1 (referral) has no amount, and KPI 'pipeline' sums the amounts of its events\nplan.yaml:6:57: note: from_events defined here",
        ])
    }

    // MARK: The events file

    func testEventsFileErrorsAreLocated() {
        let text = Self.header + """
            e1,2026-02-30,review,A,,P1,,true,system,,
            e2,2026-01-01,review,A,,P1,,maybe,crm,sure,-5
            e1,2026-01-02,,,,P1,,no,self_reported,yes,1000
            """
        var d: [Diagnostic] = []
        let l = EventsReader.read(file: "events.csv", bytes: Array(text.utf8), diagnostics: &d)
        XCTAssertEqual(l.events.count, 0)
        XCTAssertEqual(TestSupport.errors(d), [
            "events.csv:2:2: error: date '2026-02-30' is not a date (expected YYYY-MM-DD)",
            "events.csv:3:8: error: solicited 'maybe' must be true, false, yes or no",
            "events.csv:3:9: error: source 'crm' must be system or self_reported",
            "events.csv:3:10: error: consent 'sure' must be yes, no or blank",
            "events.csv:3:11: error: amount must not be negative",
            "events.csv:4:1: error: duplicate event_id 'e1' (first given on line 2)\nevents.csv:2:1: note: first given here",
            "events.csv:4:3: error: type is blank",
            "events.csv:4:4: error: advocate_id is blank",
        ])
    }

    func testAPlanThatReadsTheLedgerNeedsEvents() {
        let plan = """
            plan: p
            version: "1"
            currency: USD
            kpis:
              reviews: { scope: payee, target: 4, from_events: { types: [review] } }
            components:
              - { id: c, weight: 100%, measures: [{ kpi: reviews, weight: 100% }] }
            """
        let outcome = TestSupport.calculate(plan: plan, roster: "payee_id,target_bonus\nP1,1000\n",
                                            actuals: "period,scope,kpi,value\n", period: "2026-Q1")
        XCTAssertNil(outcome.result)
        XCTAssertEqual(TestSupport.errors(outcome.diagnostics),
                       ["plan.yaml:5:52: error: KPI 'reviews' is derived from the advocacy event ledger: give the events file with --events FILE"])
    }

    func testGamingSectionErrors() {
        let (plan, d) = TestSupport.parsePlan("""
            plan: p
            version: "1"
            currency: USD
            kpis:
              k: { target: 1 }
            components:
              - { id: c, weight: 100%, measures: [{ kpi: k, weight: 100% }] }
            gaming:
              concentration: { share_above: 150%, action: exclude }
              ask_cap: { min_days: 60 }
              consent: { action: hold }
            """)
        XCTAssertNil(plan)
        XCTAssertEqual(TestSupport.errors(d), [
            "plan.yaml:9:47: error: concentration judges a payee, not an event: its action must be flag or hold",
            "plan.yaml:9:33: error: share_above of concentration must be a share from 0% to 100%, found 1.5",
            "plan.yaml:10:14: error: unknown key 'min_days' in gaming check ask_cap (allowed: min_days_between, max_per_year, action)",
            "plan.yaml:11:12: error: consent needs 'types': the event types that need the advocate's consent, such as [reference_call, case_study]",
        ])
    }
}
