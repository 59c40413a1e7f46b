import Foundation
import XCTest
@testable import AdvocompEngine
@testable import AdvocompKit
@testable import AdvocompReports
import AdvocompTestSupport

/// Escalation suppression (SPEC section 6): no ask of a customer while its account is
/// escalated. The rule's edges, the signal rows it reads, the events file's cells, the
/// ask calendar and the audit's count per requester.
final class EscalationTests: XCTestCase {
    static let header = "event_id,date,type,advocate_id,account_id,credited_to,requested_by,solicited,source,consent,amount\n"

    /// A plan counting `review` events at payee scope, with `gaming` (YAML lines indented two spaces).
    static func plan(_ gaming: String = "  escalation: { within_days: 30, action: exclude }", types: String = "[review]") -> Plan {
        LedgerTests.plan(gaming, types: types)
    }

    /// Full CSV rows (without the header); every row must read without error.
    static func ledger(_ rows: [String]) -> Ledger {
        var d: [Diagnostic] = []
        let l = EventsReader.read(file: "events.csv", bytes: Array((header + rows.joined(separator: "\n") + "\n").utf8), diagnostics: &d)
        XCTAssertEqual(TestSupport.rendered(d), [])
        return l
    }

    /// An ask of advocate `adv` on account `acc`, credited to and asked by `who`.
    static func ask(_ id: String, _ date: String, _ acc: String, adv: String = "A", who: String = "P1", type: String = "review") -> String {
        "\(id),\(date),\(type),\(adv),\(acc),\(who),\(who),true,system,yes,"
    }
    static func opened(_ id: String, _ date: String, _ acc: String) -> String { "\(id),\(date),escalation,,\(acc),,,false,system,," }
    static func resolved(_ id: String, _ date: String, _ acc: String) -> String { "\(id),\(date),escalation_resolved,,\(acc),,,false,system,," }

    static let roster = LedgerTests.roster

    static func analyse(_ plan: Plan, _ rows: [String], period: String = "2026-Q1") -> LedgerOutcome {
        LedgerAnalysis.run(plan: plan, ledger: ledger(rows), roster: roster, payeeIDs: ["P1", "P2"], period: Period.parse(period)!)
    }

    static func flagged(_ o: LedgerOutcome) -> [[String]] {
        o.findings.filter { $0.check == .escalation }.map(\.eventIDs)
    }

    // MARK: The rule's edges

    func testAnAskOnTheDayTheEscalationOpensIsAFinding() {
        let o = Self.analyse(Self.plan(), [Self.opened("x1", "2026-02-01", "AC1"), Self.ask("a1", "2026-02-01", "AC1")])
        XCTAssertEqual(Self.flagged(o), [["a1", "x1"]])
        XCTAssertEqual(o.findings.first?.detail,
                       "ask of advocate A on 2026-02-01 (review) while account AC1 was escalated: escalation x1 opened 2026-02-01, the same day, "
                       + "unresolved (no asks for 30 days after an escalation opens, until it is resolved)")
        XCTAssertEqual(o.findings.first?.payeeID, "P1")
        XCTAssertEqual(o.findings.first?.line, 3, "the ask's line, not the escalation's")
    }

    func testTheLastDayInsideWithinDaysAndTheFirstDayOutside() {
        // 2026-01-01 + 29 days = 2026-01-30 (inside), + 30 days = 2026-01-31 (outside).
        let o = Self.analyse(Self.plan(), [
            Self.opened("x1", "2026-01-01", "AC1"), Self.ask("a1", "2026-01-30", "AC1", adv: "A"), Self.ask("b1", "2026-01-31", "AC1", adv: "B"),
        ])
        XCTAssertEqual(Self.flagged(o), [["a1", "x1"]])
        XCTAssertTrue(o.findings[0].detail.contains("29 days before"), o.findings[0].detail)
    }

    func testWithinDaysOfOneCoversOnlyTheDayItOpens() {
        let o = Self.analyse(Self.plan("  escalation: { within_days: 1, action: exclude }"), [
            Self.opened("x1", "2026-01-10", "AC1"), Self.ask("a1", "2026-01-10", "AC1", adv: "A"), Self.ask("b1", "2026-01-11", "AC1", adv: "B"),
        ])
        XCTAssertEqual(Self.flagged(o), [["a1", "x1"]])
    }

