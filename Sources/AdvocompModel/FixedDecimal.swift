/// An exact decimal number with 18 fractional digits, stored as a scaled `Int128`.
///
/// Every number on the money path is one of these: KPI actuals, targets, weights,
/// factors and amounts. Addition, subtraction and comparison are exact. A product or
/// quotient keeps 18 fractional digits, rounded half-even at the 18th, which is the
/// precision SPEC section 1 asks for. Integer arithmetic makes it roughly three orders
/// of magnitude faster than `Foundation.Decimal` (see README, "Numbers").
///
/// Arithmetic throws `ArithmeticError` instead of trapping, so an overflow or a
/// division by zero becomes a diagnostic, never a crash.
public struct FixedDecimal: Hashable, Comparable, Sendable {
    /// Number of fractional digits kept.
    public static let scale = 18
    /// 10^18 as the raw value of 1.
    @usableFromInline static let unit: UInt64 = 1_000_000_000_000_000_000

    /// The value times 10^18.
    public var raw: Int128

    @inlinable public init(raw: Int128) { self.raw = raw }

    /// An integer value.
    @inlinable public init(_ value: Int) { raw = Int128(value) * Int128(FixedDecimal.unit) }

    /// `units / 10^places`: for example `FixedDecimal(units: 1234, places: 2)` is 12.34.
    public init(units: Int128, places: Int) throws {
        precondition((0...FixedDecimal.scale).contains(places), "places out of range")
        let (r, o) = units.multipliedReportingOverflow(by: Int128(FixedDecimal.pow10(FixedDecimal.scale - places)))
        if o { throw ArithmeticError.overflow }
        raw = r
    }

    public static let zero = FixedDecimal(raw: 0)
    public static let one = FixedDecimal(raw: Int128(unit))
    public static let hundred = FixedDecimal(100)

    @inlinable public static func < (a: FixedDecimal, b: FixedDecimal) -> Bool { a.raw < b.raw }
    @inlinable public var isZero: Bool { raw == 0 }
    @inlinable public var isNegative: Bool { raw < 0 }
    @inlinable public var signum: Int { raw == 0 ? 0 : (raw < 0 ? -1 : 1) }

    /// True when the value has no fractional part.
    public var isInteger: Bool { raw.magnitude % UInt128(FixedDecimal.unit) == 0 }

    /// The integer part when the value is a whole number that fits an `Int`.
    public var exactInt: Int? {
        guard isInteger else { return nil }
        return Int(exactly: raw / Int128(FixedDecimal.unit))
    }

    // MARK: Arithmetic

    @inlinable
    public static func + (a: FixedDecimal, b: FixedDecimal) throws -> FixedDecimal {
        let (r, o) = a.raw.addingReportingOverflow(b.raw)
        if o { throw ArithmeticError.overflow }
        return FixedDecimal(raw: r)
    }

    @inlinable
    public static func - (a: FixedDecimal, b: FixedDecimal) throws -> FixedDecimal {
        let (r, o) = a.raw.subtractingReportingOverflow(b.raw)
        if o { throw ArithmeticError.overflow }
        return FixedDecimal(raw: r)
    }

    @inlinable
    public static prefix func - (a: FixedDecimal) throws -> FixedDecimal {
        if a.raw == Int128.min { throw ArithmeticError.overflow }
        return FixedDecimal(raw: -a.raw)
    }

    /// Product, rounded half-even at the 18th fractional digit.
    public static func * (a: FixedDecimal, b: FixedDecimal) throws -> FixedDecimal {
        if a.raw == 0 || b.raw == 0 { return .zero }
        let negative = (a.raw < 0) != (b.raw < 0)
        guard let m = WideArithmetic.multiplyThenDivideByUnit(a.raw.magnitude, b.raw.magnitude) else {
            throw ArithmeticError.overflow
        }
        return try FixedDecimal.signed(m, negative: negative)
    }

