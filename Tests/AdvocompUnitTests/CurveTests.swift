import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

final class CurveTests: XCTestCase {
    private func curve(_ points: [(String, String)], _ interpolate: Curve.Interpolation = .linear,
                       below: String = "0", above: Curve.Above = .cap) -> Curve {
        Curve(name: "t", points: points.map { Curve.Point(x: $0.0.d, y: $0.1.d) }, interpolate: interpolate,
              below: below.d, above: above)
    }

    private func at(_ c: Curve, _ x: String, file: StaticString = #filePath, line: UInt = #line) -> FixedDecimal? {
        do { return try c.value(at: x.d) } catch {
            XCTFail("value(at: \(x)) threw \(error)", file: file, line: line)
            return nil
        }
    }

    /// [[80%, 50%], [100%, 100%], [120%, 150%]], the SPEC's `standard` curve.
    private var standard: Curve { curve([("80%", "50%"), ("100%", "100%"), ("120%", "150%")]) }

    // MARK: linear

    func testLinearBetweenPoints() {
        XCTAssertEqual(at(standard, "90%"), "75%".d)
        XCTAssertEqual(at(standard, "110%"), "125%".d)
        XCTAssertEqual(at(standard, "85%"), "62.5%".d)
        XCTAssertEqual(at(standard, "119%"), "147.5%".d)
        // 93% of the way: 0.5 + (0.93 - 0.8) * 0.5 / 0.2 = 0.825
        XCTAssertEqual(at(standard, "0.93"), "0.825".d)
        // Uneven segment: (0, 0) to (0.3, 1) at 0.1 is 1/3, rounded at the 18th digit.
        let third = curve([("0", "0"), ("0.3", "1")])
        XCTAssertEqual(at(third, "0.1"), "0.333333333333333333".d)
        XCTAssertEqual(at(third, "0.2"), "0.666666666666666667".d)
        // A falling segment interpolates too.
        let falling = curve([("0", "1"), ("1", "0.5")])
        XCTAssertEqual(at(falling, "0.5"), "0.75".d)
    }

    func testLinearExactlyAtPoints() {
        XCTAssertEqual(at(standard, "80%"), "50%".d)
        XCTAssertEqual(at(standard, "100%"), "100%".d)
        XCTAssertEqual(at(standard, "120%"), "150%".d)
    }

    func testBelowFirstPoint() {
        XCTAssertEqual(at(standard, "0.799999999999999999"), .zero)
        XCTAssertEqual(at(standard, "0"), .zero)
        XCTAssertEqual(at(standard, "-1"), .zero)
        let withBelow = curve([("80%", "50%"), ("100%", "100%")], below: "20%")
        XCTAssertEqual(at(withBelow, "0.799999999999999999"), "0.2".d)
        XCTAssertEqual(at(withBelow, "-5"), "0.2".d)
        XCTAssertEqual(at(withBelow, "80%"), "0.5".d)  // the first point itself is not "below"
    }

    func testBeyondLastPointCap() {
        XCTAssertEqual(at(standard, "120.000000000000000001"), "150%".d)
        XCTAssertEqual(at(standard, "130%"), "150%".d)
        XCTAssertEqual(at(standard, "1000"), "150%".d)
    }

    func testBeyondLastPointExtend() {
        let c = curve([("80%", "50%"), ("100%", "100%"), ("120%", "150%")], above: .extend)
        XCTAssertEqual(at(c, "130%"), "175%".d)  // slope 2.5 continued from the last segment
        XCTAssertEqual(at(c, "200%"), "350%".d)
        XCTAssertEqual(at(c, "120%"), "150%".d)
        XCTAssertEqual(at(c, "110%"), "125%".d)  // inside, unaffected
        // The lift curve of conformance case 03.
        let lift = curve([("50%", "40%"), ("100%", "100%"), ("150%", "160%")], above: .extend)
        XCTAssertEqual(at(lift, "175%"), "190%".d)
        XCTAssertEqual(at(lift, "125%"), "130%".d)
    }

    func testExtendWithOnePointActsAsCap() {
        let c = curve([("100%", "100%")], above: .extend)
        XCTAssertEqual(at(c, "150%"), "1".d)
        XCTAssertEqual(at(c, "100%"), "1".d)
        XCTAssertEqual(at(c, "99%"), .zero)
        let withBelow = curve([("100%", "100%")], below: "0.3", above: .extend)
        XCTAssertEqual(at(withBelow, "99%"), "0.3".d)
    }

