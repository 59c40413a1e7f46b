import AdvocompKit

/// The geometry of the payout-curve chart (an SVG template): where each point of
/// `Pipeline.curve` is drawn. The amounts are the engine's; only their position on the
/// page is worked out here (as Double: drawing, not money).
enum CurveChart {
    static let from = decimal("0.5"), to = decimal("1.5"), step = decimal("0.05")

    static func decimal(_ s: String) -> FixedDecimal {
        if case .success(let d) = FixedDecimal.parse(s) { return d }
        return .zero
    }

    static func number(_ d: FixedDecimal) -> Double { Double("\(d)") ?? 0 }

    static func data(_ c: PayeePreview.Curve) -> [String: Any] {
        let x0 = 60.0, x1 = 620.0, y0 = 270.0, y1 = 20.0
        let lo = number(from), hi = number(to)
        let amounts = c.curve.points.map { number($0.payout.amount) } + [number(c.today.beforePool.amount)]
        let top = max(1, (amounts.max() ?? 1) * 1.1)
        func x(_ a: Double) -> Double { x0 + (min(max(a, lo), hi) - lo) / (hi - lo) * (x1 - x0) }
        func y(_ v: Double) -> Double { y0 - v / top * (y0 - y1) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let points = c.curve.points.map { "\(f(x(number($0.attainment)))),\(f(y(number($0.payout.amount))))" }.joined(separator: " ")
        let dots = c.curve.points.map { p -> [String: Any] in
            ["x": f(x(number(p.attainment))), "y": f(y(number(p.payout.amount))), "attainment": p.attainment.percentString(), "payout": p.payout.plain]
        }
        let xTicks = stride(from: 0, through: 4, by: 1).map { i -> [String: Any] in
            let a = lo + Double(i) * (hi - lo) / 4
            return ["x": f(x(a)), "label": "\(Int((a * 100).rounded()))%"]
        }
        let yTicks = stride(from: 0, through: 4, by: 1).map { i -> [String: Any] in
            let v = Double(i) * top / 4
            return ["y": f(y(v)), "label": v >= 1000 ? "\(Int((v / 1000).rounded()))k" : "\(Int(v.rounded()))"]
        }
        var data: [String: Any] = ["payee": c.curve.payee.payee.id, "kpi": c.curve.kpi.id, "currency": c.today.currency.code,
                                   "points": points, "dots": dots, "xTicks": xTicks, "yTicks": yTicks]
        if let a = c.todayAttainment {
            let tx = x(number(a))
            data["today"] = ["x": f(tx), "yBefore": f(y(number(c.today.beforePool.amount))), "yAfter": f(y(number(c.today.payout.amount))),
                             "before": c.today.beforePool.grouped, "after": c.today.payout.grouped, "attainment": a.percentString(),
                             "trimmed": c.today.beforePool != c.today.payout, "trim": c.today.pool?.trim.grouped ?? "",
                             "labelX": f(tx > 340 ? tx - 8 : tx + 8), "anchor": tx > 340 ? "end" : "start"] as [String: Any]
        }
        return data
    }
}
