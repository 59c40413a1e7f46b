import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// Input files as bytes: a UTF-8 byte-order mark is accepted everywhere; NUL bytes,
/// invalid UTF-8 and (in YAML) control characters are each reported where they are, all
/// at once up to a cap; YAML files too deep or whose aliases expand too far are one
/// located error, quickly.
final class TextInputTests: XCTestCase {
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let none: PlanParser.FileLoader = { path in .failure(PlanParser.FileLoadError("no such file (\(path))")) }

    func plan(_ name: String = "01-scorecard-basics") throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try Conformance.folder(name).appendingPathComponent("plan.yaml")))
    }

    func parsePlan(_ bytes: [UInt8], okrs: [UInt8]? = nil) -> (Plan?, [String]) {
        let (p, d) = PlanParser.parse(bytes: bytes, file: "plan.yaml") { path in
            guard let okrs, path == "okrs.yaml" else { return .failure(PlanParser.FileLoadError("no such file (\(path))")) }
            return PlanParser.okrSetText(okrs, path: path)
        }
        return (p, d.map(\.description))
    }

    // MARK: Byte-order mark

    func testAPlanMayStartWithAByteOrderMarkAndKeepsItsColumns() throws {
        let text = try plan()
        let (p, d) = parsePlan(Self.bom + text)
        XCTAssertNotNil(p, d.joined(separator: "\n"))
        // A document start marker and a directive after the mark (libyaml alone misread them).
        XCTAssertNotNil(parsePlan(Self.bom + Array("%YAML 1.1\n---\n".utf8) + text).0)
        // Line 1's columns are those an editor shows (the mark is not a character).
        let bad = Array("plan: Exec_Advocacy\n".utf8) + text.drop { $0 != 10 }.dropFirst()
        let expected = "plan.yaml:1:7: error: plan id 'Exec_Advocacy' must be lower-case letters, digits and '-', starting with a letter or digit"
        XCTAssertEqual(parsePlan(bad).1, [expected])
        XCTAssertEqual(parsePlan(Self.bom + bad).1, [expected])
    }

    func testAnOKRSetAndAScenarioMayStartWithAByteOrderMark() throws {
        let planText = String(decoding: try plan(), as: UTF8.self)
            .replacingOccurrences(of: "\nkpis:", with: "\nokrs: okrs.yaml\nkpis:")
        let okrs = Array("okrs:\n  - { id: o, objective: x, key_results: [{ id: k, kpi: nrr, start: 0, target: 1, weight: 100% }] }\n".utf8)
        let (p, d) = parsePlan(Array(planText.utf8), okrs: Self.bom + okrs)
        XCTAssertEqual(d, [])
        XCTAssertEqual(p?.objectives.map(\.id), ["o"])
        XCTAssertEqual(parsePlan(Array(planText.utf8), okrs: Self.bom + Array("okrz: []\n".utf8)).1,
                       ["okrs.yaml:1:1: error: unknown key 'okrz' in an OKR set file (it holds only 'okrs:'); did you mean 'okrs'? (allowed: okrs)"])

        let scenario = Array("scenario: s\nkpis: { nrr: { distribution: fixed, value: 1 } }\n".utf8)
        let (s, sd) = ScenarioParser.parse(bytes: Self.bom + scenario, file: "s.yaml")
        XCTAssertEqual(sd.map(\.description), [])
        XCTAssertEqual(s?.name, "s")
        XCTAssertEqual(ScenarioParser.parse(bytes: Self.bom + Array("kpis: { nrr: { distribution: fixd, value: 1 } }\n".utf8), file: "s.yaml").1.map(\.description),
                       ["s.yaml:1:30: error: distribution must be one of fixed, uniform, triangular, normal, lognormal; found 'fixd'; did you mean 'fixed'?"])
    }

    func testCSVFilesMayStartWithAByteOrderMark() throws {
        // The header's first column is found (the mark is not part of its name), and cells
        // keep their lines and CSV columns.
        var d: [Diagnostic] = []
        let roster = RosterReader.read(file: "roster.csv", bytes: Self.bom + Array("payee_id,name,currency\nE1,Ann,USD\nE2,Bob,XXX\n".utf8), diagnostics: &d)
        XCTAssertEqual(roster.payees.map(\.id), ["E1", "E2"])
        XCTAssertEqual(d.map(\.description), ["roster.csv:3:3: error: unknown currency 'XXX' (expected an ISO 4217 code such as USD, EUR, JPY)"])
        d = []
        let actuals = ActualsReader.read(file: "actuals.csv", bytes: Self.bom + Array("period,scope,kpi,value\n2026-Q1,company,nrr,1.01\n".utf8), diagnostics: &d)
        XCTAssertEqual(d.map(\.description), [])
        XCTAssertEqual(actuals.rows.count, 1)
        d = []
        let events = EventsReader.read(file: "events.csv", bytes: Self.bom + Array("""
            event_id,date,type,advocate_id,credited_to,solicited,source
            V1,2026-01-05,review,A1,E1,yes,system

            """.utf8), diagnostics: &d)
        XCTAssertEqual(d.map(\.description), [])
        XCTAssertEqual(events.events.count, 1)
    }

    // MARK: NUL, invalid UTF-8, control characters

    func testANulByteInAPlanIsReportedWhereItIs() throws {
        var text = try plan()
        // Line 12 is "  review_velocity:"; put a NUL after "review".
        var line = 1, i = 0
        while line < 12 { if text[i] == 10 { line += 1 }; i += 1 }
        XCTAssertEqual(String(decoding: text[i..<i + 18], as: UTF8.self), "  review_velocity:")
        text.insert(0, at: i + 8)
        XCTAssertEqual(parsePlan(text).1, ["plan.yaml:12:9: error: a NUL byte (0x00) is not allowed in a plan"])
    }

    func testEveryBadByteOfAYAMLFileIsReportedAtOnceAtItsCharacterColumn() throws {
        var bytes = Array("plan: caf\u{E9}-\u{1B}[2J\r\nversion: \"2026\u{9B}1\"\n\ttitle: x\u{7F}\n".utf8)
        bytes.insert(contentsOf: [0xFF, 0xFE], at: 12)  // after "plan: café-" (11 characters, 12 bytes)
        bytes += [0x6E, 0xC3, 0x28, 0x0A, 0x00]  // an incomplete sequence, then a NUL on line 5
        XCTAssertEqual(parsePlan(bytes).1, [
            "plan.yaml:1:12: error: invalid UTF-8 bytes 0xFF 0xFE in a plan (save the file as UTF-8)",
            "plan.yaml:1:14: error: control character U+001B is not allowed in a plan (YAML allows tabs and line breaks, no other control characters)",
            "plan.yaml:2:15: error: control character U+009B is not allowed in a plan (YAML allows tabs and line breaks, no other control characters)",
            "plan.yaml:3:10: error: control character U+007F is not allowed in a plan (YAML allows tabs and line breaks, no other control characters)",
            "plan.yaml:4:2: error: invalid UTF-8 byte 0xC3 in a plan (save the file as UTF-8)",
            "plan.yaml:5:1: error: a NUL byte (0x00) is not allowed in a plan",
        ])
        // The same text, valid UTF-8, given as a string: the same places.
        let (_, d) = PlanParser.parse(text: "plan: x\n\n  y: \u{0}\u{1}\n", file: "p.yaml", loadFile: none)
        XCTAssertEqual(d.map(\.description), [
            "p.yaml:3:6: error: a NUL byte (0x00) is not allowed in a plan",
            "p.yaml:3:7: error: control character U+0001 is not allowed in a plan (YAML allows tabs and line breaks, no other control characters)",
        ])
    }

    func testAnOKRSetAndAScenarioWithBadBytesAreLocatedInThem() throws {
        let planText = String(decoding: try plan(), as: UTF8.self).replacingOccurrences(of: "\nkpis:", with: "\nokrs: okrs.yaml\nkpis:")
        let (p, d) = parsePlan(Array(planText.utf8), okrs: Array("okrs:\n  - id: o\n    objective: ".utf8) + [0x93, 0x61, 0x94, 10])
        XCTAssertNil(p)
        XCTAssertEqual(d, ["okrs.yaml:3:16: error: invalid UTF-8 byte 0x93 in an OKR set (save the file as UTF-8)",
                           "okrs.yaml:3:18: error: invalid UTF-8 byte 0x94 in an OKR set (save the file as UTF-8)"])
        XCTAssertEqual(ScenarioParser.parse(bytes: Array("kpis:\n  nrr: ".utf8) + [0, 0x31, 10], file: "s.yaml").1.map(\.description),
                       ["s.yaml:2:8: error: a NUL byte (0x00) is not allowed in a scenario"])
    }

    func testBadBytesInACSVFileAreReportedAtTheirLineAndCSVColumn() throws {
        var bytes = Array("payee_id,name,title\nE1,\"Park, Ada\",C".utf8) + [0, 0x4F, 10]  // line 2, column 3
        bytes += Array("E2,\"Two\nLines ".utf8) + [0xFF] + Array(", still the name\",x\n".utf8)  // line 4, column 2
        bytes += Array("E3,B".utf8) + [0xC3, 0x28] + Array("b,".utf8) + [0xE2, 0x82] + [10]  // line 5: columns 2 and 3
        var d: [Diagnostic] = []
        let roster = RosterReader.read(file: "roster.csv", bytes: bytes, diagnostics: &d)
        XCTAssertEqual(d.map(\.description), [
            "roster.csv:2:3: error: a NUL byte (0x00) is not allowed in a roster",
            "roster.csv:4:2: error: invalid UTF-8 byte 0xFF in a roster (save the file as UTF-8)",
            "roster.csv:5:2: error: invalid UTF-8 byte 0xC3 in a roster (save the file as UTF-8)",
            "roster.csv:5:3: error: invalid UTF-8 bytes 0xE2 0x82 in a roster (save the file as UTF-8)",
        ])
        XCTAssertEqual(roster.payees.map(\.id), ["E1", "E2", "E3"], "the rest of the file is still read")
        d = []
        _ = ActualsReader.read(file: "actuals.csv", bytes: Array("period,scope,kpi,value\n2026-Q1,company,nrr,1".utf8) + [0, 10], diagnostics: &d)
        XCTAssertEqual(d.first?.description, "actuals.csv:2:4: error: a NUL byte (0x00) is not allowed in an actuals file")
        d = []
        _ = EventsReader.read(file: "events.csv", bytes: Array("event_id,date,type\n".utf8) + [0xC0, 0xAF, 10], diagnostics: &d)
        XCTAssertEqual(d.first?.description, "events.csv:2:1: error: invalid UTF-8 bytes 0xC0 0xAF in an events file (save the file as UTF-8)")
    }

    func testABinaryFileGetsTwentyErrorsAndACount() throws {
        var bytes: [UInt8] = Array("a,b\n".utf8)
        for i in 0..<1000 { bytes += [0, 0x2C, 0xFF, UInt8(i % 2 == 0 ? 0x2C : 0x0A)] }
        var d: [Diagnostic] = []
        _ = CSVTable(file: "x.csv", bytes: bytes, diagnostics: &d)
        let encoding = d.filter { $0.message.contains("NUL") || $0.message.contains("UTF-8") }
        XCTAssertEqual(encoding.count, TextEncoding.maxListed)
        XCTAssertEqual(encoding.last?.notes.map(\.message), ["and 1980 more such bytes or characters in x.csv, not listed"])
        XCTAssertEqual(encoding.prefix(3).map { $0.location?.description }, ["x.csv:2:1", "x.csv:2:2", "x.csv:2:3"])
        let (_, planDiagnostics) = parsePlan([UInt8](repeating: 0, count: 100_000))
        XCTAssertEqual(planDiagnostics.count, 20)
        XCTAssertTrue(planDiagnostics[19].hasSuffix("\nnote: and 99980 more such bytes or characters in plan.yaml, not listed"), planDiagnostics[19])
    }

    // MARK: YAML limits

    func testDeepNestingIsOneLocatedErrorNotACrash() throws {
        let started = Date()
        XCTAssertEqual(parsePlan(Array(String(repeating: "[", count: 100_000).utf8)).1,
                       ["plan.yaml:1:1: error: lists and mappings nest more than 100 levels deep here; at most 100 are allowed in a plan"])
        XCTAssertEqual(parsePlan(Array(("plan: x\nkpis: " + String(repeating: "{a: ", count: 101) + "1" + String(repeating: "}", count: 101)).utf8)).1,
                       ["plan.yaml:2:403: error: lists and mappings nest more than 100 levels deep here; at most 100 are allowed in a plan"])
        let blocks = (0..<200).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n"
        XCTAssertEqual(parsePlan(Array(blocks.utf8)).1,
                       ["plan.yaml:101:101: error: lists and mappings nest more than 100 levels deep here; at most 100 are allowed in a plan"])
        XCTAssertEqual(parsePlan(Array(String(repeating: "- ", count: 100_000).utf8)).1,
                       ["plan.yaml:1:201: error: lists and mappings nest more than 100 levels deep here; at most 100 are allowed in a plan"])
        // 100 levels are allowed (and are then only the wrong type).
        XCTAssertTrue(parsePlan(Array(("title: " + String(repeating: "[", count: 99) + String(repeating: "]", count: 99)).utf8)).1
                        .contains("plan.yaml:1:8: error: title must be text, found a list"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    /// 10 levels of anchors, each 10 aliases of the one before: 10^10 nodes once expanded.
    static func billionLaughs(_ levels: Int) -> String {
        var s = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<levels { s += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        return s
    }

    func testAnAliasBombIsOneLocatedErrorQuickly() throws {
        let started = Date()
        let expected = "error: aliases expand to more than 100000 YAML nodes by here (each *name repeats all that &name holds, and repeats of repeats multiply); at most 100000 are allowed in a plan"
        XCTAssertEqual(parsePlan(Array(Self.billionLaughs(10).utf8)).1, ["plan.yaml:5:45: " + expected])
        // As mapping keys (which Yams hashes with the aliases expanded: minutes without the limit).
        let keys = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + (1..<7).map { i in "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined()
        XCTAssertEqual(parsePlan(Array((keys + "k: {? *l6 : 1, ? *l6 : 2}\n").utf8)).1, ["plan.yaml:5:45: " + expected])
        // Through the plan's own structure: components of measures of curves of points.
        let walk = """
            p: &p [[80%, 50%], [100%, 100%], [120%, 150%]]
            c: &c { points: [*p, *p, *p, *p, *p, *p, *p, *p, *p, *p] }
            m: &m [{kpi: a, weight: 1, curve: *c}, {kpi: a, weight: 1, curve: *c}, {kpi: a, weight: 1, curve: *c}, {kpi: a, weight: 1, curve: *c}]
            components: [{id: x, weight: 1, measures: *m}, {id: x, weight: 1, measures: *m}, {id: x, weight: 1, measures: *m}]

            """
        XCTAssertFalse(parsePlan(Array(walk.utf8)).1.contains { $0.contains("aliases expand") }, "a few aliases are fine")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }
}
