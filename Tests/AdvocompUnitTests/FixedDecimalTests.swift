import XCTest
@testable import AdvocompModel
import AdvocompTestSupport

final class FixedDecimalTests: XCTestCase {
    private func parse(_ s: String) -> Result<FixedDecimal, NumberSyntaxError> { FixedDecimal.parse(s) }

    private func assertParses(_ s: String, raw: Int128, file: StaticString = #filePath, line: UInt = #line) {
        switch parse(s) {
        case .success(let v): XCTAssertEqual(v.raw, raw, "parse(\(s.debugDescription))", file: file, line: line)
        case .failure(let e): XCTFail("parse(\(s.debugDescription)) failed: \(e)", file: file, line: line)
        }
    }

    private func assertRejects(_ s: String, _ error: NumberSyntaxError, file: StaticString = #filePath, line: UInt = #line) {
        switch parse(s) {
        case .success(let v): XCTFail("parse(\(s.debugDescription)) gave \(v), expected \(error)", file: file, line: line)
        case .failure(let e): XCTAssertEqual(e, error, "parse(\(s.debugDescription))", file: file, line: line)
        }
    }

    static let e18: Int128 = 1_000_000_000_000_000_000

    // MARK: Parsing

    func testParsesValidForms() {
        let e18 = Self.e18
        assertParses("0", raw: 0)
        assertParses("12", raw: 12 * e18)
        assertParses("105%", raw: 1_050_000_000_000_000_000)
        assertParses("+3", raw: 3 * e18)
        assertParses("-0.5", raw: -500_000_000_000_000_000)
        assertParses(".5", raw: 500_000_000_000_000_000)
        assertParses("-.25", raw: -250_000_000_000_000_000)
        assertParses("0.123456789012345678", raw: 123_456_789_012_345_678)
        assertParses("-0.000000000000000001", raw: -1)
        assertParses("1.05", raw: 1_050_000_000_000_000_000)
        assertParses("007.50", raw: 7_500_000_000_000_000_000)
        assertParses("12.5%", raw: 125_000_000_000_000_000)
        assertParses("-3%", raw: -30_000_000_000_000_000)
        assertParses("0.0000000000000001%", raw: 1)  // 16 decimals + 2 for the percent = 18
        assertParses("1500000", raw: 1_500_000 * e18)
        // Trailing zeros beyond the 18th digit carry no value and are accepted.
        assertParses("1.0000000000000000000000", raw: e18)
        // The largest magnitude: 20 integer digits and 18 decimals.
        assertParses("99999999999999999999.999999999999999999", raw: Int128(10).power(38) - 1)
        assertParses("-99999999999999999999.999999999999999999", raw: -(Int128(10).power(38) - 1))
        // 22 integer digits are fine with a percent: the value has 20.
        assertParses("9999999999999999999999%", raw: (Int128(10).power(22) - 1) * Int128(10).power(16))
    }

    func testRejectsInvalidForms() {
        assertRejects("", .empty)
        assertRejects("-", .empty)
        assertRejects("12abc", .invalid)
        assertRejects("1,000", .thousandsSeparator)
        assertRejects("1e5", .exponent)
        assertRejects("1.5E6", .exponent)
        assertRejects("0.1234567890123456789", .tooManyDecimals)  // 19 decimals
        assertRejects("0.12345678901234567%", .tooManyDecimals)  // 17 + 2 = 19
        assertRejects("123456789012345678901", .tooLarge)  // 21 integer digits
        assertRejects("100000000000000000000", .tooLarge)  // 10^20
        assertRejects("1.2.3", .invalid)
        assertRejects("%", .invalid)
        assertRejects("5%%", .invalid)
        assertRejects("%5", .invalid)
        assertRejects(" 1", .invalid)
        assertRejects("1 ", .invalid)
        assertRejects("--1", .invalid)
        assertRejects("abc", .invalid)
        assertRejects("e5", .invalid)
        assertRejects(".", .invalid)
    }

