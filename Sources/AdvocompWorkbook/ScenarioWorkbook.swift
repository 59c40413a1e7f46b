import AdvocompModel

/// Workbooks of the scenario commands: plain tables of exact figures with a chart.
public enum ScenarioWorkbook {
    /// `curve --xlsx`: one sheet of points (attainment, actual, payout, status) and a
    /// column chart of the payout by attainment.
    public static func curve(_ book: WorkbookSink, title: String, kpi: String, currency: String, digits: Int,
                             points: [(attainment: FixedDecimal, actual: FixedDecimal, payout: FixedDecimal, status: String)]) throws {
        let s = try book.addSheet("Curve")
        try s.columnWidths([14, 16, 16, 12])
        try s.text(0, 0, title, .title)
        let header = 2
        for (c, h) in ["attainment", "actual", "payout (\(currency))", "status"].enumerated() { try s.text(header, c, h, .header) }
        for (i, p) in points.enumerated() {
            let row = header + 1 + i
            try s.number(row, 0, number(p.attainment), .percent)
            try s.number(row, 1, number(p.actual), .decimal)
            try s.number(row, 2, number(p.payout), .money(digits))
            try s.text(row, 3, p.status, .plain)
        }
        guard !points.isEmpty else { return }
        let rows = (header + 1)...(header + points.count)
        try book.columnChart(on: s, row: 1, col: 5, title: "Payout across \(kpi) attainment",
                             categories: ColumnRange(sheet: "Curve", col: 0, rows: rows),
                             series: [(name: "payout", values: ColumnRange(sheet: "Curve", col: 2, rows: rows))])
    }

    /// A cell's number: the exact figure's shortest decimal text, read as a Double (the
    /// figures themselves are computed exactly; a cell holds a binary number).
    static func number(_ v: FixedDecimal) -> Double { Double(v.description) ?? 0 }
}
