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
        try s.columnWidths([10, 24, 6, 18, 9, 12, 16, 15, 17, 15, 9, 20, 15, 10, 8, 30])
        try s.text(0, 0, "Programme economics: advocacy incentive cost against incremental referred revenue. incremental = referred x (1 - baseline); contribution = incremental x margin - cost; return = contribution / cost", .title)
        let header = ["Period", "Plan", "Run", "Unit", "Currency", "Paid payees", "Payout", "Advocacy cost", "Referred revenue", "Baseline share", "Margin",
                      "Incremental revenue", "Contribution", "Return", "Events", "Cost in other currencies"]
        for (k, h) in header.enumerated() { try s.text(2, k, h, .header) }
        try s.freezeHeader(rows: 3, cols: 2)
        var setup = PageSetup()
        setup.repeatRows = 2...2
        setup.footer = "&LProgramme economics&R&A, page &P of &N"
        try s.pageSetup(setup)
        var row = 3
        // Incremental, contribution and return are formulas over the row's own cells
        // (I referred, J baseline, K margin, H cost), cached with the report's exact figures.
        func write(_ sec: EconomicsReport.Section, _ unit: String, _ f: EconomicsFigures) throws {
            let c = f.revenueCurrency, n = row + 1
            try s.text(row, 0, sec.period.description, .plain)
            try s.text(row, 1, sec.planID, .plain)
            try s.number(row, 2, Double(sec.run), .integer)
            try s.text(row, 3, unit, unit == "all units" ? .bold : .plain)
            try s.text(row, 4, c.code, .plain)
            try s.number(row, 5, Double(f.paidPayees), .integer)
            try s.money(row, 6, f.payout.first { $0.currency == c } ?? .zero(c))
            try s.money(row, 7, f.costInRevenueCurrency)
            try s.money(row, 8, f.referred)
            try s.number(row, 9, number(sec.economics.baselineShare), .percent)
            try s.number(row, 10, number(sec.economics.margin), .percent)
            try s.formula(row, 11, "I\(n)*(1-J\(n))", cached: number(f.incremental.amount), .money(c.minorDigits))
            if let v = f.contribution {
                try s.formula(row, 12, "L\(n)*K\(n)-H\(n)", cached: number(v.amount), .money(c.minorDigits))
            } else {
                try s.text(row, 12, "n/a", .plain)
            }
            if let v = f.returnOnSpend {
                try s.formula(row, 13, "M\(n)/H\(n)", cached: number(v), .percent)
            } else {
                try s.text(row, 13, f.contribution == nil ? "n/a" : "-", .plain)
            }
            try s.number(row, 14, Double(f.events.count), .integer)
            let foreign = f.cost.filter { $0.currency != c && !$0.isZero }.map { "\($0.grouped) \($0.currency.code)" }.joined(separator: "; ")
            if !foreign.isEmpty { try s.text(row, 15, foreign, .plain) }
            row += 1
        }
        var totalRows: [Int] = []
        for sec in r.sections {
            totalRows.append(row)
            try write(sec, "all units", sec.total)
            for l in sec.lines { try write(sec, l.unit.isEmpty ? "(no unit)" : l.unit, l.figures) }
        }
        guard !totalRows.isEmpty else { return }
        // One chart per revenue currency (amounts are never drawn on one axis across
        // currencies). Each reads its plan-periods' "all units" rows through formulas in a
        // small table below, the label under "Plan", the figures under their own columns.
        var top = row + 2
        let byCurrency = Dictionary(grouping: zip(r.sections, totalRows).map { ($0, $1) }, by: { $0.0.total.revenueCurrency.code })
        for code in byCurrency.keys.sorted() {
            guard let group = byCurrency[code] else { continue }
            try s.text(top, 1, "Plan and period (\(code))", .header)
            try s.text(top, 7, "Advocacy cost", .header)
            try s.text(top, 11, "Incremental revenue", .header)
            for (i, (sec, at)) in group.enumerated() {
                let c = sec.total.revenueCurrency
                try s.text(top + 1 + i, 1, "\(sec.period) \(sec.planID)", .plain)
                try s.formula(top + 1 + i, 7, "H\(at + 1)", cached: number(sec.total.costInRevenueCurrency.amount), .money(c.minorDigits))
                try s.formula(top + 1 + i, 11, "L\(at + 1)", cached: number(sec.total.incremental.amount), .money(c.minorDigits))
            }
            let rows = (top + 1)...(top + group.count)
            try book.columnChart(on: s, row: top + group.count + 2, col: 1, title: "Advocacy cost and incremental revenue by plan and period, \(code)",
                                 categories: ColumnRange(sheet: "Economics", col: 1, rows: rows),
                                 series: [(name: "Advocacy cost (\(code))", values: ColumnRange(sheet: "Economics", col: 7, rows: rows)),
                                          (name: "Incremental revenue (\(code))", values: ColumnRange(sheet: "Economics", col: 11, rows: rows))])
            top += group.count + 2 + 18
        }
    }
}