    func testAnEscalationResolvedTheSameDayCoversNothing() {
        // Whatever the rows' order in the file: resolved on the day it opened, nothing is escalated.
        for rows in [[Self.opened("x1", "2026-02-03", "AC1"), Self.resolved("x2", "2026-02-03", "AC1"), Self.ask("a1", "2026-02-03", "AC1")],
                     [Self.ask("a1", "2026-02-03", "AC1"), Self.resolved("x2", "2026-02-03", "AC1"), Self.opened("x1", "2026-02-03", "AC1")]] {
            XCTAssertEqual(Self.flagged(Self.analyse(Self.plan(), rows)), [], "\(rows)")
        }
    }

    func testAResolutionAfterTheAskDoesNotClearIt() {
        let o = Self.analyse(Self.plan(), [
            Self.opened("x1", "2026-02-01", "AC1"), Self.ask("a1", "2026-02-20", "AC1", adv: "A"),
            Self.resolved("x2", "2026-02-21", "AC1"), Self.ask("b1", "2026-02-22", "AC1", adv: "B"),
        ])
        XCTAssertEqual(Self.flagged(o), [["a1", "x1"]])
    }

    func testAResolutionBeforeTheEscalationOpensDoesNotCloseIt() {
        let o = Self.analyse(Self.plan(), [
            Self.resolved("x0", "2026-01-05", "AC1"), Self.opened("x1", "2026-01-06", "AC1"), Self.ask("a1", "2026-01-07", "AC1"),
        ])
        XCTAssertEqual(Self.flagged(o), [["a1", "x1"]])
    }

    func testAnEscalationAfterAResolutionCoversAgainAndTheEarliestOpenOneIsNamed() {
        let o = Self.analyse(Self.plan(), [
            Self.opened("x1", "2026-01-01", "AC1"), Self.resolved("x2", "2026-01-03", "AC1"),
            Self.opened("x3", "2026-01-10", "AC1"), Self.opened("x4", "2026-01-20", "AC1"),
            Self.ask("a1", "2026-01-02", "AC1", adv: "A"),   // x1 open
            Self.ask("b1", "2026-01-04", "AC1", adv: "B"),   // x1 resolved, x3 not yet open
            Self.ask("c1", "2026-01-25", "AC1", adv: "C"),   // x3 and x4 open: x3 is named
            Self.ask("d1", "2026-02-12", "AC1", adv: "D"),   // x3 ran out on 2026-02-09, x4 still open
            Self.ask("e1", "2026-02-19", "AC1", adv: "E"),   // x4 ran out on 2026-02-19
        ])
        XCTAssertEqual(Self.flagged(o), [["a1", "x1"], ["c1", "x3"], ["d1", "x4"]])
    }

    func testOnlyAsksOnTheEscalatedAccountAreJudged() {
        let o = Self.analyse(Self.plan(), [
            Self.opened("x1", "2026-01-01", "AC1"),
            Self.ask("a1", "2026-01-02", "AC2", adv: "A"),                             // another account
            "u1,2026-01-02,review,B,AC1,P1,,false,system,,",                          // not an ask
            "n1,2026-01-02,review,C,,P1,P1,true,system,,",                            // no account
        ])
        XCTAssertEqual(Self.flagged(o), [])
    }

    func testAnUnverifiedSelfReportedAskIsJudgedAndAVerifiedOneIsNot() {
        let gaming = "  unverified: { within_days: 7, action: flag }\n  escalation: { within_days: 30, action: exclude }"
        let o = Self.analyse(Self.plan(gaming), [
            Self.opened("x1", "2026-01-01", "AC1"),
            "s1,2026-01-05,review,A,AC1,P1,P1,true,self_reported,,",   // unverified: still in the ledger, judged
            "s2,2026-01-06,review,B,AC1,P1,P1,true,self_reported,,",   // verified by m2: leaves the ledger
            "m2,2026-01-08,review,B,AC1,P1,P1,true,system,,",          // the system event stands for it, and is judged
        ])
        XCTAssertEqual(Self.flagged(o), [["s1", "x1"], ["m2", "x1"]])
    }

    // MARK: Actions

    func testExcludeTakesTheCreditHoldHoldsTheAskerFlagOnlyReports() {
        let rows = [Self.opened("x1", "2026-01-01", "AC1"), Self.ask("a1", "2026-01-02", "AC1", who: "P1"),
                    Self.ask("b1", "2026-01-02", "AC2", adv: "B", who: "P1")]
        let exclude = Self.analyse(Self.plan("  escalation: { action: exclude }"), rows)
        XCTAssertEqual(LedgerTests.value(exclude, "P1"), FixedDecimal(1))
        XCTAssertEqual(exclude.held, [])
        let hold = Self.analyse(Self.plan("  escalation: { action: hold }"), rows)
        XCTAssertEqual(LedgerTests.value(hold, "P1"), FixedDecimal(1))
        XCTAssertEqual(hold.held, ["P1"])
        let flag = Self.analyse(Self.plan("  escalation: {}"), rows)
        XCTAssertEqual(LedgerTests.value(flag, "P1"), FixedDecimal(2))
        XCTAssertEqual(flag.findings.map(\.action), [.flag])
    }

