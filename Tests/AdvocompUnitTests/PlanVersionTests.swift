import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompHistory
@testable import AdvocompStore
import AdvocompTestSupport

/// Plan versions: which one a period uses and the line diff between two (the `plans`
/// commands with `calculate --plan-id` are in PlanVersionCLITests).
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
}
