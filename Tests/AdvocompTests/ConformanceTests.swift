import Foundation
import XCTest
@testable import AdvocompKit

/// Runs the conformance cases (copied from ../shared/conformance into Fixtures/conformance)
/// in-process, with the same rules as the `run-cases` script:
/// - a success case compares payee_id, status, currency and target_incentive exactly,
///   and payout against `payout` or, when given, `payout_alt`;
/// - an error case needs no result, a diagnostic in the `error_at` file within the line
///   range, and every `error_mentions` word in the rendered diagnostics.
final class ConformanceTests: XCTestCase {
    /// The cases this file has a test method for; `testEveryCaseFolderHasATest` keeps it
    /// in step with the fixture folders.
    static let knownCases = [
        "01-scorecard-basics", "02-okr-and-modifiers", "03-currencies-pool-formulas", "04-ledger-gaming",
        "05-escalation", "90-weights-do-not-sum", "91-unknown-kpi", "92-bad-expression", "93-bad-number-in-csv",
        "94-duplicate-actual", "95-missing-actual", "96-misspelt-key",
    ]

    func test01ScorecardBasics() throws { try runCase("01-scorecard-basics") }
    func test02OKRAndModifiers() throws { try runCase("02-okr-and-modifiers") }
    func test03CurrenciesPoolFormulas() throws { try runCase("03-currencies-pool-formulas") }
    func test04LedgerGaming() throws { try runCase("04-ledger-gaming") }
    func test05Escalation() throws { try runCase("05-escalation") }
    func test90WeightsDoNotSum() throws { try runCase("90-weights-do-not-sum") }
    func test91UnknownKPI() throws { try runCase("91-unknown-kpi") }
    func test92BadExpression() throws { try runCase("92-bad-expression") }
    func test93BadNumberInCSV() throws { try runCase("93-bad-number-in-csv") }
    func test94DuplicateActual() throws { try runCase("94-duplicate-actual") }
    func test95MissingActual() throws { try runCase("95-missing-actual") }
    func test96MisspeltKey() throws { try runCase("96-misspelt-key") }

    func testEveryCaseFolderHasATest() throws {
        let found = try Self.caseFolders().map(\.lastPathComponent).sorted()
        XCTAssertEqual(found, Self.knownCases.sorted(),
                       "the conformance fixture folders and the test methods above have drifted apart")
    }

    /// The error cases also pin the exact first diagnostic, so a regression in wording
    /// or location shows up here and not only as a "line within range" failure.
    func testErrorCaseMessages() throws {
        let expected: [String: String] = [
            "90-weights-do-not-sum": "plan.yaml:30:7: error: measure weights sum to 90%, not 100%",
            "91-unknown-kpi": "plan.yaml:32:16: error: unknown KPI 'net_promoter' in component 'scorecard'",
            "92-bad-expression": "plan.yaml:45:28: error: when 'nrr >= (100% and': the expression ends where a value is expected",
            "93-bad-number-in-csv": "actuals.csv:6:4: error: value '1,01' is not a valid number: thousands separators are not allowed (write 1000, not 1,000)",
            "94-duplicate-actual": "actuals.csv:9:1: error: duplicate actual for nrr at company in 2026-Q1 (first given on line 6)\nactuals.csv:6:1: note: first given here",
            "96-misspelt-key": "plan.yaml:30:46: error: unknown key 'curv' in measure; did you mean 'curve'? (allowed: kpi, weight, curve)",
        ]
        for (name, message) in expected.sorted(by: { $0.key < $1.key }) {
            let outcome = try Self.outcome(of: try Self.folder(name))
            XCTAssertNil(outcome.result, name)
            XCTAssertEqual(TestSupport.errors(outcome.diagnostics), [message], name)
        }
    }

    func testMissingActualMessage() throws {
        let outcome = try Self.outcome(of: try Self.folder("95-missing-actual"))
        XCTAssertEqual(TestSupport.errors(outcome.diagnostics), [
            "plan.yaml:12:3: error: no actual for KPI 'review_velocity' at unit:smb in 2026-Q1, needed by payee E002\n"
                + "note: add a row '2026-Q1,unit:smb,review_velocity,VALUE' to actuals.csv, or set 'missing: zero' on the KPI",
        ])
    }

    // MARK: Machinery