    func testAHoldOutsideThePeriodHoldsNobody() {
        let o = Self.analyse(Self.plan("  escalation: { action: hold }"),
                             [Self.opened("x1", "2025-12-20", "AC1"), Self.ask("a1", "2025-12-22", "AC1")])
        XCTAssertEqual(o.findings, [], "the ask is in 2025-Q4, not the period asked for")
        XCTAssertEqual(o.held, [])
        XCTAssertTrue(o.events[1].isMarked(by: .escalation), "the action still applies to the event")
    }

    /// consent, ask_cap and escalation each judge the de-duplicated ledger on its own: an ask
    /// the escalation check excludes is still an accepted ask for ask_cap.
    func testAskCapCountsAnAskThatTheEscalationCheckExcluded() {
        let gaming = "  ask_cap: { min_days_between: 60, action: exclude }\n  escalation: { within_days: 30, action: exclude }"
        let o = Self.analyse(Self.plan(gaming), [
            Self.opened("x1", "2026-01-01", "AC1"), Self.ask("a1", "2026-01-02", "AC1"), Self.ask("a2", "2026-02-15", "AC1"),
        ])
        XCTAssertEqual(Self.flagged(o), [["a1", "x1"]])
        XCTAssertEqual(LedgerTests.findingIDs(o, .askCap), ["a2"])
        XCTAssertEqual(o.findings.map(\.check), [.askCap, .escalation], "check order: ask_cap, then escalation")
        XCTAssertEqual(LedgerTests.value(o, "P1"), FixedDecimal(0))
    }

    // MARK: Signal rows

    func testSignalRowsEarnNoCreditAndNoCheckJudgesThem() {
        let gaming = """
              unverified: { within_days: 7, action: exclude }
              consent: { types: [escalation], action: hold }
              ask_cap: { min_days_between: 60, action: exclude }
              concentration: { share_above: 50%, min_events: 1, action: hold }
            """
        let o = Self.analyse(Self.plan(gaming, types: "[review, escalation]"), [
            // Signal rows that look like asks, self-reports and consent-less events, credited to P2.
            "x1,2026-01-05,escalation,A,AC1,P2,P2,true,self_reported,no,",
            "x2,2026-01-06,escalation,A,AC1,P2,P2,true,system,no,",
            "x3,2026-01-07,escalation_resolved,A,AC1,P2,P2,true,system,no,",
        ])
        XCTAssertEqual(o.findings, [])
        XCTAssertEqual(o.held, [])
        XCTAssertEqual(o.events.map(\.credited), [false, false, false])
        XCTAssertEqual(LedgerTests.value(o, "P2"), FixedDecimal(0))
    }

    func testAPlanCountingOrConsentingSignalTypesIsWarned() {
        let text = """
            plan: p
            version: "1"
            currency: USD
            kpis:
              k: { scope: payee, target: 4, from_events: { types: [review, escalation], value: count } }
            components:
              - { id: c, weight: 100%, measures: [{ kpi: k, weight: 100% }] }
            gaming:
              consent: { types: [escalation_resolved] }
            """
        let (plan, diagnostics) = TestSupport.parsePlan(text)
        XCTAssertNotNil(plan)
        XCTAssertEqual(TestSupport.rendered(Pipeline.sorted(diagnostics)), [
            "plan.yaml:5:55: warning: event type 'escalation' is a signal row (an account's escalation), not advocacy: it earns no credit and no check judges it, so it adds nothing to KPI 'k'",
            "plan.yaml:9:21: warning: event type 'escalation_resolved' is a signal row (an account's escalation), not advocacy: it earns no credit and no check judges it, so the consent check never judges it",
        ])
    }

    // MARK: The events file

    func testSignalRowsMayLeaveAdvocateCreditedRequesterAndAmountBlank() {
        let l = Self.ledger([Self.opened("x1", "2026-01-01", "AC1"), Self.resolved("x2", "2026-01-09", "AC1")])
        XCTAssertEqual(l.events.map(\.signal), [.escalationOpened, .escalationResolved])
        XCTAssertEqual(l.events.map { l.advocate(of: $0) }, ["", ""])
        XCTAssertEqual(l.events.map { l.account(of: $0) }, ["AC1", "AC1"])
    }

