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
