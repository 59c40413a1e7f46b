import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

final class RoundingTests: XCTestCase {
    private func r(_ s: String, _ places: Int, _ mode: RoundingMode, file: StaticString = #filePath, line: UInt = #line) -> String {
        do { return try s.d.rounded(places: places, mode: mode).formatted(places: places) } catch {
            XCTFail("rounding \(s) threw \(error)", file: file, line: line)
            return ""
        }
    }

    // MARK: USD (2 digits)

    func testTwoDigitTies() {
        // half-even: ties to the even neighbour
        XCTAssertEqual(r("2.345", 2, .halfEven), "2.34")
        XCTAssertEqual(r("2.355", 2, .halfEven), "2.36")
        XCTAssertEqual(r("0.005", 2, .halfEven), "0.00")
        XCTAssertEqual(r("0.015", 2, .halfEven), "0.02")
        XCTAssertEqual(r("-2.345", 2, .halfEven), "-2.34")
        XCTAssertEqual(r("-2.355", 2, .halfEven), "-2.36")
        XCTAssertEqual(r("14390.625", 2, .halfEven), "14390.62")
        // half-up: ties away from zero
        XCTAssertEqual(r("2.345", 2, .halfUp), "2.35")
        XCTAssertEqual(r("2.355", 2, .halfUp), "2.36")
        XCTAssertEqual(r("0.005", 2, .halfUp), "0.01")
        XCTAssertEqual(r("-2.345", 2, .halfUp), "-2.35")
        XCTAssertEqual(r("-0.005", 2, .halfUp), "-0.01")
        XCTAssertEqual(r("14390.625", 2, .halfUp), "14390.63")
    }

    func testTwoDigitNonTies() {
        for mode in [RoundingMode.halfEven, .halfUp] {
            XCTAssertEqual(r("2.344999999999999999", 2, mode), "2.34", "\(mode)")
            XCTAssertEqual(r("2.345000000000000001", 2, mode), "2.35", "\(mode)")
            XCTAssertEqual(r("2.3449", 2, mode), "2.34", "\(mode)")
            XCTAssertEqual(r("2.3351", 2, mode), "2.34", "\(mode)")
            XCTAssertEqual(r("-2.345000000000000001", 2, mode), "-2.35", "\(mode)")
            XCTAssertEqual(r("-2.344999999999999999", 2, mode), "-2.34", "\(mode)")
            XCTAssertEqual(r("7", 2, mode), "7.00", "\(mode)")
            XCTAssertEqual(r("7.1", 2, mode), "7.10", "\(mode)")
        }
    }

    // MARK: JPY (0 digits)

    func testZeroDigitTies() {
        XCTAssertEqual(r("0.5", 0, .halfEven), "0")
        XCTAssertEqual(r("1.5", 0, .halfEven), "2")
        XCTAssertEqual(r("2.5", 0, .halfEven), "2")
        XCTAssertEqual(r("1000.5", 0, .halfEven), "1000")
        XCTAssertEqual(r("-2.5", 0, .halfEven), "-2")
        XCTAssertEqual(r("-3.5", 0, .halfEven), "-4")
        XCTAssertEqual(r("0.5", 0, .halfUp), "1")
        XCTAssertEqual(r("2.5", 0, .halfUp), "3")
        XCTAssertEqual(r("1000.5", 0, .halfUp), "1001")
        XCTAssertEqual(r("-2.5", 0, .halfUp), "-3")
        XCTAssertEqual(r("-0.5", 0, .halfUp), "-1")
    }

    func testZeroDigitNonTies() {
        for mode in [RoundingMode.halfEven, .halfUp] {
            XCTAssertEqual(r("2.499999999999999999", 0, mode), "2", "\(mode)")
            XCTAssertEqual(r("2.500000000000000001", 0, mode), "3", "\(mode)")
            XCTAssertEqual(r("-2.500000000000000001", 0, mode), "-3", "\(mode)")
            XCTAssertEqual(r("0.49", 0, mode), "0", "\(mode)")
            XCTAssertEqual(r("-0.49", 0, mode), "0", "\(mode)")
        }
    }

    // MARK: BHD (3 digits)

    func testThreeDigitTies() {
        XCTAssertEqual(r("1.0005", 3, .halfEven), "1.000")
        XCTAssertEqual(r("1.0015", 3, .halfEven), "1.002")
        XCTAssertEqual(r("-1.0005", 3, .halfEven), "-1.000")
        XCTAssertEqual(r("-1.0015", 3, .halfEven), "-1.002")
        XCTAssertEqual(r("1.0005", 3, .halfUp), "1.001")
        XCTAssertEqual(r("1.0015", 3, .halfUp), "1.002")
        XCTAssertEqual(r("-1.0005", 3, .halfUp), "-1.001")
    }