    func testBlankCellsAreAllowedOnlyWhereTheSpecAllowsThem() {
        var d: [Diagnostic] = []
        _ = EventsReader.read(file: "events.csv", bytes: Array((Self.header + """
            r1,2026-01-01,review,,AC1,P1,P1,true,system,,
            x1,2026-01-02,escalation,,,,,false,system,,
            x2,2026-01-03,escalation_resolved,A,,,,false,system,,
            x3,2026-01-04,Escalation,,AC1,,,false,system,,
            x4,2026-01-05,escalation,,AC1,,,,system,,

            """).utf8), diagnostics: &d)
        XCTAssertEqual(TestSupport.rendered(d), [
            "events.csv:2:4: error: advocate_id is blank",
            "events.csv:3:5: error: account_id is blank: an escalation row must name the account it is about",
            "events.csv:4:5: error: account_id is blank: an escalation_resolved row must name the account it is about",
            "events.csv:5:4: error: advocate_id is blank",  // types are compared as written: 'Escalation' is advocacy
            "events.csv:6:8: error: solicited '' must be true, false, yes or no",
        ])
    }

    func testSignalRowsWithoutAnAccountColumnAreOneHeaderError() {
        var d: [Diagnostic] = []
        let l = EventsReader.read(file: "events.csv", bytes: Array("""
            event_id,date,type,advocate_id,credited_to,solicited,source
            r1,2026-01-01,review,A,P1,true,system
            x1,2026-01-02,escalation,,,false,system
            x2,2026-01-03,escalation_resolved,,,false,system

            """.utf8), diagnostics: &d)
        XCTAssertEqual(TestSupport.rendered(d), [
            "events.csv:1:1: error: the events file has no 'account_id' column, and its escalation rows (the first on line 3) must name the account they are about",
        ])
        XCTAssertEqual(l.events.map(\.id), ["r1"])
    }

    // MARK: The plan

    func testTheEscalationSectionIsValidated() {
        let cases: [(String, String)] = [
            ("  escalation: { within_days: 0 }", "plan.yaml:9:30: error: within_days of escalation must be a whole number from 1 to 3660, found 0"),
            ("  escalation: { within_day: 30 }", "plan.yaml:9:17: error: unknown key 'within_day' in gaming check escalation; did you mean 'within_days'? (allowed: within_days, action)"),
            ("  escalation: { action: stop }", "plan.yaml:9:25: error: action of escalation must be one of flag, exclude, hold; found 'stop'"),
            ("  escalaton: { action: flag }", "plan.yaml:9:3: error: unknown key 'escalaton' in gaming; did you mean 'escalation'? (allowed: unverified, consent, ask_cap, escalation, period_end_spike, concentration)"),
        ]
        for (gaming, message) in cases {
            let text = """
                plan: p
                version: "1"
                currency: USD
                kpis:
                  k: { scope: payee, target: 4, from_events: { types: [review], value: count } }
                components:
                  - { id: c, weight: 100%, measures: [{ kpi: k, weight: 100% }] }
                gaming:
                \(gaming)
                """
            XCTAssertEqual(TestSupport.errors(TestSupport.parsePlan(text).1), [message], gaming)
        }
        let defaults = Self.plan("  escalation: {}").gaming?.escalation
        XCTAssertEqual(defaults?.withinDays, 30)
        XCTAssertEqual(defaults?.action, .flag)
    }

    // MARK: One rule for the check and the calendar

    /// `asksDuringEscalation` (the check, streaming over each account) and `openEscalations`
    /// (the calendar, one day) agree on every ask of a random ledger, and with a plain
    /// reading of the spec's sentence.
    func testTheCheckAndTheCalendarReadEscalationsAlike() {
        var rng = Sampler.Stream(seed: 12)  // the simulation's seeded stream: the same ledger every run
        var rows: [String] = []
        for k in 0..<600 {
            let day = CivilDate(dayNumber: CivilDate.parse("2026-01-01")!.dayNumber + Int(rng.next() % 90))
            let acc = "AC\(rng.next() % 6)"
            switch rng.next() % 6 {
            case 0: rows.append(Self.opened("o\(k)", day.description, acc))
            case 1: rows.append(Self.resolved("r\(k)", day.description, acc))
            default: rows.append(Self.ask("a\(k)", day.description, acc, adv: "A\(k)"))
            }
        }
        let ledger = Self.ledger(rows)
        let events = ledger.events
        let order = Ledger.dateOrder(events)
        for within in [1, 7, 30] {
            var byCheck: [Int: Int] = [:]
            LedgerAnalysis.asksDuringEscalation(events, order: order, withinDays: within, isAsk: { events[$0].isAsk }) { byCheck[$0] = $1 }
            for (i, e) in events.enumerated() where e.isAsk {
                let open = LedgerAnalysis.openEscalations(events, order: order, withinDays: within, on: e.date)[e.account] ?? []
                XCTAssertEqual(byCheck[i], open.first, "\(e.id) within \(within)")
                // The spec's sentence, read literally.
                let covering = events.indices.filter { x in
                    let o = events[x]
                    guard o.signal == .escalationOpened, o.account == e.account, o.date <= e.date,
                          e.date.dayNumber - o.date.dayNumber < within else { return false }
                    return !events.contains { $0.signal == .escalationResolved && $0.account == e.account && $0.date >= o.date && $0.date <= e.date }
                }
                XCTAssertEqual(Set(open), Set(covering), "\(e.id) within \(within)")
            }
            XCTAssertGreaterThan(byCheck.count, 10, "the random ledger exercises the rule")
        }
    }

