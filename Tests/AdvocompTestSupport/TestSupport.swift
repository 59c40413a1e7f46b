import Foundation
import XCTest
import AdvocompKit

/// Shared helpers: run the pipeline on in-memory files, read results and diagnostics.
public enum TestSupport {
    /// The test support's resource bundle: `Fixtures` (conformance cases, the fuzzer's
    /// recorded inputs, a history written by the previous advocomp).
    public static var bundle: Bundle { .module }

    /// Runs `Pipeline.calculate` on inline file contents. `extraFiles` are served to the
    /// plan's file loader (OKR sets), keyed by the path the plan parser asks for.
    public static func calculate(plan: String, roster: String, actuals: String, period: String,
                          extraFiles: [String: String] = [:],
                          planPath: String = "plan.yaml", rosterPath: String = "roster.csv",
                          actualsPath: String = "actuals.csv") -> CalculationOutcome {
        let request = CalculationRequest(
            plan: InputFile(path: planPath, bytes: Array(plan.utf8)),
            roster: InputFile(path: rosterPath, bytes: Array(roster.utf8)),
            actuals: InputFile(path: actualsPath, bytes: Array(actuals.utf8)),
            period: period)
        return Pipeline.calculate(request) { path in
            if let text = extraFiles[path] { return .success(text) }
            return .failure(PlanParser.FileLoadError("no such file (\(path))"))
        }
    }

    /// Every diagnostic as the CLI prints it (notes on their own lines).
    public static func rendered(_ d: [Diagnostic]) -> [String] { d.map(\.description) }

    /// Only the errors, rendered.
    public static func errors(_ d: [Diagnostic]) -> [String] { d.filter { $0.severity == .error }.map(\.description) }

    /// Parses a plan alone.
    public static func parsePlan(_ text: String, file: String = "plan.yaml",
                          extraFiles: [String: String] = [:]) -> (Plan?, [Diagnostic]) {
        PlanParser.parse(text: text, file: file) { path in
            if let t = extraFiles[path] { return .success(t) }
            return .failure(PlanParser.FileLoadError("no such file (\(path))"))
        }
    }

    public static func dec(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> FixedDecimal {
        switch FixedDecimal.parse(s) {
        case .success(let v): return v
        case .failure(let e):
            XCTFail("bad decimal literal \(s): \(e)", file: file, line: line)
            return .zero
        }
    }
}

/// `"1.5".d` reads as FixedDecimal (test literals only).
extension String {
    public var d: FixedDecimal { TestSupport.dec(self) }
}

extension XCTestCase {
    /// Runs the pipeline and returns the result CSV lines (without header), failing with
    /// every diagnostic if there is no result.
    public func csvRows(plan: String, roster: String, actuals: String, period: String,
                 extraFiles: [String: String] = [:],
                 file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let outcome = TestSupport.calculate(plan: plan, roster: roster, actuals: actuals, period: period,
                                            extraFiles: extraFiles)
        guard let result = outcome.result else {
            XCTFail("expected a result, got:\n" + TestSupport.rendered(outcome.diagnostics).joined(separator: "\n"),
                    file: file, line: line)
            return []
        }
        let lines = CSVReport.render(result).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(lines.first, "payee_id,status,currency,target_incentive,payout", file: file, line: line)
        return Array(lines.dropFirst())
    }

    /// Runs the pipeline and returns the full result, failing with every diagnostic if there is none.
    public func runResult(plan: String, roster: String, actuals: String, period: String,
                   extraFiles: [String: String] = [:],
                   file: StaticString = #filePath, line: UInt = #line) -> RunResult? {
        let outcome = TestSupport.calculate(plan: plan, roster: roster, actuals: actuals, period: period,
                                            extraFiles: extraFiles)
        if outcome.result == nil {
            XCTFail("expected a result, got:\n" + TestSupport.rendered(outcome.diagnostics).joined(separator: "\n"),
                    file: file, line: line)
        }
        return outcome.result
    }

    /// Runs the pipeline expecting failure; returns the rendered error diagnostics.
    public func runErrors(plan: String, roster: String, actuals: String, period: String,
                   extraFiles: [String: String] = [:],
                   file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let outcome = TestSupport.calculate(plan: plan, roster: roster, actuals: actuals, period: period,
                                            extraFiles: extraFiles)
        XCTAssertNil(outcome.result, "expected no result", file: file, line: line)
        XCTAssertTrue(outcome.diagnostics.hasErrors, "expected errors", file: file, line: line)
        return TestSupport.errors(outcome.diagnostics)
    }
}
