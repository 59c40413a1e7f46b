import AdvocompEngine
import AdvocompModel
import AdvocompReports

/// Workbooks of the scenario commands: plain tables of exact figures with a chart.
public enum ScenarioWorkbook {
    /// `curve --xlsx`: one sheet of points (attainment, actual, payout, status) and a
    /// column chart of the payout by attainment.
    public static func curve(_ book: WorkbookSink, title: String, kpi: String, currency: Currency, points: [CurveReport.Point]) throws {
        let s = try book.addSheet("Curve")
        try s.columnWidths([14, 16, 16, 12])
        try s.text(0, 0, title, .title)
        let header = 2
        for (c, h) in ["attainment", "actual", "payout (\(currency.code))", "status"].enumerated() { try s.text(header, c, h, .header) }
        for (i, p) in points.enumerated() {
            let row = header + 1 + i
            try s.number(row, 0, number(p.attainment), .percent)
            try s.number(row, 1, number(p.actual), .decimal)
            try s.money(row, 2, p.payout)
            try s.text(row, 3, p.status, .plain)
        }
        guard !points.isEmpty else { return }
        let rows = (header + 1)...(header + points.count)
        try book.columnChart(on: s, row: 1, col: 5, title: "Payout across \(kpi) attainment",
                             categories: ColumnRange(sheet: "Curve", col: 0, rows: rows),
                             series: [(name: "payout", values: ColumnRange(sheet: "Curve", col: 2, rows: rows))])
    }

    /// `compare --xlsx`: one sheet per view (Summary, Drivers, Units with a chart of the
    /// change by unit, Payees), exact figures as numbers.
    public static func comparison(_ book: WorkbookSink, _ c: PlanComparison) throws {
        let summary = try book.addSheet("Summary")
        let drivers = try book.addSheet("Drivers")
        let units = try book.addSheet("Units")
        let payees = try book.addSheet("Payees")
        func table(_ s: SheetSink, title: String?, header: [String], widths: [Double], rows: [[Cell]]) throws {
            try s.columnWidths(widths)
            var r = 0
            if let title { try s.text(0, 0, title, .title); r = 2 }
            for (k, h) in header.enumerated() { try s.text(r, k, h, .header) }
            for row in rows {
                r += 1
                for (k, cell) in row.enumerated() {
                    switch cell {
                    case .text(let t): try s.text(r, k, t, .plain)
                    case .money(let m): try s.money(r, k, m)
                    case .count(let n): try s.number(r, k, Double(n), .integer)
                    case .factor(let v): if let v { try s.number(r, k, number(v), .decimal) } else { try s.text(r, k, "-", .plain) }
                    }
                }
            }
        }
        let title = "Plan A: \(c.a.plan.id) v\(c.a.plan.version); plan B: \(c.b.plan.id) v\(c.b.plan.version); \(c.a.period)"
        try table(summary, title: title, header: ["currency", "payees", "plan A", "plan B", "change", "gain", "lose"],
                  widths: [10, 8, 16, 16, 16, 8, 8],
                  rows: c.totals.map { [.text($0.currency.code), .count($0.payees), .money($0.totalA), .money($0.totalB),
                                        .money($0.change), .count($0.gain), .count($0.lose)] })
        try table(drivers, title: "Component amounts after modifiers, summed over the payees; the rest is cap, floor, rounding and pool",
                  header: ["currency", "driver", "plan A", "plan B", "change"], widths: [10, 34, 16, 16, 16],
                  rows: c.drivers.map { [.text($0.currency.code), .text($0.name), .money($0.a), .money($0.b), .money($0.change)] }
                      + c.modifiers.map { [.text(""), .text("modifier \($0.id): mean factor"), .factor($0.meanA), .factor($0.meanB), .text("\($0.payeesChanged) payees changed")] })
        try table(units, title: nil, header: ["unit", "currency", "payees", "plan A", "plan B", "change", "gain", "lose"],
                  widths: [18, 10, 8, 16, 16, 16, 8, 8],
                  rows: c.units.map { [.text($0.key), .text($0.currency.code), .count($0.payees), .money($0.totalA), .money($0.totalB),
                                       .money($0.change), .count($0.gain), .count($0.lose)] })
        if !c.units.isEmpty {
            try book.columnChart(on: units, row: 1, col: 9, title: "Change in payouts by unit",
                                 categories: ColumnRange(sheet: "Units", col: 0, rows: 1...c.units.count),
                                 series: [(name: "change", values: ColumnRange(sheet: "Units", col: 5, rows: 1...c.units.count))])
        }
        try table(payees, title: nil, header: ["payee_id", "name", "unit", "currency", "status A", "plan A", "status B", "plan B", "change"],
                  widths: [12, 22, 16, 8, 10, 16, 10, 16, 16],
                  rows: c.payees.map { l in
                      [.text(l.payeeID), .text(l.name), .text(l.unit), .text(l.currency.code), .text(l.a?.status.rawValue ?? "absent"),
                       .money(l.payoutA), .text(l.b?.status.rawValue ?? "absent"), .money(l.payoutB), .money(l.change)]
                  })
    }