    // MARK: The ask calendar

    func testTheCalendarSaysDoNotAskWhileTheAccountIsEscalated() {
        let ledger = Self.ledger([
            Self.ask("a1", "2025-10-01", "AC1", adv: "A"), Self.ask("b1", "2025-10-01", "AC2", adv: "B"),
            Self.ask("c1", "2025-10-01", "AC3", adv: "C"),
            Self.opened("x1", "2026-03-01", "AC1"), Self.opened("x2", "2026-03-10", "AC1"),
            Self.opened("x3", "2026-03-01", "AC2"), Self.resolved("x4", "2026-03-05", "AC2"),
        ])
        let policy = AskCalendar.Policy(Self.plan("  escalation: { within_days: 30 }").gaming)
        let entries = AskCalendar.compute(ledger: ledger, policy: policy, asOf: CivilDate.parse("2026-03-12")!)
        XCTAssertEqual(entries.map(\.advocate), ["A", "B", "C"], "signal rows name no advocate")
        XCTAssertEqual(entries.map(\.stateText), ["do not ask (escalated since 2026-03-01)", "available", "available"])
        XCTAssertEqual(entries[0].escalated?.eventID, "x1")
        XCTAssertEqual(entries[0].escalated?.account, "AC1")
        XCTAssertEqual(entries[0].nextAllowed.description, "2026-04-09", "x2's 30 days run out then, unless it is resolved earlier")
        XCTAssertEqual(AdvocatesReport.cells(entries[0]).last, "do not ask (escalated since 2026-03-01)")
        // Without an escalation check, the programme's 30 days apply.
        let fallback = AskCalendar.Policy(nil)
        XCTAssertEqual(fallback.escalationWithinDays, 30)
        XCTAssertFalse(fallback.escalationFromPlan)
        XCTAssertEqual(AskCalendar.compute(ledger: ledger, policy: fallback, asOf: CivilDate.parse("2026-04-09")!).map(\.state),
                       [.available, .available, .available])
    }

    // MARK: The audit

    func testTheAuditCountsAsksDuringEscalationsPerRequester() throws {
        let rows = [
            Self.opened("x1", "2026-01-01", "AC1"),
            Self.ask("a1", "2026-01-02", "AC1", adv: "A", who: "P1"), Self.ask("a2", "2026-01-03", "AC1", adv: "B", who: "P1"),
            Self.ask("a3", "2026-01-04", "AC1", adv: "C", who: "P2"), "a4,2026-01-05,review,D,AC1,P2,,true,system,yes,",
        ]
        let plan = Self.plan()
        let o = Self.analyse(plan, rows)
        let text = AuditReport.render(o, plan: plan, roster: Self.roster, period: Period.parse("2026-Q1")!)
        XCTAssertTrue(text.contains("""
            Asks made during escalations (escalation check, 30 days): 4
            requested_by    asks  events
            --------------  ----  ------
            P1                 2  a1 a2
            P2                 1  a3
            (not recorded)     1  a4

            """), text)
        XCTAssertTrue(text.contains("    events.csv:2  x1  2026-01-01  escalation  account AC1  (signal row: escalation opened)\n"), text)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(AuditReport.json(o, plan: plan, period: Period.parse("2026-Q1")!).utf8)) as? [String: Any])
        let byRequester = try XCTUnwrap(json["escalation_asks_by_requester"] as? [[String: Any]])
        XCTAssertEqual(byRequester.map { $0["requested_by"] as? String }, ["P1", "P2", nil])
        XCTAssertEqual(byRequester.map { $0["asks"] as? Int }, [2, 1, 1])
    }
}
