import AdvocompKit

/// `compare`'s totals by unit as an SVG bar chart: the version in force and the draft side
/// by side for each unit (per currency). The amounts are `compare`'s; positions are drawing.
enum UnitChart {
    static func data(_ c: PlanComparison?) -> [String: Any] {
        guard let c, !c.units.isEmpty else { return [:] }
        func n(_ m: Money) -> Double { Double(m.plain) ?? 0 }
        let top = max(1, c.units.map { max(n($0.totalA), n($0.totalB)) }.max() ?? 1)
        let rowHeight = 26.0
        let rows = c.units.enumerated().map { i, g -> [String: Any] in
            let y = 10 + Double(i) * rowHeight
            return ["label": "\(g.key) (\(g.currency.code))", "y": String(format: "%.1f", y + 14), "ya": String(format: "%.1f", y),
                    "yb": String(format: "%.1f", y + 10), "wa": String(format: "%.1f", n(g.totalA) / top * 380),
                    "wb": String(format: "%.1f", n(g.totalB) / top * 380), "a": g.totalA.grouped, "b": g.totalB.grouped, "change": g.change.grouped]
        }
        return ["rows": rows, "height": String(format: "%.0f", 30 + Double(c.units.count) * rowHeight)]
    }
}