    func testSyntaxErrorDescriptions() {
        XCTAssertEqual(NumberSyntaxError.empty.description, "expected a number, found nothing")
        XCTAssertEqual(NumberSyntaxError.thousandsSeparator.description, "thousands separators are not allowed (write 1000, not 1,000)")
        XCTAssertEqual(NumberSyntaxError.exponent.description, "exponent notation is not allowed (write 1500000, not 1.5e6)")
        XCTAssertEqual(NumberSyntaxError.tooManyDecimals.description, "more than 18 decimal places")
        XCTAssertEqual(NumberSyntaxError.tooLarge.description, "number too large (at most 20 integer digits)")
        XCTAssertEqual(NumberSyntaxError.invalid.description, "not a number")
        XCTAssertEqual(ArithmeticError.overflow.description, "number out of range (more than 10^20)")
        XCTAssertEqual(ArithmeticError.divisionByZero.description, "division by zero")
    }

    // MARK: Formatting

    func testFormatted() {
        XCTAssertEqual("12.5".d.formatted(places: 2), "12.50")
        XCTAssertEqual("12".d.formatted(places: 2), "12.00")
        XCTAssertEqual("12".d.formatted(places: 0), "12")
        XCTAssertEqual("0.5".d.formatted(places: 0), "0")  // half-even
        XCTAssertEqual("1.5".d.formatted(places: 0), "2")
        XCTAssertEqual("2.675".d.formatted(places: 2), "2.68")
        XCTAssertEqual("2.665".d.formatted(places: 2), "2.66")
        XCTAssertEqual("-0.004".d.formatted(places: 2), "0.00")  // no negative zero
        XCTAssertEqual("-0.005".d.formatted(places: 2), "0.00")
        XCTAssertEqual("-0.015".d.formatted(places: 2), "-0.02")
        XCTAssertEqual("-1234.5".d.formatted(places: 3), "-1234.500")
        XCTAssertEqual("0.000000000000000001".d.formatted(places: 18), "0.000000000000000001")
        XCTAssertEqual("99999999999999999999.999999999999999999".d.formatted(places: 18),
                       "99999999999999999999.999999999999999999")
    }

    func testDescription() {
        XCTAssertEqual(FixedDecimal.zero.description, "0")
        XCTAssertEqual("1.05".d.description, "1.05")
        XCTAssertEqual("105%".d.description, "1.05")
        XCTAssertEqual(FixedDecimal(-3).description, "-3")
        XCTAssertEqual("-0.5".d.description, "-0.5")
        XCTAssertEqual("1500000".d.description, "1500000")
        XCTAssertEqual("0.000000000000000001".d.description, "0.000000000000000001")
        XCTAssertEqual(try ("1".d / "3".d).description, "0.333333333333333333")
        XCTAssertEqual("100.10".d.description, "100.1")
        XCTAssertEqual(FixedDecimal(raw: Int128.max).description, "170141183460469231731.687303715884105727")
        XCTAssertEqual(FixedDecimal(raw: Int128.min + 1).description, "-170141183460469231731.687303715884105727")
    }

    func testPercentString() {
        XCTAssertEqual("1.05".d.percentString(), "105%")
        XCTAssertEqual("0.9".d.percentString(maxPlaces: 6), "90%")
        XCTAssertEqual(try ("4".d / "3".d).percentString(), "133.33%")
        XCTAssertEqual(try ("2".d / "3".d).percentString(), "66.67%")
    }

    func testIntegerHelpers() {
        XCTAssertEqual("12".d.exactInt, 12)
        XCTAssertNil("12.5".d.exactInt)
        XCTAssertTrue("-4".d.isInteger)
        XCTAssertFalse("0.000000000000000001".d.isInteger)
        XCTAssertEqual(try FixedDecimal(units: 1234, places: 2), "12.34".d)
        XCTAssertEqual(try FixedDecimal(units: -5, places: 0), "-5".d)
        XCTAssertEqual(try "12.345".d.units(places: 2), 1234)  // half-even
        XCTAssertEqual(try "12.355".d.units(places: 2), 1236)
        XCTAssertThrowsError(try FixedDecimal(units: Int128.max, places: 0)) {
            XCTAssertEqual($0 as? ArithmeticError, .overflow)
        }
    }

    // MARK: Arithmetic

