import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// Text from the inputs on a terminal: control characters are shown as `\u{XX}`
/// (`Display.text`) in the table, explain, audit and advocates output, the history
/// listings and every diagnostic, so a name cannot clear the screen; CSV and JSON keep
/// the exact text.
final class TerminalTextTests: XCTestCase, HostileTextFixture {
    func testDisplayTextEscapesC0C1AndDEL() {
        XCTAssertEqual(Display.text(Self.hostileName), Self.shownName)
        XCTAssertEqual(Display.text("a\u{0}b\u{7F}c\n\u{85}\u{9F}"), #"a\u{00}b\u{7F}c\u{0A}\u{85}\u{9F}"#)
        // Printable text is left alone, Unicode included (U+00A0 is not a control).
        for plain in ["Zoë Ødegård", "名前", "a\u{A0}b", "👩🏽‍💼", #"C:\plans\q1"#, ""] { XCTAssertEqual(Display.text(plain), plain) }
        // A backslash that would read as an escape is itself escaped: unambiguous.
        XCTAssertEqual(Display.text(#"\u{1B}"#), #"\u{5C}u{1B}"#)
        XCTAssertEqual(Display.text("\\\u{1B}"), #"\\u{1B}"#)
    }

    func request(roster: String, explain: Set<String> = []) throws -> CalculationRequest {
        let dir = try Conformance.folder("01-scorecard-basics")
        func bytes(_ n: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: dir.appendingPathComponent(n))) }
        return CalculationRequest(plan: InputFile(path: "plan.yaml", bytes: try bytes("plan.yaml")),
                                  roster: InputFile(path: "roster.csv", bytes: Array(roster.utf8)),
                                  actuals: InputFile(path: "actuals.csv", bytes: try bytes("actuals.csv")),
                                  period: "2026-Q1", explain: explain)
    }

    func testTableAndExplainShowANameWithControlCharactersEscaped() throws {
        let outcome = Pipeline.calculate(try request(roster: try hostileRoster(), explain: ["E001"])) { _ in .failure(.init("none")) }
        let run = try XCTUnwrap(outcome.result, TestSupport.rendered(outcome.diagnostics).joined(separator: "\n"))
        XCTAssertEqual(run.payees.first?.payee.name, Self.hostileName, "the data keeps the exact name")

        let table = TableReport.render(run)
        assertNoControlCharacters(table)
        let lines = table.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("payee") })
        let row = try XCTUnwrap(lines.first { $0.hasPrefix("E001") })
        XCTAssertTrue(row.contains(Self.shownName), row)
        // Columns stay aligned: the escaped name is what is measured.
        XCTAssertEqual(row.range(of: "CMO").map { row.distance(from: row.startIndex, to: $0.lowerBound) },
                       header.range(of: "title").map { header.distance(from: header.startIndex, to: $0.lowerBound) })

        let explain = ExplainReport.render(run, payee: try XCTUnwrap(run.payees.first { $0.payee.id == "E001" }))
        assertNoControlCharacters(explain)
        XCTAssertTrue(explain.hasPrefix("Payee E001 \(Self.shownName), CMO, unit enterprise\n"), explain)

        // JSON keeps the exact text, escaped as JSON escapes (C0 only: U+009B stays as is).
        let json = JSONReport.render(run)
        XCTAssertTrue(json.contains(#""name":"Ada\u001b[2J\u0007Park\t\r"# + "\u{9B}1m\""), json)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let payees = try XCTUnwrap(object?["payees"] as? [[String: Any]])
        XCTAssertEqual(payees.first?["name"] as? String, Self.hostileName)
    }

    func testAdvocatesTableShowsAnAdvocateWithControlCharactersEscaped() throws {
        let dir = try Conformance.folder("05-escalation")
        let events = try String(contentsOf: dir.appendingPathComponent("events.csv"), encoding: .utf8)
            .replacingOccurrences(of: ",A2,", with: ",A2\u{1B}]0;pwned\u{07},")
        let (entries, policy, d) = Pipeline.advocates(plan: InputFile(path: "plan.yaml", bytes: [UInt8](try Data(contentsOf: dir.appendingPathComponent("plan.yaml")))),
                                                      events: InputFile(path: "events.csv", bytes: Array(events.utf8)),
                                                      asOf: "2026-03-31") { _ in .failure(.init("none")) }
        XCTAssertEqual(TestSupport.errors(d), [])
        let text = AdvocatesReport.table(entries, policy: try XCTUnwrap(policy), asOf: try XCTUnwrap(CivilDate.parse("2026-03-31")))
        assertNoControlCharacters(text)
        XCTAssertTrue(text.contains(#"A2\u{1B}]0;pwned\u{07}"#), text)
        XCTAssertTrue(AdvocatesReport.csv(entries).contains("A2\u{1B}]0;pwned\u{07}"), "CSV keeps the exact id")
    }

    func testADiagnosticQuotingACellShowsItsControlCharactersEscaped() throws {
        let roster = try hostileRoster().replacingOccurrences(of: "E002,Ben Ortiz,CRO,smb,exec-advocacy,USD,", with: "E002,Ben Ortiz,CRO,smb,exec-advocacy,US\u{1B}[2JD,")
        let outcome = Pipeline.calculate(try request(roster: roster)) { _ in .failure(.init("none")) }
        let d = try XCTUnwrap(outcome.diagnostics.first { $0.message.hasPrefix("unknown currency") })
        XCTAssertEqual(d.description, "roster.csv:3:6: error: unknown currency 'US\u{1B}[2JD' (expected an ISO 4217 code such as USD, EUR, JPY)",
                       "the diagnostic keeps the exact text")
        XCTAssertEqual(d.rendered(Display.text), #"roster.csv:3:6: error: unknown currency 'US\u{1B}[2JD' (expected an ISO 4217 code such as USD, EUR, JPY)"#,
                       "and is shown escaped")
        let withNote = Diagnostic.error("duplicate payee_id 'E\u{7}1'", at: SourceLocation(file: "r\u{1B}.csv", line: 3, column: 1),
                                        notes: [.init("first used here \u{9B}", at: SourceLocation(file: "r.csv", line: 2, column: 1))])
        XCTAssertEqual(withNote.rendered(Display.text), #"r\u{1B}.csv:3:1: error: duplicate payee_id 'E\u{07}1'"# + "\n" + #"r.csv:2:1: note: first used here \u{9B}"#)
    }
}
