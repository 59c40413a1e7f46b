import Foundation
import XCTest
@testable import AdvocompEngine
import AdvocompKit
import AdvocompTestSupport

/// Pilots (issue 17): the pilot file, the difference-in-differences worked out by hand,
/// the seeded bootstrap, and the words for too few observations. The command is in
/// EconomicsCLITests.
final class PilotTests: XCTestCase {
    func testTheDifferenceInDifferencesIsExact() throws {
        let d = try PilotStatistics.diffInDiff(
            pilot: [("A", ["2".d, "4".d], ["6".d]), ("B", ["1".d], ["2".d, "2".d]), ("C", ["5".d], ["5".d])],
            control: [("D", ["1".d], ["1".d]), ("E", ["2".d], ["3".d]), ("F", ["4".d], ["4".d]), ("G", [], ["1".d])],
            resamples: 500, seed: 7)
        XCTAssertEqual(d.pilot.map(\.change), ["3".d, "1".d, .zero])     // 6 - 3, 2 - 1, 5 - 5
        XCTAssertEqual(d.control.map(\.change), [.zero, "1".d, .zero])
        XCTAssertEqual(d.incomplete, ["G"], "no value before: left out")
        XCTAssertEqual(d.pilotBefore, "3".d)                             // (3 + 1 + 5) / 3
        XCTAssertEqual(d.pilotAfter, "4.333333333333333333".d)          // (6 + 2 + 5) / 3
        XCTAssertEqual(d.pilotChange, "1.333333333333333333".d)
        XCTAssertEqual(d.controlChange, "0.333333333333333333".d)
        XCTAssertEqual(d.difference, "1".d)
        let low = try XCTUnwrap(d.low), high = try XCTUnwrap(d.high)
        XCTAssertTrue(low <= high)
        XCTAssertTrue(low >= "-1".d && high <= "3".d, "every resample's statistic lies between the extremes: \(low) to \(high)")
    }

    func testTheBootstrapIsReproducibleFromItsSeed() throws {
        let p: [(id: String, before: [FixedDecimal], after: [FixedDecimal])] = (1...8).map { ("p\($0)", [FixedDecimal($0)], [FixedDecimal($0 * 2)]) }
        let c: [(id: String, before: [FixedDecimal], after: [FixedDecimal])] = (1...9).map { ("c\($0)", [FixedDecimal($0)], [FixedDecimal($0 + 1)]) }
        let a = try PilotStatistics.diffInDiff(pilot: p, control: c, resamples: 1000, seed: 42)
        let b = try PilotStatistics.diffInDiff(pilot: p, control: c, resamples: 1000, seed: 42)
        let other = try PilotStatistics.diffInDiff(pilot: p, control: c, resamples: 1000, seed: 43)
        XCTAssertEqual([a.low, a.high], [b.low, b.high])
        let pc = try p.map { try $0.after[0] - $0.before[0] }, cc = try c.map { try $0.after[0] - $0.before[0] }
        XCTAssertNotEqual(try PilotStatistics.bootstrap(pc, cc, resamples: 50, seed: 42), try PilotStatistics.bootstrap(pc, cc, resamples: 50, seed: 43))
        // Pilot changes 1..8 (mean 4.5), control 1 each: difference 3.5; the interval holds it.
        XCTAssertEqual(a.difference, "3.5".d)
        XCTAssertTrue(try XCTUnwrap(a.low) > .zero && "3.5".d <= a.high!, "\(a.low!) to \(a.high!)")
        XCTAssertEqual(a.verdict, "the pilot's change is above the control's (90% interval above 0)")
        XCTAssertNotNil(other.low)
        // Every member changes alike: every resample gives the same statistic.
        let flat = try PilotStatistics.diffInDiff(pilot: (1...3).map { ("p\($0)", ["1".d], ["3".d]) }, control: (1...3).map { ("c\($0)", ["1".d], ["1".d]) })
        XCTAssertEqual([flat.low, flat.high], ["2".d, "2".d])
    }

    func testTooFewObservationsSayNothing() throws {
        let d = try PilotStatistics.diffInDiff(pilot: [("A", ["1".d], ["2".d]), ("B", ["1".d], ["3".d])],
                                               control: [("C", ["1".d], ["1".d]), ("D", ["1".d], ["1".d]), ("E", ["1".d], ["1".d])])
        XCTAssertTrue(d.tooFew)
        XCTAssertNil(d.low)
        XCTAssertEqual(d.difference, "1.5".d, "the figures are still given")
        XCTAssertEqual(d.verdict, "too few observations to say anything (2 pilot, 3 control; at least 3 in each group needed)")
    }

    func testNearestRank() {
        XCTAssertEqual(PilotStatistics.rank("0.05".d, 2000), 100)
        XCTAssertEqual(PilotStatistics.rank("0.95".d, 2000), 1900)
        XCTAssertEqual(PilotStatistics.rank("0.05".d, 10), 1)    // 0.5 -> 1
        XCTAssertEqual(PilotStatistics.rank("0.95".d, 10), 10)   // 9.5 -> 10
        XCTAssertEqual(PilotStatistics.rank(.zero, 10), 1)
    }

    func testThePilotFileIsReadWithLocatedErrors() throws {
        let good = """
        pilot: p1
        plan: cur
        candidate: cand
        cohort: { units: [east] }
        before: [2026-Q1, 2026-Q2]
        after: 2026-Q3
        advocacy: [calls]
        satisfaction: [csat]
        bootstrap: { resamples: 500, confidence: 95%, seed: 9 }
        """
        let (pilot, d) = PilotParser.parse(bytes: Array(good.utf8), file: "p.yaml")
        XCTAssertEqual(TestSupport.errors(d), [])
        let p = try XCTUnwrap(pilot)
        XCTAssertEqual(p.cohort, .units(["east"]))
        XCTAssertEqual(p.after.map(\.description), ["2026-Q3"])
        XCTAssertEqual([p.resamples, Int(p.seed)], [500, 9])
        XCTAssertEqual(p.confidence, "0.95".d)
        let bad = """
        pilot: p1
        plan: cur
        candidate: cur
        cohort: { units: [east], payees: [E1] }
        before: [2026-Q3]
        after: [2026-Q2, 2026-Q9]
        satisfacton: [csat]
        bootstrap: { confidence: 100% }
        """
        let (none, errors) = PilotParser.parse(bytes: Array(bad.utf8), file: "p.yaml")
        XCTAssertNil(none)
        XCTAssertEqual(TestSupport.errors(errors), [
            "p.yaml:7:1: error: unknown key 'satisfacton' in the pilot; did you mean 'satisfaction'? (allowed: pilot, title, plan, candidate, cohort, before, after, advocacy, satisfaction, bootstrap)",
            "p.yaml:3:12: error: candidate is the current plan 'cur': a pilot compares two plans",
            "p.yaml:4:9: error: cohort takes 'payees' or 'units', not both",
            "p.yaml:6:8: error: after: '2026-Q9' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)",
            "p.yaml:6:8: error: every period after the pilot started must come after every period before it",
            "p.yaml:8:26: error: confidence must be above 0% and below 100%, such as 90%",
        ])
    }
}