    func testAddSubtract() throws {
        XCTAssertEqual(try "1.05".d + "2.95".d, "4".d)
        XCTAssertEqual(try "0.1".d + "0.2".d, "0.3".d)  // exact, unlike binary floating point
        XCTAssertEqual(try "-1.5".d + "0.25".d, "-1.25".d)
        XCTAssertEqual(try "1".d - "1.000000000000000001".d, "-0.000000000000000001".d)
        XCTAssertEqual(try "-3".d - "-3".d, .zero)
        XCTAssertEqual(try -"2.5".d, "-2.5".d)
        XCTAssertEqual(try -(-"2.5".d), "2.5".d)
    }

    func testMultiplyExact() throws {
        XCTAssertEqual(try "1.5".d * "2".d, "3".d)
        XCTAssertEqual(try "-1.5".d * "2".d, "-3".d)
        XCTAssertEqual(try "-1.5".d * "-2".d, "3".d)
        XCTAssertEqual(try "310000".d * "40%".d, "124000".d)
        XCTAssertEqual(try "0.000000001".d * "0.000000001".d, "0.000000000000000001".d)
        XCTAssertEqual(try "123456789.123456789".d * "1000".d, "123456789123.456789".d)
        XCTAssertEqual(try "0".d * "-5".d, .zero)
        XCTAssertEqual(try "99999999999".d * "999999999".d, "99999999899000000001".d)
    }

    func testMultiplyRoundsHalfEvenAtThe18thDigit() throws {
        // 5e-19: a tie, rounds to the even 0.
        XCTAssertEqual(try "0.000000001".d * "0.0000000005".d, .zero)
        // 1.5e-18 -> 2e-18; 2.5e-18 -> 2e-18; 3.5e-18 -> 4e-18
        XCTAssertEqual(try "0.000000001".d * "0.0000000015".d, "0.000000000000000002".d)
        XCTAssertEqual(try "0.000000001".d * "0.0000000025".d, "0.000000000000000002".d)
        XCTAssertEqual(try "0.000000001".d * "0.0000000035".d, "0.000000000000000004".d)
        XCTAssertEqual(try "-0.000000001".d * "0.0000000015".d, "-0.000000000000000002".d)
        XCTAssertEqual(try "-0.000000001".d * "0.0000000025".d, "-0.000000000000000002".d)
        // Not a tie: 1.51e-18 -> 2e-18, 2.49e-18 -> 2e-18
        XCTAssertEqual(try "0.000000001".d * "0.00000000151".d, "0.000000000000000002".d)
        XCTAssertEqual(try "0.000000001".d * "0.00000000249".d, "0.000000000000000002".d)
    }

    func testDivideExact() throws {
        XCTAssertEqual(try "1".d / "4".d, "0.25".d)
        XCTAssertEqual(try "-1".d / "4".d, "-0.25".d)
        XCTAssertEqual(try "1".d / "-4".d, "-0.25".d)
        XCTAssertEqual(try "-1".d / "-4".d, "0.25".d)
        XCTAssertEqual(try "12".d / "18".d * "3".d, "2.000000000000000001".d)  // 0.666666666666666667 * 3
        XCTAssertEqual(try "360000".d / "360".d, "1000".d)
        XCTAssertEqual(try "0".d / "7".d, .zero)
        // Divisors above 2^64 raw (values > 18.446744073709551615) take the two-limb path.
        XCTAssertEqual(try "1500000".d / "1500000".d, "1".d)
        XCTAssertEqual(try "1830000".d / "1500000".d, "1.22".d)
        XCTAssertEqual(try "99999999999999999999".d / "99999999999999999999".d, "1".d)
        XCTAssertEqual(try "50000000000000000000".d / "20".d, "2500000000000000000".d)
        // 10^20 itself cannot be written (21 digits) but is in range as a result.
        XCTAssertEqual(try "50000000000000000000".d / "0.5".d, FixedDecimal(raw: Int128(10).power(38)))
    }

