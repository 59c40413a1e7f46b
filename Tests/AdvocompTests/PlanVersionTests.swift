import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompHistory
@testable import AdvocompStore

/// Plan versions: which one a period uses, the line diff between two, and the `plans`
/// commands with `calculate --plan-id`.
final class PlanVersionTests: XCTestCase {
    func plan(_ text: String) throws -> Plan {
        let (p, d) = PlanParser.parse(text: text, file: "p.yaml", loadFile: { _ in .failure(PlanParser.FileLoadError("none")) })
        return try XCTUnwrap(p, TestSupport.rendered(d).joined(separator: "\n"))
    }

    static func planText(version: String, fiscalStart: Int = 1, target: String = "40") -> String {
        """
        plan: p
        version: "\(version)"
        currency: USD
        fiscal_year_start_month: \(fiscalStart)
        pays: quarter
        kpis:
          k: { target: \(target) }
        components:
          - id: c
            weight: 100%
            measures:
              - { kpi: k, weight: 100% }
        """
    }

    func testTheVersionInEffectIsTheLatestOnOrBeforeThePeriodsFirstDay() throws {
        let v1 = try plan(Self.planText(version: "1")), v2 = try plan(Self.planText(version: "2"))
        let versions = [(effective: "2026-01-01", plan: v1), (effective: "2026-04-01", plan: v2)]
        func pick(_ p: String) -> Int? { PlanVersionChoice.inEffect(versions, period: Period.parse(p)!) }
        XCTAssertNil(pick("2025-Q4"))
        XCTAssertEqual(pick("2026-Q1"), 0)
        XCTAssertEqual(pick("2026-Q2"), 1, "effective on the first day itself")
        XCTAssertEqual(pick("2026-Q3"), 1)
        XCTAssertEqual(pick("2026-FY"), 0, "a full year starts on 2026-01-01")
        // Order of the list does not matter.
        XCTAssertEqual(PlanVersionChoice.inEffect(versions.reversed(), period: Period.parse("2026-Q3")!), 0)
    }

    func testTheTrueUpTakesTheVersionInEffectOnTheYearsLastDay() throws {
        let v1 = try plan(Self.planText(version: "1")), v2 = try plan(Self.planText(version: "2"))
        let versions = [(effective: "2026-01-01", plan: v1), (effective: "2026-07-01", plan: v2)]
        let year = try XCTUnwrap(Period.parse("2026-FY"))
        XCTAssertEqual(PlanVersionChoice.inEffect(versions, period: year), 0, "on the first day: the January version")
        XCTAssertEqual(PlanVersionChoice.inEffect(versions, period: year, onLastDay: true), 1, "on the last day: the July version")
        XCTAssertNil(PlanVersionChoice.inEffect([(effective: "2027-01-01", plan: v1)], period: year, onLastDay: true))
    }

    func testEachVersionIsJudgedWithItsOwnFiscalYear() throws {
        // A fiscal year from April: its 2026-Q1 is April to June 2026.
        let april = try plan(Self.planText(version: "2", fiscalStart: 4))
        let versions = [(effective: "2026-04-01", plan: april)]
        XCTAssertEqual(PlanVersionChoice.inEffect(versions, period: Period.parse("2026-Q1")!), 0)
        XCTAssertNil(PlanVersionChoice.inEffect(versions, period: Period.parse("2025-Q4")!))
    }

    func testTheLineDiffShowsRemovalsThenAdditionsWithContext() {
        // As `diff -u` gives it: changes more than six lines apart make separate hunks.
        let a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n", b = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n"
        XCTAssertEqual(LineDiff.unified(a, b, fromLabel: "x 1", toLabel: "x 2"), """
            --- x 1
            +++ x 2
            @@ -1,7 +1,7 @@
             a
             b
             c
            -d
            +D
             e
             f
             g
            @@ -11,3 +11,4 @@
             k
             l
             m
            +n

            """)
        // Six unchanged lines between two changes: one hunk.
        XCTAssertEqual(LineDiff.unified("1\n2\n3\n4\n5\n6\n7\n8\n", "0\n2\n3\n4\n5\n6\n7\n9\n", fromLabel: "x", toLabel: "y"),
                       "--- x\n+++ y\n@@ -1,8 +1,8 @@\n-1\n+0\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+9\n")
        XCTAssertEqual(LineDiff.unified(a, a, fromLabel: "x", toLabel: "y"), "")
        XCTAssertEqual(LineDiff.unified("", "new\n", fromLabel: "x", toLabel: "y"), "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+new\n")
    }

    // MARK: Commands

    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-plans-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: try ConformanceTests.folder("01-scorecard-basics"), to: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(f).path)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func advocomp(_ args: [String], in dir: URL) throws -> CLITests.Run {
        try CLITests.run(CLITests.binary, args, in: dir)
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
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.stderr.contains("give the plan as --plan FILE or as --plan-id ID"), both.stderr)
        let unknown = try advocomp(["calculate", "--plan-id", "nope", "--period", "2026-Q1"] + base, in: dir)
        XCTAssertEqual(unknown.stderr, "advocomp.db: error: plan nope has no stored versions (advocomp plans add FILE --effective DATE)\n1 error\n")
    }
}