    // MARK: step

    /// [[50%, 25%], [80%, 60%], [100%, 100%], [110%, 125%]], the `tiers` curve of case 02.
    private var tiers: Curve { curve([("50%", "25%"), ("80%", "60%"), ("100%", "100%"), ("110%", "125%")], .step) }

    func testStepAtPoints() {
        XCTAssertEqual(at(tiers, "50%"), "25%".d)
        XCTAssertEqual(at(tiers, "80%"), "60%".d)
        XCTAssertEqual(at(tiers, "100%"), "100%".d)
        XCTAssertEqual(at(tiers, "110%"), "125%".d)
    }

    func testStepBetweenPoints() {
        XCTAssertEqual(at(tiers, "0.5000001"), "25%".d)
        XCTAssertEqual(at(tiers, "0.799999999999999999"), "25%".d)
        XCTAssertEqual(at(tiers, "90%"), "60%".d)
        XCTAssertEqual(at(tiers, "1.099999999999999999"), "100%".d)
    }

    func testStepBelowAndAbove() {
        XCTAssertEqual(at(tiers, "0.499999999999999999"), .zero)
        XCTAssertEqual(at(tiers, "-1"), .zero)
        let withBelow = curve([("50%", "25%"), ("80%", "60%")], .step, below: "10%")
        XCTAssertEqual(at(withBelow, "40%"), "10%".d)
        XCTAssertEqual(at(tiers, "111%"), "125%".d)
        XCTAssertEqual(at(tiers, "500%"), "125%".d)
    }

    func testStepWithExtendActsAsCap() {
        let c = curve([("50%", "25%"), ("80%", "60%"), ("100%", "100%"), ("110%", "125%")], .step, above: .extend)
        XCTAssertEqual(at(c, "150%"), "125%".d)
        XCTAssertEqual(at(c, "110%"), "125%".d)
        XCTAssertEqual(at(c, "105%"), "100%".d)
    }

    // MARK: Through the plan parser

    func testCurveKeysAreParsed() throws {
        let plan = """
            plan: curves
            version: "1"
            currency: USD
            kpis:
              k: { target: 100 }
            curves:
              lin: { points: [[80%, 50%], [100%, 100%]], below: 10%, above: extend }
              stp: { interpolate: step, points: [[50%, 25%], [100%, 100%]] }
            components:
              - id: a
                weight: 100%
                measures:
                  - { kpi: k, weight: 50%, curve: lin }
                  - { kpi: k, weight: 50%, curve: stp }
            """
        let (p, d) = TestSupport.parsePlan(plan)
        XCTAssertEqual(TestSupport.errors(d), [])
        let lin = try XCTUnwrap(p?.curves["lin"])
        XCTAssertEqual(lin.interpolate, .linear)
        XCTAssertEqual(lin.below, "0.1".d)
        XCTAssertEqual(lin.above, .extend)
        XCTAssertEqual(lin.points, [Curve.Point(x: "0.8".d, y: "0.5".d), Curve.Point(x: "1".d, y: "1".d)])
        let stp = try XCTUnwrap(p?.curves["stp"])
        XCTAssertEqual(stp.interpolate, .step)
        XCTAssertEqual(stp.below, .zero)  // default
        XCTAssertEqual(stp.above, .cap)  // default
        XCTAssertEqual(at(lin, "1.2"), "1.5".d)
        XCTAssertEqual(at(lin, "0.5"), "0.1".d)
    }

    func testExtendOnAFallingLastSegmentIsRejected() {
        let plan = """
            plan: curves
            version: "1"
            currency: USD
            kpis:
              k: { target: 100 }
            curves:
              down: { points: [[80%, 100%], [100%, 50%]], above: extend }
            components:
              - { id: a, weight: 100%, measures: [{ kpi: k, weight: 100%, curve: down }] }
            """
        let (p, d) = TestSupport.parsePlan(plan)
        XCTAssertNil(p)
        XCTAssertEqual(TestSupport.errors(d).first,
                       "plan.yaml:7:54: error: above: extend continues a falling last segment, which would reach negative factors")
    }
}