    func testDivideRoundsHalfEvenAtThe18thDigit() throws {
        XCTAssertEqual(try "2".d / "3".d, "0.666666666666666667".d)
        XCTAssertEqual(try "1".d / "3".d, "0.333333333333333333".d)
        XCTAssertEqual(try "-2".d / "3".d, "-0.666666666666666667".d)
        XCTAssertEqual(try "-1".d / "3".d, "-0.333333333333333333".d)
        XCTAssertEqual(try "2".d / "-3".d, "-0.666666666666666667".d)
        // Exact ties at the 19th digit: 1e-18 / 2 = 5e-19 -> 0 (even); 3e-18 / 2 -> 2e-18; 5e-18 / 2 -> 2e-18.
        XCTAssertEqual(try "0.000000000000000001".d / "2".d, .zero)
        XCTAssertEqual(try "0.000000000000000003".d / "2".d, "0.000000000000000002".d)
        XCTAssertEqual(try "0.000000000000000005".d / "2".d, "0.000000000000000002".d)
        XCTAssertEqual(try "0.000000000000000007".d / "2".d, "0.000000000000000004".d)
        XCTAssertEqual(try "-0.000000000000000005".d / "2".d, "-0.000000000000000002".d)
        XCTAssertEqual(try "-0.000000000000000007".d / "2".d, "-0.000000000000000004".d)
        // The same tie with a divisor above 2^64 raw: 0.000000000000000025 / 50 -> 5e-19 -> 0; 75e-18 / 50 = 1.5e-18 -> 2e-18
        XCTAssertEqual(try "0.000000000000000025".d / "50".d, .zero)
        XCTAssertEqual(try "0.000000000000000075".d / "50".d, "0.000000000000000002".d)
        XCTAssertEqual(try "0.000000000000000125".d / "50".d, "0.000000000000000002".d)
        // 2/3 with a two-limb divisor: 40 / 60
        XCTAssertEqual(try "40".d / "60".d, "0.666666666666666667".d)
        XCTAssertEqual(try "-20".d / "60".d, "-0.333333333333333333".d)
    }

    func testOverflowThrows() {
        let max = FixedDecimal(raw: Int128.max)
        let min = FixedDecimal(raw: Int128.min)
        let tiny = FixedDecimal(raw: 1)
        func assertOverflow(_ body: @autoclosure () throws -> FixedDecimal, _ what: String, line: UInt = #line) {
            XCTAssertThrowsError(try body(), what, line: line) {
                XCTAssertEqual($0 as? ArithmeticError, .overflow, what, line: line)
            }
        }
        assertOverflow(try max + tiny, "max + 1e-18")
        assertOverflow(try min - tiny, "min - 1e-18")
        assertOverflow(try -min, "-min")
        assertOverflow(try max * "2".d, "max * 2")
        assertOverflow(try "10000000000".d * "100000000000".d, "1e10 * 1e11")
        assertOverflow(try "-10000000000".d * "100000000000".d, "-1e10 * 1e11")
        assertOverflow(try "99999999999999999999".d / "0.5".d, "1e20 / 0.5")
        assertOverflow(try "1".d / "0.000000000000000001".d * "1000".d, "1e18 * 1000")
        assertOverflow(try max / "0.1".d, "max / 0.1")
        // Just inside the range does not throw.
        XCTAssertNoThrow(try max * "1".d)
        XCTAssertNoThrow(try max / "1".d)
        XCTAssertNoThrow(try "13043817825".d * "13043817825".d)  // 1.7014e20, below Int128.max / 1e18
    }

    func testDivisionByZeroThrows() {
        for a in ["1", "0", "-5", "99999999999999999999"] {
            XCTAssertThrowsError(try a.d / .zero) {
                XCTAssertEqual($0 as? ArithmeticError, .divisionByZero, a)
            }
        }
    }

    func testComparisonAndClamp() {
        XCTAssertLessThan("-1".d, "0.5".d)
        XCTAssertLessThan("0.999999999999999999".d, "1".d)
        XCTAssertEqual("1.5".d.clamped(.zero, .one), .one)
        XCTAssertEqual("-1.5".d.clamped(.zero, .one), .zero)
        XCTAssertEqual("0.5".d.clamped(.zero, .one), "0.5".d)
        XCTAssertEqual("-2.5".d.magnitude, "2.5".d)
        XCTAssertEqual(FixedDecimal.max("1".d, "2".d), "2".d)
        XCTAssertEqual(FixedDecimal.min("1".d, "2".d), "1".d)
    }

    // MARK: Property test against a slow reference