    func testThreeDigitNonTies() {
        for mode in [RoundingMode.halfEven, .halfUp] {
            XCTAssertEqual(r("1.000499999999999999", 3, mode), "1.000", "\(mode)")
            XCTAssertEqual(r("1.000500000000000001", 3, mode), "1.001", "\(mode)")
            XCTAssertEqual(r("-1.000500000000000001", 3, mode), "-1.001", "\(mode)")
        }
    }

    func testRoundingKeepsEighteenDigitsAndDownMode() throws {
        XCTAssertEqual(try "0.123456789012345678".d.rounded(places: 18, mode: .halfUp), "0.123456789012345678".d)
        XCTAssertEqual(try "0.000000000000000005".d.rounded(places: 17, mode: .halfEven), .zero)
        XCTAssertEqual(try "0.000000000000000005".d.rounded(places: 17, mode: .halfUp), "0.00000000000000001".d)
        // .down is toward negative infinity
        XCTAssertEqual(try "2.349".d.rounded(places: 2, mode: .down), "2.34".d)
        XCTAssertEqual(try "-2.341".d.rounded(places: 2, mode: .down), "-2.35".d)
        XCTAssertEqual(try "-2.34".d.rounded(places: 2, mode: .down), "-2.34".d)
    }

    func testCurrencyMinorUnits() {
        XCTAssertEqual(Currency(code: "USD")?.minorDigits, 2)
        XCTAssertEqual(Currency(code: "EUR")?.minorDigits, 2)
        XCTAssertEqual(Currency(code: "JPY")?.minorDigits, 0)
        XCTAssertEqual(Currency(code: "KRW")?.minorDigits, 0)
        XCTAssertEqual(Currency(code: "ISK")?.minorDigits, 0)
        XCTAssertEqual(Currency(code: "CLP")?.minorDigits, 0)
        XCTAssertEqual(Currency(code: "BHD")?.minorDigits, 3)
        XCTAssertEqual(Currency(code: "KWD")?.minorDigits, 3)
        XCTAssertEqual(Currency(code: "OMR")?.minorDigits, 3)
        XCTAssertEqual(Currency(code: "JOD")?.minorDigits, 3)
        XCTAssertEqual(Currency(code: "TND")?.minorDigits, 3)
        XCTAssertNil(Currency(code: "usd"))
        XCTAssertNil(Currency(code: "XXX"))
        XCTAssertNil(Currency(code: ""))
    }

    // MARK: End to end

    /// A year plan with one payee-scope KPI and no curve: the payout is
    /// target_bonus * actual / 100, which lands on exact ties.
    static func tiePlan(rounding: String) -> String {
        """
        plan: ties
        version: "1"
        currency: JPY
        pays: year
        rounding: \(rounding)
        kpis:
          sales: { scope: payee, target: 100 }
        components:
          - id: main
            weight: 100%
            measures:
              - { kpi: sales, weight: 100% }
        """
    }

    static let tieRoster = """
        payee_id,currency,target_bonus
        J1,JPY,1000
        J2,JPY,1000
        J3,JPY,1000
        J4,,2000
        B1,BHD,1
        B2,BHD,1
        B3,BHD,10
        """

    static let tieActuals = """
        period,scope,kpi,value
        2026-FY,payee:J1,sales,100.05
        2026-FY,payee:J2,sales,100.15
        2026-FY,payee:J3,sales,100.25
        2026-FY,payee:J4,sales,100.025
        2026-FY,payee:B1,sales,100.05
        2026-FY,payee:B2,sales,100.15
        2026-FY,payee:B3,sales,100.005
        """

    func testPayoutTiesHalfEvenEndToEnd() {
        // J1 1000.5, J2 1001.5, J3 1002.5, J4 2000.5 (JPY, the plan currency); B1 1.0005, B2 1.0015, B3 10.0005
        let rows = csvRows(plan: Self.tiePlan(rounding: "half-even"), roster: Self.tieRoster,
                           actuals: Self.tieActuals, period: "2026-FY")
        XCTAssertEqual(rows, [
            "B1,ok,BHD,1.000,1.000",
            "B2,ok,BHD,1.000,1.002",
            "B3,ok,BHD,10.000,10.000",
            "J1,ok,JPY,1000,1000",
            "J2,ok,JPY,1000,1002",
            "J3,ok,JPY,1000,1002",
            "J4,ok,JPY,2000,2000",
        ])
    }

