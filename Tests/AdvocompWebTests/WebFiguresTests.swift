import AdvocompHistory
import AdvocompKit
import AdvocompStore
import AdvocompTestSupport
import AdvocompWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The web app's figures are `calculate`'s, `whatif`'s and `curve`'s (the functions the
/// command line calls), to the cent; its actions write the same trail as the CLI's.
final class WebFiguresTests: XCTestCase {
    static let cro = "cro-reference-program.yaml"

    func testTheStatementShowsCalculatesPayout() async throws {
        try await withWebApp { history, _, client in
            let run = Pipeline.calculate(history.requests[WebFiguresTests.cro]!, loadFile: WebFixture.loader).result!
            let p = run.payees.first { $0.payee.id == "E1101" }!
            var v = Visitor()
            try await v.login(client, "daniel")
            let page = try await v.get(client, "/payees/E1101").text
            XCTAssertTrue(page.contains("<span id=\"payout\" data-payout=\"\(p.payout.plain)\">\(p.payout.grouped)</span>"), page)
            XCTAssertTrue(page.contains("<span id=\"target\">\(p.roundedTargetIncentive.grouped)</span>"))
            XCTAssertTrue(page.contains("Projected, not final: the payout is the approved run."))
            // The pool binds on the samples: its trim is the payout before the pool less after.
            XCTAssertTrue(page.contains("before the pool \(p.roundedPayout.grouped) USD, trimmed by \(try (p.roundedPayout - p.payout).grouped) USD"), page)
            // One control per KPI the plan reads from the actuals, percent as percent.
            XCTAssertTrue(page.contains("name=\"kpi.reference_fill_rate\" id=\"control-reference_fill_rate\" value=\"97.8\""), page)
            XCTAssertFalse(page.contains("name=\"kpi.win_rate_lift\""), "a formula KPI has no control")
        }
    }

    func testAWhatIfEqualsWhatifToTheCentAndIsQuick() async throws {
        try await withWebApp { history, web, client in
            var v = Visitor()
            try await v.login(client, "daniel")
            let request = history.requests[WebFiguresTests.cro]!
            for (query, sets) in [("kpi.reference_fill_rate=95", ["reference_fill_rate=95%"]),
                                  ("kpi.exec_reference_calls=3&kpi.reference_capacity=150", ["payee:E1101/exec_reference_calls=3", "reference_capacity=150"]),
                                  ("kpi.reference_fill_rate=120&kpi.new_advocates=10", ["reference_fill_rate=120%", "new_advocates=10"])] {
                let overrides = sets.map { try! ActualOverride.parse($0).get() }
                let expected = Pipeline.whatIf(request, overrides: overrides, loadFile: WebFixture.loader).result!
                let before = expected.before.payees.first { $0.payee.id == "E1101" }!, after = expected.after.payees.first { $0.payee.id == "E1101" }!
                _ = try await v.get(client, "/payees/E1101/whatif?\(query)")  // warm
                let started = Date()
                let r = try await v.get(client, "/payees/E1101/whatif?\(query)")
                let elapsed = Date().timeIntervalSince(started)
                XCTAssertEqual(r.status, .ok, r.text)
                let json = try JSONSerialization.jsonObject(with: Data(r.text.utf8)) as! [String: Any]
                XCTAssertEqual(json["payoutPlain"] as? String, after.payout.plain, query)
                XCTAssertEqual(json["before"] as? String, before.payout.grouped)
                let diff = try after.payout - before.payout
                XCTAssertEqual(json["difference"] as? String, (diff.isNegative ? "" : "+") + diff.grouped)
                XCTAssertFalse((json["explanation"] as? [String] ?? []).isEmpty)
                XCTAssertLessThan(elapsed, 0.1, "a what-if is recalculated in well under 0.1 s (debug build)")
            }
            // A value that is not a number, or a KPI the plan does not score, is a clear 400.
            let bad = try await v.get(client, "/payees/E1101/whatif?kpi.reference_fill_rate=lots")
            XCTAssertEqual(bad.status, .badRequest)
            XCTAssertTrue(bad.text.contains("is not a number for reference_fill_rate"), bad.text)
            let unknown = try await v.get(client, "/payees/E1101/whatif?kpi.win_rate_lift=9")
            XCTAssertEqual(unknown.status, .badRequest)
            _ = web
        }
    }

    func testTheCurveEqualsCurveAndMarksToday() async throws {
        try await withWebApp { history, _, client in
            var v = Visitor()
            try await v.login(client, "daniel")
            let r = try await v.get(client, "/payees/E1101/curve.svg?kpi=reference_fill_rate")
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "image/svg+xml")
            let c = Pipeline.curve(history.requests[WebFiguresTests.cro]!, payee: "E1101", kpi: "reference_fill_rate",
                                   from: "0.5".d, to: "1.5".d, step: "0.05".d, loadFile: WebFixture.loader).result!
            XCTAssertEqual(c.points.count, 21)
            for p in c.points {
                XCTAssertTrue(r.text.contains("data-attainment=\"\(p.attainment.percentString())\" data-payout=\"\(p.payout.plain)\""), "\(p.attainment)")
            }
            XCTAssertTrue(r.text.contains("today: 108.67%"), "today's position is marked")
            XCTAssertTrue(r.text.contains("pool trims"), "and the pool's effect")
            XCTAssertFalse(r.text.contains("<script"))
        }
    }

    func testFinanceApprovesAndClosesWithTheCLIsTrailAndTheAuditLog() async throws {
        try await withWebApp { history, _, client in
            var v = Visitor()
            try await v.login(client, "fiona")
            let confirm = try await v.get(client, "/runs/1/confirm?action=approve")
            XCTAssertTrue(confirm.text.contains("Approve run 1"))
            XCTAssertEqual(try history.store.summary(1)?.state, "draft", "the confirmation page changes nothing")
            let a = try await v.post(client, "/runs/1/approve", [("note", "Q3 <sign-off>")])
            XCTAssertEqual(a.status, .seeOther)
            XCTAssertEqual(try history.store.summary(1)?.state, "approved")
            let runs = try await v.get(client, "/runs").text
            XCTAssertTrue(runs.contains("<td class=\"state\">approved</td><td>fiona</td>"), runs)
            let c = try await v.post(client, "/runs/1/close", [])
            XCTAssertEqual(c.status, .seeOther)
            XCTAssertEqual(try history.store.summary(1)?.state, "final")
            // Revoking a final run is refused with the store's own words.
            let revoke = try await v.post(client, "/runs/1/revoke", [])
            XCTAssertEqual(revoke.status, .conflict)
            let trail = try history.store.trail([1])
            XCTAssertEqual(trail.map(\.action), [.approve, .close])
            XCTAssertEqual(trail.map(\.by), ["fiona", "fiona"])
            XCTAssertEqual(trail.first?.note, "Q3 <sign-off>")
            let audit = try history.store.auditLog().map { "\($0.username) \($0.action) \($0.detail)" }
            XCTAssertTrue(audit.contains("fiona approve run 1: Q3 <sign-off>"), "\(audit)")
            XCTAssertTrue(audit.contains("fiona close run 1"), "\(audit)")
            // The downloads: payroll as `advocomp payroll 1`, the workbook, a statement.
            let payroll = try await v.get(client, "/runs/1/payroll.csv")
            let recorded = try PayrollHistory.recorded(history.store, try history.store.summary(1)!)
            XCTAssertEqual(payroll.text, PayrollReport.render([(recorded.payroll, recorded.earningCode)], period: recorded.period))
            XCTAssertTrue(payroll.text.hasPrefix("payee_id,name,currency,amount,earning_code,period\n"))
            let book = try await v.get(client, "/runs/1/workbook.xlsx")
            XCTAssertEqual(Array(book.body.readableBytesView.prefix(2)), [0x50, 0x4b], "a zip (xlsx)")
            let statement = try await v.get(client, "/runs/1/statements/E1101.xlsx")
            XCTAssertEqual(statement.status, .ok)
            XCTAssertTrue(try history.store.auditLog().contains { $0.action == "download" && $0.detail.contains("statement of payee E1101") })
        }
    }

    func testAnInquiryIsRaisedAnsweredAndResolvedOnRecord() async throws {
        try await withWebApp { history, _, client in
            var d = Visitor()
            try await d.login(client, "daniel")
            let s1 = try await d.post(client, "/payees/E1101/inquiries", [("run", "1"), ("line", "the pool"), ("question", "Why 92%?")]).status
            XCTAssertEqual(s1, .seeOther)
            // A line that is not on the statement, or a run without the payee, is refused.
            let s2 = try await d.post(client, "/payees/E1101/inquiries", [("run", "1"), ("line", "salary of E1102"), ("question", "?")]).status
            XCTAssertEqual(s2, .badRequest)
            var f = Visitor()
            try await f.login(client, "fiona")
            let list = try await f.get(client, "/inquiries").text
            XCTAssertTrue(list.contains("Why 92%?") && list.contains("the pool"))
            let s3 = try await f.post(client, "/inquiries/1/answer", [("text", "Q3 payouts exceeded the pool")]).status
            XCTAssertEqual(s3, .seeOther)
            let s4 = try await f.post(client, "/inquiries/1/resolve", [("text", "")]).status
            XCTAssertEqual(s4, .seeOther)
            let s5 = try await f.post(client, "/inquiries/1/answer", [("text", "late")]).status
            XCTAssertEqual(s5, .conflict)
            let q = try history.store.inquiry(1)!
            XCTAssertEqual(q.state, .resolved)
            XCTAssertEqual(q.messages.map(\.kind), [.question, .answer, .resolve])
            XCTAssertEqual(q.messages.map(\.by), ["daniel", "fiona", "fiona"])
            let page = try await d.get(client, "/payees/E1101").text
            XCTAssertTrue(page.contains("answer by fiona") && page.contains("Q3 payouts exceeded the pool"))
        }
    }

    func testADraftsErrorsAreShownAtTheirLines() async throws {
        try await withWebApp { history, _, client in
            var h = Visitor()
            try await h.login(client, "harry")
            var draft = try WebFixture.file("plans/cro-reference-program.yaml").text
            draft = draft.replacingOccurrences(of: "curve: capacity-tiers }", with: "curve: capacity-tierz }")
            let line = draft.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("capacity-tierz") }! + 1
            let r = try await h.post(client, "/plans/check", [("plan", draft), ("run", "1")])
            XCTAssertEqual(r.status, .ok)
            let loaded = Pipeline.loadPlan(InputFile(path: "draft.yaml", bytes: Array(draft.utf8)), loadFile: WebFixture.loader)
            let error = loaded.diagnostics.first { $0.severity == .error }!
            XCTAssertEqual(error.location?.line, line)
            XCTAssertTrue(r.text.contains("<li class=\"has-error\" id=\"line-\(line)\">"), r.text)
            XCTAssertTrue(r.text.contains("draft.yaml:\(line):\(error.location!.column): error: "), r.text)
            // The plan as it is: valid, compared with run 1's plan on run 1's inputs, and saved on record.
            let ok = try await h.post(client, "/plans/check", [("plan", try WebFixture.file("plans/cro-reference-program.yaml").text), ("run", "1")])
            XCTAssertTrue(ok.text.contains("id=\"draft-ok\""))
            XCTAssertTrue(ok.text.contains("id=\"comparison\""))
            XCTAssertTrue(ok.text.contains("id=\"unit-chart\"") && ok.text.contains("<title>in force: "), "the chart by unit")
            let saved = try await h.post(client, "/plans/save", [("plan", try WebFixture.file("plans/cro-reference-program.yaml").text), ("effective", "2026-07-01")])
            XCTAssertEqual(saved.status, .ok, saved.text)
            XCTAssertEqual(try history.store.planVersions().map(\.version), ["2026.1"])
            XCTAssertTrue(try history.store.auditLog().contains { $0.action == "plan saved" && $0.username == "harry" })
        }
    }

    func testASimulationShowsSimulatesPercentilesAndHowOftenThePoolBinds() async throws {
        try await withWebApp { history, _, client in
            var h = Visitor()
            try await h.login(client, "harry")
            let scenario = "kpis:\n  reference_fill_rate: { distribution: uniform, min: 80%, max: 110% }\n  reference_capacity: { distribution: normal, mean: 125, sd: 15 }\n"
            let r = try await h.post(client, "/plans/simulate", [("plan", ""), ("scenario", scenario), ("run", "1"), ("runs", "200"), ("seed", "7")])
            XCTAssertEqual(r.status, .ok, r.text)
            let expected = Pipeline.simulate(history.requests[WebFiguresTests.cro]!, scenario: InputFile(path: "scenario.yaml", bytes: Array(scenario.utf8)),
                                             runs: 200, seed: 7, loadFile: WebFixture.loader).result!
            let usd = expected.costs[0]
            XCTAssertTrue(r.text.contains("<strong>P50 <span id=\"p50-USD\">\(usd.p50.grouped)</span></strong>, <strong>P90 \(usd.p90.grouped)</strong>, <strong>P99 \(usd.p99.grouped)</strong>"), r.text)
            XCTAssertTrue(r.text.contains("The pool binds in \(expected.poolBinds!) of 200 runs."))
            XCTAssertEqual(r.text.components(separatedBy: "<rect x=").count - 1, 20, "20 bins")
            // A scenario's error is shown with its place.
            let bad = try await h.post(client, "/plans/simulate", [("plan", ""), ("scenario", "kpis:\n  nope: { distribution: fixed, value: 1 }\n"), ("run", "1")])
            XCTAssertTrue(bad.text.contains("scenario.yaml:2:"), bad.text)
        }
    }
}