    /// `*` and `/` against a bit-by-bit 256-bit reference, on a few thousand values of
    /// every size: small, around 2^64 raw (the one-limb/two-limb divisor boundary), and large.
    func testMultiplyAndDivideMatchReference() {
        var rng = LCG(seed: 0x5EED_2026)
        var values: [Int128] = [1, 2, 3, 5, 7, 10, 999_999_999_999_999_999, Self.e18, Self.e18 + 1,
                                Int128(UInt64.max), Int128(UInt64.max) + 1, Int128(UInt64.max) - 1,
                                Int128.max, Int128.max - 1, Int128.min, Int128.min + 1,
                                Int128(1) << 64 | 1, (Int128(1) << 100) - 1, Int128(1) << 126]
        values += values.filter { $0 != Int128.min }.map { -$0 }
        for _ in 0..<700 {
            values.append(rng.nextRaw())
        }
        var checked = 0
        var twoLimbDivisors = 0
        var inRange = (mul: 0, div: 0, twoLimbDiv: 0)
        var mismatches: [String] = []
        func check(_ a: Int128, _ b: Int128) {
            let x = FixedDecimal(raw: a), y = FixedDecimal(raw: b)
            let wantMul = Reference.multiply(a, b)
            let gotMul: Int128? = try? (x * y).raw
            if wantMul != nil { inRange.mul += 1 }
            if wantMul != gotMul { mismatches.append("\(a) * \(b): got \(String(describing: gotMul)), want \(String(describing: wantMul))") }
            if b != 0 {
                if b.magnitude > UInt128(UInt64.max) { twoLimbDivisors += 1 }
                let wantDiv = Reference.divide(a, b)
                let gotDiv: Int128? = try? (x / y).raw
                if wantDiv != nil {
                    inRange.div += 1
                    if b.magnitude > UInt128(UInt64.max) { inRange.twoLimbDiv += 1 }
                }
                if wantDiv != gotDiv { mismatches.append("\(a) / \(b): got \(String(describing: gotDiv)), want \(String(describing: wantDiv))") }
            }
            checked += 1
        }
        // Random pairs.
        for _ in 0..<4000 {
            let a = values[Int(rng.next() % UInt64(values.count))]
            let b = values[Int(rng.next() % UInt64(values.count))]
            check(a, b)
        }
        // Pairs whose quotient is near a rounding tie: a = b * k / 2 with b even or odd.
        for _ in 0..<500 {
            let b = rng.nextRaw() >> 8
            if b == 0 { continue }
            let k = Int128(rng.next() % 1000)
            let (p, o) = b.multipliedReportingOverflow(by: k)
            if o { continue }
            check(p / 2, b)
            check(p / 2 + 1, b)
            check(p, 2 * Self.e18)  // exact halves at the 18th digit
        }
        // Exact ties at the 19th digit on both division paths and in multiplication.
        for _ in 0..<300 {
            let q = (rng.nextRaw() >> 8) / 20
            check(20 * q + 10, 20 * Self.e18)  // q + 0.5 (ulps), divisor above 2^64 raw
            check(2 * q + 1, 2 * Self.e18)  // one-limb divisor
            check(2 * q + 1, -2 * Self.e18)
            check(500_000_000_000_000_000, 2 * q + 1)  // 0.5 * odd ulps
            check(-500_000_000_000_000_000, 2 * q + 1)
        }
        XCTAssertGreaterThan(twoLimbDivisors, 1000, "the random values should exercise divisors above 2^64 raw")
        XCTAssertGreaterThan(checked, 4000)
        // Most pairs must give a value, not an overflow, for the comparison to mean something.
        XCTAssertGreaterThan(inRange.mul, 1500, "products in range")
        XCTAssertGreaterThan(inRange.div, 2000, "quotients in range")
        XCTAssertGreaterThan(inRange.twoLimbDiv, 1000, "quotients in range with a divisor above 2^64 raw")
        XCTAssertEqual(mismatches.count, 0, mismatches.prefix(10).joined(separator: "\n"))
    }
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic.
struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        // The high bits of an LCG are the good ones: mix two steps.
        let hi = state >> 32
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return hi << 32 | (state >> 32)
    }

    /// A raw FixedDecimal value with a random magnitude of 1...127 bits and a random sign.
    mutating func nextRaw() -> Int128 {
        let bits = Int(next() % 127) + 1
        let full = UInt128(next()) << 64 | UInt128(next())
        let mag = full >> UInt128(128 - bits)
        let v = Int128(mag)
        return next() & 1 == 0 ? v : -v
    }
}

