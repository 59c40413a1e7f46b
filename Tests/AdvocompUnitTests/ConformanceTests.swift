import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// Runs the conformance cases (copied from ../shared/conformance into the test support's
/// Fixtures/conformance; the machinery is `Conformance`) in-process, with the same rules as the `run-cases` script:
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
        let found = try Conformance.caseFolders().map(\.lastPathComponent).sorted()
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
            let outcome = try Conformance.outcome(of: try Conformance.folder(name))
            XCTAssertNil(outcome.result, name)
            XCTAssertEqual(TestSupport.errors(outcome.diagnostics), [message], name)
        }
    }

    func testMissingActualMessage() throws {
        let outcome = try Conformance.outcome(of: try Conformance.folder("95-missing-actual"))
        XCTAssertEqual(TestSupport.errors(outcome.diagnostics), [
            "plan.yaml:12:3: error: no actual for KPI 'review_velocity' at unit:smb in 2026-Q1, needed by payee E002\n"
                + "note: add a row '2026-Q1,unit:smb,review_velocity,VALUE' to actuals.csv, or set 'missing: zero' on the KPI",
        ])
    }

    func runCase(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try Conformance.folder(name)
        let c = try Conformance.readCase(dir)
        let outcome = try Conformance.outcome(of: dir)
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
        let got = Conformance.records(CSVReport.render(result))
        let wantText = try String(contentsOf: dir.appendingPathComponent("expected.csv"), encoding: .utf8)
        let want = Conformance.records(wantText)
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
