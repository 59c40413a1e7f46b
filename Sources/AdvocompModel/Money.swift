/// An amount of money in one currency: every figure that is money carries its currency,
/// so two currencies are never added by accident, and money is rounded one way
/// (`rounded(_:)`, SPEC section 5 step 9) and written two ways (`plain` for files and
/// machines, `grouped` for people).
public struct Money: Hashable, Sendable, CustomStringConvertible {
    public var amount: FixedDecimal
    public let currency: Currency

    public init(_ amount: FixedDecimal, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(.zero, currency) }

    public var isZero: Bool { amount.isZero }
    public var isNegative: Bool { amount.isNegative }

    // MARK: Arithmetic

    /// The sum; two currencies are an error (`MoneyError.currencyMismatch`), never a sum.
    public static func + (a: Money, b: Money) throws -> Money {
        guard a.currency == b.currency else { throw MoneyError.currencyMismatch(a.currency.code, b.currency.code) }
        return Money(try a.amount + b.amount, a.currency)
    }

    public static func - (a: Money, b: Money) throws -> Money {
        guard a.currency == b.currency else { throw MoneyError.currencyMismatch(a.currency.code, b.currency.code) }
        return Money(try a.amount - b.amount, a.currency)
    }

    public static prefix func - (a: Money) throws -> Money { Money(try -a.amount, a.currency) }

    /// The amount times a plain number (a weight, a score, a factor).
    public func times(_ factor: FixedDecimal) throws -> Money { Money(try amount * factor, currency) }

    /// Rounded to the currency's minor units with `mode`: the one way money is rounded.
    public func rounded(_ mode: RoundingMode) throws -> Money {
        Money(try amount.roundedMoney(places: currency.minorDigits, mode: mode), currency)
    }

    /// Whether the amount has no more decimals than the currency's minor units.
    public var isRounded: Bool { (try? amount.rounded(places: currency.minorDigits, mode: .down)) == amount }

    // MARK: Minor units

    /// The amount in minor units (cents), when it is rounded to them.
    public var minorUnits: Int128? {
        guard isRounded else { return nil }
        return amount.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale - currency.minorDigits))
    }

    public init(minorUnits: Int128, _ currency: Currency) throws {
        self.init(try FixedDecimal(units: minorUnits, places: currency.minorDigits), currency)
    }

    // MARK: Text

    /// Exactly the currency's minor digits with `.` as separator, no grouping, the sign
    /// when negative: `37089.29`, `2359566` (JPY), `12.345` (BHD). What files, JSON and
    /// the history hold. An amount with more decimals shows them rounded half-even (the
    /// exact figure is `amount.description`).
    public var plain: String { amount.formatted(places: currency.minorDigits) }

    /// `plain`, appended as UTF-8 to a byte buffer (the CSV of 100,000 payees builds no
    /// String per amount).
    public func appendPlain(to out: inout [UInt8]) { amount.appendFormatted(places: currency.minorDigits, to: &out) }

    /// For people: thousands separated by commas, `37,089.29`, `-1,282.48`.
    public var grouped: String { Money.group(plain) }

    /// `37089.29 USD`.
    public var description: String { "\(plain) \(currency.code)" }

    /// Reads money as the history and the files write it: a decimal with at most the
    /// currency's minor digits (`12.5` is read as 12.50; `12.345` in USD is an error).
    public static func parse(_ text: String, _ currency: Currency) -> Money? {
        guard case .success(let v) = FixedDecimal.parse(text) else { return nil }
        let m = Money(v, currency)
        return m.isRounded ? m : nil
    }

    /// Thousands separators in a plain decimal: `1234567.5` -> `1,234,567.5`.
    public static func group(_ plain: String) -> String {
        var sign = ""
        var body = Substring(plain)
        if body.hasPrefix("-") { sign = "-"; body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let int = Array(parts.first ?? "")
        var grouped = ""
        for (i, ch) in int.enumerated() {
            if i > 0 && (int.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return sign + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }
}

/// A money operation that mixes currencies.
public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
    case currencyMismatch(String, String)

    public var description: String {
        switch self {
        case .currencyMismatch(let a, let b): return "amounts in \(a) and \(b) cannot be added: advocomp never converts currencies"
        }
    }
}