/// Slow, obviously-correct reference arithmetic: unsigned 256-bit values as
/// (hi, lo) pairs of UInt128, with schoolbook multiplication on 32-bit pieces and
/// restoring (bit-by-bit) division.
enum Reference {
    struct U256: Equatable, Comparable {
        var hi: UInt128
        var lo: UInt128
        static func < (a: U256, b: U256) -> Bool { a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo }

        static func product(_ a: UInt128, _ b: UInt128) -> U256 {
            // Eight 32-bit digits of the result, accumulated digit by digit.
            var x = [UInt64](repeating: 0, count: 4), y = [UInt64](repeating: 0, count: 4)
            for i in 0..<4 {
                x[i] = UInt64(truncatingIfNeeded: a >> UInt128(32 * i)) & 0xFFFF_FFFF
                y[i] = UInt64(truncatingIfNeeded: b >> UInt128(32 * i)) & 0xFFFF_FFFF
            }
            var digits = [UInt64](repeating: 0, count: 9)
            for i in 0..<4 {
                var carry: UInt64 = 0
                for j in 0..<4 {
                    let t = x[i] * y[j] + digits[i + j] + carry  // < 2^64
                    digits[i + j] = t & 0xFFFF_FFFF
                    carry = t >> 32
                }
                digits[i + 4] += carry
            }
            var lo: UInt128 = 0, hi: UInt128 = 0
            for i in 0..<4 { lo |= UInt128(digits[i]) << UInt128(32 * i) }
            for i in 0..<4 { hi |= UInt128(digits[i + 4]) << UInt128(32 * i) }
            return U256(hi: hi, lo: lo)
        }

        func bit(_ i: Int) -> Bool {
            i >= 128 ? (hi >> UInt128(i - 128)) & 1 == 1 : (lo >> UInt128(i)) & 1 == 1
        }
    }

    /// n / d rounded half-even, nil when the quotient needs more than 128 bits.
    static func divideRoundHalfEven(_ n: U256, _ d: UInt128) -> UInt128? {
        precondition(d != 0)
        // Restoring division, one bit at a time; the remainder stays below d < 2^128,
        // but doubling it may need a 129th bit, which `carry` holds.
        var q = U256(hi: 0, lo: 0)
        var r: UInt128 = 0
        for i in stride(from: 255, through: 0, by: -1) {
            let carry = r >> 127 == 1
            r = r << 1 | (n.bit(i) ? 1 : 0)
            if carry || r >= d {
                r = r &- d
                if i >= 128 { q.hi |= 1 << UInt128(i - 128) } else { q.lo |= 1 << UInt128(i) }
            }
        }
        guard q.hi == 0 else { return nil }
        var quotient = q.lo
        // Compare 2r with d without overflow: r vs d - r.
        let rest = d - r
        if r > rest || (r == rest && quotient & 1 == 1) {
            if quotient == UInt128.max { return nil }
            quotient += 1
        }
        return quotient
    }

    static let unit: UInt128 = 1_000_000_000_000_000_000

    static func signed(_ m: UInt128?, negative: Bool) -> Int128? {
        guard let m, m <= UInt128(Int128.max) else { return nil }
        return negative ? -Int128(m) : Int128(m)
    }

    /// raw(a * b) with half-even rounding, nil on overflow.
    static func multiply(_ a: Int128, _ b: Int128) -> Int128? {
        if a == 0 || b == 0 { return 0 }
        let m = divideRoundHalfEven(U256.product(a.magnitude, b.magnitude), unit)
        return signed(m, negative: (a < 0) != (b < 0))
    }

    /// raw(a / b) with half-even rounding, nil on overflow.
    static func divide(_ a: Int128, _ b: Int128) -> Int128? {
        if a == 0 { return 0 }
        let m = divideRoundHalfEven(U256.product(a.magnitude, unit), b.magnitude)
        return signed(m, negative: (a < 0) != (b < 0))
    }
}

extension Int128 {
    func power(_ n: Int) -> Int128 {
        var v: Int128 = 1
        for _ in 0..<n { v *= self }
        return v
    }
}
