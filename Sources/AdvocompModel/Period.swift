/// A pay period label (SPEC section 0): `2026-Q1`..`2026-Q4`, `2026-H1`, `2026-H2`,
/// `2026-FY`. The year is the fiscal year's label: the calendar year it starts in.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case quarter(Int)  // 1...4
        case half(Int)     // 1...2
        case year
    }

    public let fiscalYear: Int
    public let kind: Kind

    public init(fiscalYear: Int, kind: Kind) {
        self.fiscalYear = fiscalYear
        self.kind = kind
    }

    /// Parses `YYYY-Qn`, `YYYY-Hn` or `YYYY-FY`.
    public static func parse(_ text: String) -> Period? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes u: UnsafeBufferPointer<UInt8>) -> Period? {
        guard u.count == 7, u[4] == UInt8(ascii: "-") else { return nil }
        var year = 0
        for i in 0..<4 {
            guard u[i] >= 48 && u[i] <= 57 else { return nil }
            year = year * 10 + Int(u[i] - 48)
        }
        guard year >= 1 else { return nil }
        switch (u[5], u[6]) {
        case (UInt8(ascii: "Q"), let d) where d >= 49 && d <= 52:
            return Period(fiscalYear: year, kind: .quarter(Int(d - 48)))
        case (UInt8(ascii: "H"), let d) where d == 49 || d == 50:
            return Period(fiscalYear: year, kind: .half(Int(d - 48)))
        case (UInt8(ascii: "F"), UInt8(ascii: "Y")):
            return Period(fiscalYear: year, kind: .year)
        default:
            return nil
        }
    }

    public var description: String {
        let y = String(fiscalYear)
        let year = String(repeating: "0", count: max(0, 4 - y.count)) + y
        switch kind {
        case .quarter(let q): return "\(year)-Q\(q)"
        case .half(let h): return "\(year)-H\(h)"
        case .year: return "\(year)-FY"
        }
    }

    /// A small integer unique to the period, for hashing: year * 8 + kind.
    public var code: Int32 {
        let k: Int32
        switch kind {
        case .quarter(let q): k = Int32(q)
        case .half(let h): k = Int32(4 + h)
        case .year: k = 7
        }
        return Int32(fiscalYear) * 8 + k
    }

    /// Periods of this length in a year: 4, 2 or 1.
    public var periodsPerYear: Int {
        switch kind {
        case .quarter: return 4
        case .half: return 2
        case .year: return 1
        }
    }

    /// First and last day (inclusive) for a fiscal year starting in `fiscalYearStartMonth`.
    public func dates(fiscalYearStartMonth m: Int) -> (first: CivilDate, last: CivilDate) {
        let (offset, months): (Int, Int)
        switch kind {
        case .quarter(let q): (offset, months) = ((q - 1) * 3, 3)
        case .half(let h): (offset, months) = ((h - 1) * 6, 6)
        case .year: (offset, months) = (0, 12)
        }
        func monthStart(_ k: Int) -> CivilDate {
            let total = (m - 1) + k
            let y = fiscalYear + total / 12
            let mm = total % 12 + 1
            return CivilDate(year: y, month: mm, day: 1) ?? CivilDate(dayNumber: 0)
        }
        let first = monthStart(offset)
        let last = monthStart(offset + months).adding(days: -1)
        return (first, last)
    }
}