    static func root() throws -> URL {
        guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw CaseError("Fixtures missing from the test bundle (Tests/AdvocompTests/Fixtures)")
        }
        return fixtures.appendingPathComponent("conformance", isDirectory: true)
    }

    static func caseFolders() throws -> [URL] {
        let root = try root()
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        return names.sorted().map { root.appendingPathComponent($0, isDirectory: true) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("case.yaml").path) }
    }

    static func folder(_ name: String) throws -> URL {
        let url = try root().appendingPathComponent(name, isDirectory: true)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("case.yaml").path) else {
            throw CaseError("conformance case \(name) is not in the test bundle")
        }
        return url
    }

    struct CaseError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// case.yaml is flat `key: value` lines; `#` starts a comment (as in run-cases).
    static func readCase(_ dir: URL) throws -> [String: String] {
        let text = try String(contentsOf: dir.appendingPathComponent("case.yaml"), encoding: .utf8)
        var out: [String: String] = [:]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            out[key] = value
        }
        return out
    }

    static func file(_ dir: URL, _ name: String) throws -> InputFile {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        // Named as the CLI would see it when run from the case folder.
        return InputFile(path: name, bytes: [UInt8](data))
    }

    static func outcome(of dir: URL, recordFigures: Bool = false) throws -> CalculationOutcome {
        let c = try readCase(dir)
        guard let plan = c["plan"], let roster = c["roster"], let actuals = c["actuals"], let period = c["period"] else {
            throw CaseError("\(dir.lastPathComponent)/case.yaml lacks plan, roster, actuals or period")
        }
        let request = CalculationRequest(plan: try file(dir, plan), roster: try file(dir, roster),
                                         actuals: try file(dir, actuals), period: period,
                                         recordFigures: recordFigures, events: try c["events"].map { try file(dir, $0) })
        return Pipeline.calculate(request) { path in
            // Paths arrive resolved against the plan's name ("plan.yaml"), i.e. relative to the case folder.
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(path).path) else {
                return .failure(PlanParser.FileLoadError("no such file (\(path))"))
            }
            return .success(String(decoding: data, as: UTF8.self))
        }
    }

    /// A minimal CSV reader for expected.csv and the report (no quoted fields occur).
    static func records(_ text: String) -> [[String: String]] {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().filter { !$0.isEmpty }.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, h) in header.enumerated() { row[h] = i < cells.count ? cells[i] : "" }
            return row
        }
    }

    func runCase(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try Self.folder(name)
        let c = try Self.readCase(dir)
        let outcome = try Self.outcome(of: dir)
        let stderr = outcome.diagnostics.map(\.description).joined(separator: "\n")

        if c["expect"] == "error" {
            XCTAssertNil(outcome.result, "\(name): expected an error, got a result", file: file, line: line)
            XCTAssertTrue(outcome.diagnostics.hasErrors, "\(name): expected at least one error diagnostic", file: file, line: line)
            if let at = c["error_at"] {
                guard let colon = at.lastIndex(of: ":") else {
                    return XCTFail("\(name): bad error_at '\(at)'", file: file, line: line)
                }
                let fname = String(at[..<colon])
                let range = at[at.index(after: colon)...].split(separator: "-").compactMap { Int($0) }
                let lo = range.first ?? 0, hi = range.count > 1 ? range[1] : lo
                let lines = outcome.diagnostics.flatMap { d -> [Int] in
                    var locs = [d.location].compactMap { $0 }
                    locs += d.notes.compactMap(\.location)
                    return locs.filter { $0.file.hasSuffix(fname) }.map(\.line)
                }
                XCTAssertTrue(lines.contains { lo <= $0 && $0 <= hi },
                              "\(name): no diagnostic at \(at); diagnostics:\n\(stderr)", file: file, line: line)
            }
            for word in (c["error_mentions"] ?? "").split(separator: " ") {
                XCTAssertTrue(stderr.contains(word), "\(name): diagnostics do not mention '\(word)':\n\(stderr)",
                              file: file, line: line)
            }
            return
        }

        guard let result = outcome.result else {
            return XCTFail("\(name): expected a result, got:\n\(stderr)", file: file, line: line)
        }
        XCTAssertFalse(outcome.diagnostics.hasErrors, "\(name): a result with errors:\n\(stderr)", file: file, line: line)
        let got = Self.records(CSVReport.render(result))
        let wantText = try String(contentsOf: dir.appendingPathComponent("expected.csv"), encoding: .utf8)
        let want = Self.records(wantText)
        XCTAssertEqual(got.count, want.count, "\(name): \(got.count) rows, expected \(want.count)", file: file, line: line)
        for (g, w) in zip(got, want) {
            let id = w["payee_id"] ?? "?"
            for k in ["payee_id", "status", "currency", "target_incentive"] {
                XCTAssertEqual(g[k], w[k], "\(name): \(id): \(k)", file: file, line: line)
            }
            let alt = w["payout_alt"].flatMap { $0.isEmpty ? nil : $0 }
            let ok = g["payout"] == w["payout"] || (alt != nil && g["payout"] == alt)
            XCTAssertTrue(ok, "\(name): \(id): payout is \(g["payout"] ?? "nil"), expected \(w["payout"] ?? "")"
                          + (alt.map { " or \($0)" } ?? ""), file: file, line: line)
        }
    }
}
