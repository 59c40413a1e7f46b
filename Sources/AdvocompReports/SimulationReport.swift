import AdvocompEngine
import AdvocompModel

/// `simulate`'s text, CSV and JSON.
public enum SimulationReport {
    public static func table(_ s: SimulationResult, scenario: String) -> String {
        var out = Display.text("Simulation of \(s.plan.id) v\(s.plan.version), \(s.period): \(s.runs) runs of scenario \(scenario), seed \(s.seed)") + "\n"
        out += "\nTotal payout cost\n"
        out += Display.table(["cur", "mean", "P5", "P50", "P95", "max"],
                             s.costs.map { c in [c.currency.code] + [c.mean, c.p5, c.p50, c.p95, c.max].map(Display.money) },
                             rightAligned: [1, 2, 3, 4, 5])
        if let binds = s.poolBinds {
            out += "\nThe pool binds in \(binds) of \(s.runs) runs (\(share(binds, s.runs))).\n"
        }
        if !s.gates.isEmpty {
            out += "\nGates\n"
            out += Display.table(["gate", "closed for a payee", "runs closed for every payee"],
                                 s.gates.map { [$0.id, $0.closedShare.percentString(maxPlaces: 1), "\($0.runsClosedForAll) (\(share($0.runsClosedForAll, s.runs)))"] },
                                 rightAligned: [1, 2])
        }
        out += "\nPayees (expected payout and P90)\n"
        out += Display.table(["payee", "name", "unit", "status", "cur", "expected", "P90"],
                             s.payees.map { p in [p.payee.id, p.payee.name, p.payee.unit, p.status.rawValue, p.currency.code,
                                                  Display.money(p.mean), Display.money(p.p90)] },
                             rightAligned: [5, 6])
        return out
    }

    static func share(_ a: Int, _ b: Int) -> String {
        guard b > 0, let r = try? FixedDecimal(a) / FixedDecimal(b) else { return "-" }
        return r.percentString(maxPlaces: 1)
    }

    /// Per payee: `payee_id,unit,status,currency,expected,p90`.
    public static func csv(_ s: SimulationResult) -> String {
        var out = "payee_id,unit,status,currency,expected,p90\n"
        for p in s.payees {
            out += [CSVField.escape(p.payee.id), CSVField.escape(p.payee.unit), p.status.rawValue, p.currency.code,
                    p.mean.plain, p.p90.plain].joined(separator: ",") + "\n"
        }
        return out
    }

    public static func json(_ s: SimulationResult, scenario: String) -> String {
        let w = JSONWriter()
        w.object {
            w.key("plan"); w.string(s.plan.id)
            w.key("version"); w.string(s.plan.version)
            w.key("period"); w.string(s.period.description)
            w.key("scenario"); w.string(scenario)
            w.key("runs"); w.raw(String(s.runs))
            w.key("seed"); w.raw(String(s.seed))
            w.key("cost")
            w.array {
                for c in s.costs {
                    w.object {
                        w.key("currency"); w.string(c.currency.code)
                        for (k, v) in [("mean", c.mean), ("p5", c.p5), ("p50", c.p50), ("p95", c.p95), ("max", c.max)] { w.key(k); w.string(v.plain) }
                    }
                }
            }
            w.key("pool_binds"); w.raw(s.poolBinds.map { String($0) } ?? "null")
            w.key("gates")
            w.array {
                for g in s.gates {
                    w.object {
                        w.key("gate"); w.string(g.id)
                        w.key("closed_share"); w.string(g.closedShare.description)
                        w.key("runs_closed_for_all"); w.raw(String(g.runsClosedForAll))
                    }
                }
            }
            w.key("payees")
            w.array {
                for p in s.payees {
                    w.object {
                        w.key("payee_id"); w.string(p.payee.id)
                        w.key("unit"); w.string(p.payee.unit)
                        w.key("status"); w.string(p.status.rawValue)
                        w.key("currency"); w.string(p.currency.code)
                        w.key("expected"); w.string(p.mean.plain)
                        w.key("p90"); w.string(p.p90.plain)
                    }
                }
            }
        }
        return w.text + "\n"
    }

    /// `bins` equal ranges from the lowest to the highest total (minor units): (from, to,
    /// runs). A bound is never above `limit` (the largest amount the currency's totals can
    /// reach), so every bound is an amount.
    public static func histogram(_ totals: [Int128], bins: Int = 20, limit: Int128 = .max) -> [(from: Int128, to: Int128, runs: Int)] {
        guard let lo = totals.min(), let hi = totals.max() else { return [] }
        let n = hi > lo ? bins : 1
        let width = max(1, (hi - lo + Int128(n) - 1) / Int128(n) + (hi > lo ? 0 : 1))
        var counts = [Int](repeating: 0, count: n)
        for t in totals { counts[min(n - 1, Int((t - lo) / width))] += 1 }
        return (0..<n).map { (min(limit, lo + Int128($0) * width), min(limit, lo + Int128($0 + 1) * width), counts[$0]) }
    }
}