    func testPayoutTiesHalfUpEndToEnd() {
        let rows = csvRows(plan: Self.tiePlan(rounding: "half-up"), roster: Self.tieRoster,
                           actuals: Self.tieActuals, period: "2026-FY")
        XCTAssertEqual(rows, [
            "B1,ok,BHD,1.000,1.001",
            "B2,ok,BHD,1.000,1.002",
            "B3,ok,BHD,10.000,10.001",
            "J1,ok,JPY,1000,1001",
            "J2,ok,JPY,1000,1002",
            "J3,ok,JPY,1000,1003",
            "J4,ok,JPY,2000,2001",
        ])
    }

    /// The target incentive shown is rounded the same way as the payout (SPEC 7):
    /// 2001 JPY a year paid per half is 1000.5 a half.
    func testTargetIncentiveTieEndToEnd() {
        let plan = """
            plan: ties
            version: "1"
            currency: JPY
            pays: half
            rounding: ROUNDING
            kpis:
              sales: { target: 100 }
            components:
              - id: main
                weight: 100%
                measures:
                  - { kpi: sales, weight: 100% }
            """
        let roster = "payee_id,target_bonus,currency\nJ1,2001,\nB1,0.001,BHD\n"
        let actuals = "period,scope,kpi,value\n2026-H1,company,sales,100\n"
        // B1: 0.001 a year is 0.0005 a half: a tie at the third digit.
        XCTAssertEqual(csvRows(plan: plan.replacingOccurrences(of: "ROUNDING", with: "half-even"),
                               roster: roster, actuals: actuals, period: "2026-H1"),
                       ["B1,ok,BHD,0.000,0.000", "J1,ok,JPY,1000,1000"])
        XCTAssertEqual(csvRows(plan: plan.replacingOccurrences(of: "ROUNDING", with: "half-up"),
                               roster: roster, actuals: actuals, period: "2026-H1"),
                       ["B1,ok,BHD,0.001,0.001", "J1,ok,JPY,1001,1001"])
    }

    func testRoundingDefaultsToHalfEvenAndRejectsOtherModes() {
        let plan = Self.tiePlan(rounding: "half-even").replacingOccurrences(of: "rounding: half-even\n", with: "")
        let rows = csvRows(plan: plan, roster: Self.tieRoster, actuals: Self.tieActuals, period: "2026-FY")
        XCTAssertEqual(rows.first { $0.hasPrefix("J1,") }, "J1,ok,JPY,1000,1000")
        let (p, d) = TestSupport.parsePlan(Self.tiePlan(rounding: "half-down"))
        XCTAssertNil(p)
        XCTAssertEqual(TestSupport.errors(d), [
            "plan.yaml:5:11: error: rounding must be half-even or half-up; found 'half-down'; did you mean 'half-even'?",
        ])
    }
}

/// Money rounding settles arithmetic noise at 10 decimals before the mode decides.
final class MoneyRoundingTests: XCTestCase {
    func testTieReachedThroughADivisionIsDecidedAsExactArithmeticWould() throws {
        // 13125 x 1.096428571428571427 is 14390.625 exactly in real arithmetic.
        XCTAssertEqual(try "14390.624999999999979375".d.roundedMoney(places: 2, mode: .halfEven), "14390.62".d)
        XCTAssertEqual(try "14390.625000000000021".d.roundedMoney(places: 2, mode: .halfEven), "14390.62".d)
        XCTAssertEqual(try "14390.624999999999979375".d.roundedMoney(places: 2, mode: .halfUp), "14390.63".d)
        XCTAssertEqual(try "2.499999999999999999".d.roundedMoney(places: 0, mode: .halfEven), "2".d)   // JPY
        XCTAssertEqual(try "2.499999999999999999".d.roundedMoney(places: 0, mode: .halfUp), "3".d)
        XCTAssertEqual(try "1.0044999999999999".d.roundedMoney(places: 3, mode: .halfUp), "1.005".d)   // BHD
    }

    func testValuesThatAreNotTiesAreUntouched() throws {
        // 1e-10 above a tie is not noise: it rounds up in both modes.
        XCTAssertEqual(try "0.0050000001".d.roundedMoney(places: 2, mode: .halfEven), "0.01".d)
        XCTAssertEqual(try "0.0049999999".d.roundedMoney(places: 2, mode: .halfUp), "0".d)
        XCTAssertEqual(try "37089.285714285714237".d.roundedMoney(places: 2, mode: .halfEven), "37089.29".d)
    }
}
