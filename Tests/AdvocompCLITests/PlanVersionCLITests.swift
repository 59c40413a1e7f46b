import Foundation
import XCTest
@testable import AdvocompKit
@testable import AdvocompStore
import AdvocompTestSupport

/// The `plans` commands with `calculate --plan-id`, run through the built advocomp
/// (PlanVersionTests checks the version choice and the line diff in-process).
final class PlanVersionCLITests: XCTestCase {
    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-plans-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: try Conformance.folder("01-scorecard-basics"), to: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(f).path)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func advocomp(_ args: [String], in dir: URL) throws -> CLI.Run {
        try CLI.run(CLI.binary, args, in: dir)
    }

    func testStoringListingShowingAndCalculatingWithPlanVersions() throws {
        let dir = try workspace()
        let original = try String(contentsOf: dir.appendingPathComponent("plan.yaml"), encoding: .utf8)
        let changed = original.replacingOccurrences(of: "version: \"2026.1\"", with: "version: \"2026.2\"")
            .replacingOccurrences(of: "reference_fill_rate: { unit: percent, target: 90% }", with: "reference_fill_rate: { unit: percent, target: 95% }")
        try changed.write(to: dir.appendingPathComponent("plan-2.yaml"), atomically: true, encoding: .utf8)

        XCTAssertEqual(try advocomp(["plans", "add", "plan.yaml", "--effective", "2026-01-01"], in: dir).stdout,
                       "stored plan exec-advocacy version 2026.1, in effect from 2026-01-01\n")
        XCTAssertEqual(try advocomp(["plans", "add", "plan-2.yaml", "--effective", "2026-04-01"], in: dir).stdout,
                       "stored plan exec-advocacy version 2026.2, in effect from 2026-04-01\n")
        XCTAssertEqual(try advocomp(["plans", "add", "plan-2.yaml", "--effective", "2026-04-01"], in: dir).stdout,
                       "plan exec-advocacy version 2026.2 is already stored, in effect from 2026-04-01\n")
        // A version label is stored once; a day has one version.
        try (changed + "\n# edited\n").write(to: dir.appendingPathComponent("plan-3.yaml"), atomically: true, encoding: .utf8)
        let relabel = try advocomp(["plans", "add", "plan-3.yaml", "--effective", "2026-07-01"], in: dir)
        XCTAssertEqual(relabel.status, 1)
        XCTAssertEqual(relabel.stderr, "advocomp.db: error: version 2026.2 of plan exec-advocacy is already stored with other content (give the changed plan a new version)\n1 error\n")
        // An invalid plan is not stored: its errors are printed as validate prints them.
        try "plan: exec-advocacy\nversion: \"9\"\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try advocomp(["plans", "add", "bad.yaml", "--effective", "2026-10-01"], in: dir)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("bad.yaml:"), bad.stderr)

        let list = try advocomp(["plans", "list"], in: dir).stdout.split(separator: "\n")
        XCTAssertEqual(list.count, 3)
        XCTAssertTrue(list[1].hasPrefix("exec-advocacy  2026.1   2026-01-01"), String(list[1]))
        XCTAssertTrue(list[2].hasPrefix("exec-advocacy  2026.2   2026-04-01"), String(list[2]))

        let shown = try advocomp(["plans", "show", "exec-advocacy", "--as-of", "2026-03-31"], in: dir)
        XCTAssertEqual(shown.stdout, original)
        XCTAssertTrue(shown.stderr.hasPrefix("plan exec-advocacy version 2026.1, in effect from 2026-01-01, from plan.yaml"), shown.stderr)
        XCTAssertEqual(try advocomp(["plans", "show", "exec-advocacy"], in: dir).stdout, changed)

        let diff = try advocomp(["plans", "diff", "exec-advocacy", "2026.1", "2026.2"], in: dir).stdout
        XCTAssertTrue(diff.hasPrefix("--- exec-advocacy 2026.1 (effective 2026-01-01)\n+++ exec-advocacy 2026.2 (effective 2026-04-01)\n"), diff)
        XCTAssertTrue(diff.contains("\n-version: \"2026.1\"\n+version: \"2026.2\"\n"), diff)
        XCTAssertTrue(diff.contains("\n-  reference_fill_rate: { unit: percent, target: 90% }\n+  reference_fill_rate: { unit: percent, target: 95% }\n"), diff)

        // calculate --plan-id takes the version in effect; the run records it.
        let base = ["--roster", "roster.csv", "--actuals", "actuals.csv", "--format", "csv"]
        let q1 = try advocomp(["calculate", "--plan-id", "exec-advocacy", "--period", "2026-Q1"] + base, in: dir)
        XCTAssertEqual(q1.status, 0, q1.stderr)
        XCTAssertEqual(q1.stdout, try advocomp(["calculate", "--no-db", "--plan", "plan.yaml", "--period", "2026-Q1"] + base, in: dir).stdout)
        let store = try RunStore(path: dir.appendingPathComponent("advocomp.db").path, create: false)
        XCTAssertEqual(try store.summary(1)?.planVersion, "2026.1")
        let early = try advocomp(["calculate", "--plan-id", "exec-advocacy", "--period", "2025-Q4"] + base, in: dir)
        XCTAssertEqual(early.status, 1)
        XCTAssertEqual(early.stderr, "advocomp.db: error: plan exec-advocacy has no version in effect for 2025-Q4 (stored: 2026.1 from 2026-01-01, 2026.2 from 2026-04-01)\n1 error\n")
        let both = try advocomp(["calculate", "--plan-id", "exec-advocacy", "--plan", "plan.yaml", "--period", "2026-Q1"] + base, in: dir)
        // The file and the stored version are the same plan: one run calculates it once.
        XCTAssertEqual(both.status, 1)
        XCTAssertTrue(both.stderr.contains("plan.yaml:1:1: error: plan 'exec-advocacy' is also in "), both.stderr)
        let neither = try advocomp(["calculate", "--period", "2026-Q1"] + base, in: dir)
        XCTAssertEqual(neither.status, 64)
        XCTAssertTrue(neither.stderr.contains("give the plan as --plan FILE or as --plan-id ID"), neither.stderr)
        let unknown = try advocomp(["calculate", "--plan-id", "nope", "--period", "2026-Q1"] + base, in: dir)
        XCTAssertEqual(unknown.stderr, "advocomp.db: error: plan nope has no stored versions (advocomp plans add FILE --effective DATE)\n1 error\n")
    }
}
