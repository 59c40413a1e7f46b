import AdvocompEngine
import AdvocompModel
import AdvocompReports

extension ScenarioWorkbook {
    /// `economics --xlsx`: the Economics sheet (one row per plan and period, then its
    /// units; exact figures as numbers) and a column chart of the advocacy cost against
    /// the incremental revenue of each plan and period. A cost in a currency other than the
    /// revenue's is shown in its own column, never added.
    public static func economics(_ book: WorkbookSink, _ r: EconomicsReport) throws {
        let s = try book.addSheet("Economics")
        try s.columnWidths([10, 24, 8, 18, 8, 6, 16, 16, 16, 16, 16, 10, 8, 26])
        try s.text(0, 0, "Programme economics: advocacy incentive cost against incremental referred revenue (return = contribution / cost)", .title)
        let header = ["period", "plan", "run", "unit", "currency", "paid", "payout", "advocacy cost", "referred", "incremental",
                      "contribution", "return", "events", "cost in other currencies"]
        for (k, h) in header.enumerated() { try s.text(2, k, h, .header) }
        var row = 3
        var totalRows: [Int] = []
        func write(_ sec: EconomicsReport.Section, _ unit: String, _ f: EconomicsFigures) throws {
            let c = f.revenueCurrency
            try s.text(row, 0, sec.period.description, .plain)
            try s.text(row, 1, sec.planID, .plain)
            try s.number(row, 2, Double(sec.run), .integer)
            try s.text(row, 3, unit, unit == "all units" ? .bold : .plain)
            try s.text(row, 4, c.code, .plain)
            try s.number(row, 5, Double(f.paidPayees), .integer)
            try s.money(row, 6, f.payout.first { $0.currency == c } ?? .zero(c))
            try s.money(row, 7, f.costInRevenueCurrency)
            try s.money(row, 8, f.referred)
            try s.money(row, 9, f.incremental)
            if let v = f.contribution { try s.money(row, 10, v) } else { try s.text(row, 10, "n/a", .plain) }
            if let v = f.returnOnSpend { try s.number(row, 11, number(v), .percent) } else { try s.text(row, 11, f.contribution == nil ? "n/a" : "-", .plain) }
            try s.number(row, 12, Double(f.events.count), .integer)
            let foreign = f.cost.filter { $0.currency != c && !$0.isZero }.map { "\($0.plain) \($0.currency.code)" }.joined(separator: "; ")
            if !foreign.isEmpty { try s.text(row, 13, foreign, .plain) }
            row += 1
        }
        for sec in r.sections {
            totalRows.append(row)
            try write(sec, "all units", sec.total)
            for l in sec.lines { try write(sec, l.unit.isEmpty ? "(no unit)" : l.unit, l.figures) }
        }
        // The chart reads a small table of the plan-period totals (label, cost, incremental).
        guard !r.sections.isEmpty else { return }
        let chartTop = row + 2
        try s.text(chartTop, 0, "chart data: plan and period", .header)
        try s.text(chartTop, 7, "advocacy cost", .header)
        try s.text(chartTop, 9, "incremental", .header)
        for (i, sec) in r.sections.enumerated() {
            try s.text(chartTop + 1 + i, 0, "\(sec.period) \(sec.planID)", .plain)
            try s.money(chartTop + 1 + i, 7, sec.total.costInRevenueCurrency)
            try s.money(chartTop + 1 + i, 9, sec.total.incremental)
        }
        let rows = (chartTop + 1)...(chartTop + r.sections.count)
        try book.columnChart(on: s, row: 1, col: 15, title: "Advocacy cost and incremental revenue by plan and period",
                             categories: ColumnRange(sheet: "Economics", col: 0, rows: rows),
                             series: [(name: "advocacy cost", values: ColumnRange(sheet: "Economics", col: 7, rows: rows)),
                                      (name: "incremental revenue", values: ColumnRange(sheet: "Economics", col: 9, rows: rows))])
    }
}
