extension FixedDecimal {
    /// The largest value with at most `places` decimals: the most a sum of amounts in
    /// minor units can reach (170141183460469231731.68 at 2 places, ...731 at 0). Adding
    /// amounts of `places` decimals overflows exactly when the sum would pass it, so a
    /// total's `+` throwing is the test.
    public static func largest(places: Int) -> FixedDecimal {
        precondition((0...scale).contains(places), "places out of range")
        let step = Int128(pow10(scale - places))
        return FixedDecimal(raw: Int128.max / step * step)
    }

    /// `largest(places:)` in minor units (`10^-places`).
    public static func largestUnits(places: Int) -> Int128 {
        precondition((0...scale).contains(places), "places out of range")
        return Int128.max / Int128(pow10(scale - places))
    }
}

extension Diagnostic {
    /// The error for one amount that took one or more totals out of `FixedDecimal`'s
    /// range: "payee E0681's payout of 250000000000000000.00 takes the run's payout total
    /// in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)".
    /// `item` names whose amount it is ("payee E0681's payout"); `totals` name the totals
    /// it overflowed; a negative amount takes them below the smallest amount instead.
    /// `places`: the amounts' decimals (money), or nil for any number (shown in full).
    public static func totalOverflow(_ item: String, _ amount: FixedDecimal, places: Int?, totals: [String],
                                     currency: String? = nil, at location: SourceLocation?, notes: [Note] = []) -> Diagnostic {
        func text(_ v: FixedDecimal) -> String { places.map { v.formatted(places: $0) } ?? v.description }
        let limit = text(FixedDecimal.largest(places: places ?? FixedDecimal.scale)) + (currency.map { " \($0)" } ?? "")
        let bound = amount.isNegative ? "below the smallest amount advocomp can hold (-\(limit))"
                                      : "beyond the largest amount advocomp can hold (\(limit))"
        return .error("\(item) of \(text(amount)) takes \(Diagnostic.list(totals)) \(bound)", at: location, notes: notes)
    }

    /// "a", "a and b", "a, b and c".
    public static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