    /// Quotient, rounded half-even at the 18th fractional digit.
    public static func / (a: FixedDecimal, b: FixedDecimal) throws -> FixedDecimal {
        if b.raw == 0 { throw ArithmeticError.divisionByZero }
        if a.raw == 0 { return .zero }
        let negative = (a.raw < 0) != (b.raw < 0)
        guard let m = WideArithmetic.multiplyByUnitThenDivide(a.raw.magnitude, b.raw.magnitude) else {
            throw ArithmeticError.overflow
        }
        return try FixedDecimal.signed(m, negative: negative)
    }

    @inlinable
    static func signed(_ magnitude: UInt128, negative: Bool) throws -> FixedDecimal {
        guard magnitude <= UInt128(Int128.max) else { throw ArithmeticError.overflow }
        let v = Int128(magnitude)
        return FixedDecimal(raw: negative ? -v : v)
    }

    public static func min(_ a: FixedDecimal, _ b: FixedDecimal) -> FixedDecimal { a < b ? a : b }
    public static func max(_ a: FixedDecimal, _ b: FixedDecimal) -> FixedDecimal { a < b ? b : a }

    public var magnitude: FixedDecimal { FixedDecimal(raw: raw < 0 ? -raw : raw) }

    public func clamped(_ lo: FixedDecimal, _ hi: FixedDecimal) -> FixedDecimal {
        FixedDecimal.min(FixedDecimal.max(self, lo), hi)
    }

    // MARK: Rounding

    /// Rounds to `places` fractional digits (0...18) with the given mode.
    public func rounded(places: Int, mode: RoundingMode) throws -> FixedDecimal {
        precondition((0...FixedDecimal.scale).contains(places), "places out of range")
        if places == FixedDecimal.scale { return self }
        let step = FixedDecimal.pow10(FixedDecimal.scale - places)
        let mag = raw.magnitude
        var q = mag / UInt128(step)
        let r = UInt64(mag % UInt128(step))
        let half = step / 2
        switch mode {
        case .halfEven:
            if r > half || (r == half && q & 1 == 1) { q += 1 }
        case .halfUp:
            if r >= half { q += 1 }
        case .down:
            // Toward negative infinity: a negative value with a remainder moves down.
            if raw < 0 && r != 0 { q += 1 }
        }
        let (m, o) = q.multipliedReportingOverflow(by: UInt128(step))
        if o { throw ArithmeticError.overflow }
        return try FixedDecimal.signed(m, negative: raw < 0)
    }

    /// Rounds money to `places` digits, first settling the last digits of arithmetic
    /// noise: a quotient keeps 18 digits, so an exact tie such as 14390.625 reached
    /// through a division may arrive as 14390.624999999999979. Rounding to 10 decimals
    /// (half-even) first restores the tie, and the mode then decides it as exact
    /// arithmetic would. Only values within 5e-11 of a tie are affected.
    public func roundedMoney(places: Int, mode: RoundingMode) throws -> FixedDecimal {
        let settled = places < FixedDecimal.moneySettlePlaces
            ? try rounded(places: FixedDecimal.moneySettlePlaces, mode: .halfEven) : self
        return try settled.rounded(places: places, mode: mode)
    }

    /// Decimal places kept before money is rounded (see `roundedMoney`).
    public static let moneySettlePlaces = 10

    /// The value as an integer count of `10^-places` units (the value must already have
    /// at most `places` fractional digits, or it is rounded half-even first).
    public func units(places: Int) throws -> Int128 {
        let r = try rounded(places: places, mode: .halfEven)
        return r.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale - places))
    }

    @inlinable
    public static func pow10(_ n: Int) -> UInt64 {
        var v: UInt64 = 1
        for _ in 0..<n { v &*= 10 }
        return v
    }
}

/// Why an arithmetic operation could not produce a value.
public enum ArithmeticError: Error, Equatable, Sendable, CustomStringConvertible {
    case overflow
    case divisionByZero

    public var description: String {
        switch self {
        case .overflow: return "number out of range (more than 10^20)"
        case .divisionByZero: return "division by zero"
        }
    }
}

/// How money is rounded to minor units.
public enum RoundingMode: String, Sendable, CaseIterable {
    /// Ties to the even neighbour (banker's rounding). The plan default.
    case halfEven = "half-even"
    /// Ties away from zero.
    case halfUp = "half-up"
    /// Toward negative infinity (used by the pool's floor step).
    case down = "down"
}
