import AdvocompEngine
import AdvocompModel

/// Sums of a run by status, currency and unit. Amounts are never added across currencies.
public struct Totals {
    public struct Sum {
        public var target = FixedDecimal.zero
        public var payout = FixedDecimal.zero
        public var digits = 2
    }
    public struct UnitSum {
        public var unit: String
        public var currency: String
        public var count = 0
        public var target = FixedDecimal.zero
        public var payout = FixedDecimal.zero
        public var digits = 2
    }

    /// (status, count) in the order ok, held, ineligible; zero counts omitted.
    public var statusCounts: [(String, Int)] = []
    /// Status x currency sums, for the table.
    public var byStatus: [(status: String, currency: String, count: Int, sum: Sum)] = []
    /// (currency code, sums), sorted by code.
    public var byCurrency: [(String, Sum)] = []
    /// By unit then currency.
    public var byUnit: [UnitSum] = []

    public init(_ run: RunResult) {
        var status: [String: Int] = [:]
        var statusSums: [String: (Int, Sum)] = [:]
        var currency: [String: Sum] = [:]
        var unit: [String: UnitSum] = [:]
        for p in run.payees {
            status[p.status.rawValue, default: 0] += 1
            let code = p.currency.code
            var c = currency[code] ?? Sum(digits: p.currency.minorDigits)
            c.target = (try? c.target + p.roundedTargetIncentive) ?? c.target
            c.payout = (try? c.payout + p.payout) ?? c.payout
            currency[code] = c
            let sk = p.status.rawValue + "|" + code
            var (n, s) = statusSums[sk] ?? (0, Sum(digits: p.currency.minorDigits))
            n += 1
            s.target = (try? s.target + p.roundedTargetIncentive) ?? s.target
            s.payout = (try? s.payout + p.payout) ?? s.payout
            statusSums[sk] = (n, s)
            let uk = p.payee.unit + "|" + code
            var u = unit[uk] ?? UnitSum(unit: p.payee.unit, currency: code, digits: p.currency.minorDigits)
            u.count += 1
            u.target = (try? u.target + p.roundedTargetIncentive) ?? u.target
            u.payout = (try? u.payout + p.payout) ?? u.payout
            unit[uk] = u
        }
        for s in PayeeResult.Status.allCases { if let n = status[s.rawValue] { statusCounts.append((s.rawValue, n)) } }
        for s in PayeeResult.Status.allCases {
            for (key, v) in statusSums.sorted(by: { $0.key < $1.key }) where key.hasPrefix(s.rawValue + "|") {
                byStatus.append((s.rawValue, String(key.dropFirst(s.rawValue.count + 1)), v.0, v.1))
            }
        }
        byCurrency = currency.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        byUnit = unit.values.sorted { ($0.unit, $0.currency) < ($1.unit, $1.currency) }
    }
}

/// Display helpers for people (the table and explain), never for machine output.
public enum Display {
    /// `1234567.5` with 2 digits -> `1,234,567.50`.
    public static func money(_ v: FixedDecimal, digits: Int) -> String {
        let s = v.formatted(places: digits)
        var sign = ""
        var body = Substring(s)
        if body.hasPrefix("-") { sign = "-"; body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1)
        let int = Array(parts[0])
        var grouped = ""
        for (i, ch) in int.enumerated() {
            if i > 0 && (int.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return sign + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// Columns padded to their widest cell; `rightAligned` columns align numbers.
    public static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            let joined = cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ")
            var t = Substring(joined)
            while t.last == " " { t.removeLast() }
            return String(t)
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }
}