    /// `simulate --xlsx`: Summary (the cost distribution, pool, gates), Payees (expected
    /// and P90), and Histogram: the runs' total cost in 20 bins, with a column chart.
    public static func simulation(_ book: WorkbookSink, _ s: SimulationResult, scenario: String) throws {
        let summary = try book.addSheet("Summary")
        let payees = try book.addSheet("Payees")
        let histogram = try book.addSheet("Histogram")
        try summary.columnWidths([30, 16, 16, 16, 16, 16])
        try summary.text(0, 0, "Simulation of \(s.plan.id) v\(s.plan.version), \(s.period): \(s.runs) runs of \(scenario), seed \(s.seed)", .title)
        for (k, h) in ["currency", "mean", "P5", "P50", "P95", "max"].enumerated() { try summary.text(2, k, h, .header) }
        var row = 3
        for c in s.costs {
            try summary.text(row, 0, c.currency.code, .plain)
            for (k, v) in [c.mean, c.p5, c.p50, c.p95, c.max].enumerated() { try summary.money(row, k + 1, v) }
            row += 1
        }
        row += 1
        if let binds = s.poolBinds {
            try summary.text(row, 0, "Runs in which the pool binds", .bold); try summary.number(row, 1, Double(binds), .integer); row += 1
        }
        for g in s.gates {
            try summary.text(row, 0, "Gate \(g.id): closed for a payee", .bold); try summary.number(row, 1, number(g.closedShare), .percent); row += 1
            try summary.text(row, 0, "Gate \(g.id): runs closed for all", .bold); try summary.number(row, 1, Double(g.runsClosedForAll), .integer); row += 1
        }
        try payees.columnWidths([12, 22, 16, 10, 8, 16, 16])
        for (k, h) in ["payee_id", "name", "unit", "status", "currency", "expected", "P90"].enumerated() { try payees.text(0, k, h, .header) }
        for (i, p) in s.payees.enumerated() {
            try payees.text(i + 1, 0, p.payee.id, .plain); try payees.text(i + 1, 1, p.payee.name, .plain)
            try payees.text(i + 1, 2, p.payee.unit, .plain); try payees.text(i + 1, 3, p.status.rawValue, .plain)
            try payees.text(i + 1, 4, p.currency.code, .plain)
            try payees.money(i + 1, 5, p.mean); try payees.money(i + 1, 6, p.p90)
        }
        guard let cost = s.costs.first else { return }
        let d = cost.currency.minorDigits
        let bins = SimulationReport.histogram(cost.totals, limit: FixedDecimal.largestUnits(places: d))
        let step = Int128(FixedDecimal.pow10(FixedDecimal.scale - d))
        try histogram.columnWidths([18, 18, 10])
        for (k, h) in ["total from (\(cost.currency.code))", "to", "runs"].enumerated() { try histogram.text(0, k, h, .header) }
        for (i, b) in bins.enumerated() {
            // Bounds are at most the largest amount: their raw values fit.
            try histogram.number(i + 1, 0, number(FixedDecimal(raw: b.from * step)), .money(d))
            try histogram.number(i + 1, 1, number(FixedDecimal(raw: b.to * step)), .money(d))
            try histogram.number(i + 1, 2, Double(b.runs), .integer)
        }
        if !bins.isEmpty {
            try book.columnChart(on: histogram, row: 1, col: 4, title: "Total payout cost over \(s.runs) runs (\(cost.currency.code))",
                                 categories: ColumnRange(sheet: "Histogram", col: 0, rows: 1...bins.count),
                                 series: [(name: "runs", values: ColumnRange(sheet: "Histogram", col: 2, rows: 1...bins.count))])
        }
    }

    enum Cell {
        case text(String)
        case money(Money)
        case count(Int)
        case factor(FixedDecimal?)
    }

    /// A cell's number (the same conversion as the calculation workbook's).
    static func number(_ v: FixedDecimal) -> Double { WorkbookBuilder.double(v) }
}
