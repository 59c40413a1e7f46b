import AdvocompKit

/// The cost distribution of `simulate` as an SVG histogram (one per currency): the engine's
/// per-run totals counted into 20 bins, its P50, P90 and P99 marked, and how often the pool
/// bound. Positions are drawing (Double); every amount shown is the engine's.
enum SimulationChart {
    static func data(_ r: SimulationResult) -> [String: Any] {
        let charts = r.costs.map { c -> [String: Any] in
            let totals = c.totals
            let lo = totals.min() ?? 0, hi = totals.max() ?? 0
            let bins = 20
            let width = max(Int128(1), (hi - lo + Int128(bins)) / Int128(bins))
            var counts = [Int](repeating: 0, count: bins)
            for t in totals { counts[min(bins - 1, Int((t - lo) / width))] += 1 }
            let top = max(1, counts.max() ?? 1)
            let x0 = 60.0, x1 = 620.0, y0 = 230.0, y1 = 20.0
            let barWidth = (x1 - x0) / Double(bins)
            let bars = counts.enumerated().map { i, n -> [String: Any] in
                let h = Double(n) / Double(top) * (y0 - y1)
                return ["x": String(format: "%.1f", x0 + Double(i) * barWidth), "y": String(format: "%.1f", y0 - h),
                        "w": String(format: "%.1f", barWidth - 1), "h": String(format: "%.1f", h), "count": "\(n)"]
            }
            func xOf(_ m: Money) -> String {
                let units = Double(m.minorUnits ?? lo)
                let span = Double(hi - lo + width)
                return String(format: "%.1f", x0 + (units - Double(lo)) / max(span, 1) * (x1 - x0))
            }
            return ["currency": c.currency.code, "bars": bars,
                    "marks": [("P50", c.p50), ("P90", c.p90), ("P99", c.p99)].map { ["label": $0.0, "x": xOf($0.1), "amount": $0.1.grouped] },
                    "p50": c.p50.grouped, "p90": c.p90.grouped, "p99": c.p99.grouped, "mean": c.mean.grouped, "max": c.max.grouped,
                    "low": Money(minorUnitsOrZero: lo, c.currency).grouped, "high": Money(minorUnitsOrZero: hi, c.currency).grouped]
        }
        var out: [String: Any] = ["runs": "\(r.runs)", "seed": "\(r.seed)", "charts": charts]
        if let binds = r.poolBinds {
            out["pool"] = "The pool binds in \(binds) of \(r.runs) runs."
        }
        return out
    }
}

extension Money {
    init(minorUnitsOrZero units: Int128, _ currency: Currency) {
        self = (try? Money(minorUnits: units, currency)) ?? .zero(currency)
    }
}
