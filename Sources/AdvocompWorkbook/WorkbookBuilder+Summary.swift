import AdvocompEngine
import AdvocompModel

extension WorkbookBuilder {
    /// The run at a glance: what, when, by whom, which run; the totals by currency, unit
    /// and status (formulas over Payouts, cached with the engine's totals); the pool; one
    /// chart of payout against target by unit per currency (amounts in two currencies
    /// never share an axis).
    func writeSummary(_ s: SheetSink, _ book: WorkbookSink) throws {
        let layout = [ColumnLayout(28), ColumnLayout(16), ColumnLayout(10), ColumnLayout(18), ColumnLayout(18), ColumnLayout(18)]
        try s.columns(layout)
        var row = 0
        try s.text(row, 0, "\(plan.title ?? plan.id)", .title); row += 2
        let facts: [(String, String)] = [
            ("Plan", "\(plan.id) version \(plan.version)"),
            ("Period", "\(run.period): \(run.firstDay) to \(run.lastDay)"),
            ("Run", context.runText),
            ("Generated", context.generatedAt),
            ("By", context.user.isEmpty ? "(unknown)" : context.user),
            ("Rounding", plan.rounding.rawValue),
            ("advocomp", "version \(context.advocompVersion); the command line is on the Audit sheet"),
        ]
        for (k, v) in facts { try s.text(row, 0, k, .bold); try s.text(row, 1, v, .plain); row += 1 }
        row += 1
        let n = payees.count
        let last = excelRow(n - 1)
        func payoutsRange(_ c: Int) -> String { "Payouts!$\(col(c))$2:$\(col(c))$\(max(last, 2))" }
        let unitRange = payoutsRange(3), currencyRange = payoutsRange(4), statusRange = payoutsRange(statusCol)
        let tiRange = payoutsRange(5), payoutRange = payoutsRange(payoutCol)
        // The Payouts column the formulas add holds the target incentives unrounded, so
        // their cached sums are the unrounded ones.

        try s.text(row, 0, "Totals by currency", .bold); row += 1
        try header(s, row: row, ["Currency", "Payees", "Target incentive", "Payout", "Payout % of target"], layout)
        row += 1
        for g in run.totals.byCurrency {
            let R = row + 1, d = g.currency.minorDigits
            try s.text(row, 0, g.currency.code, .plain)
            try s.formula(row, 1, "COUNTIF(\(currencyRange),A\(R))", cached: Double(g.payees), .integer)
            try s.formula(row, 2, "SUMIFS(\(tiRange),\(currencyRange),A\(R))", cached: double(g.exactTargetIncentive), .money(d))
            try s.formula(row, 3, "SUMIFS(\(payoutRange),\(currencyRange),A\(R))", cached: double(g.payout), .money(d))
            let pct = g.exactTargetIncentive.isZero ? 0 : double(g.payout) / double(g.exactTargetIncentive)
            try s.formula(row, 4, "IF(C\(R)=0,0,D\(R)/C\(R))", cached: pct, .percent)
            row += 1
        }
        row += 1

        // Totals by unit (per currency: amounts are never added across currencies), one
        // currency's units together, so that each currency's chart reads one range.
        try s.text(row, 0, "Totals by unit", .bold); row += 1
        try header(s, row: row, ["Unit", "Currency", "Payees", "Target incentive", "Payout", "Payout % of target"], layout)
        row += 1
        let groups = run.totals.byUnit.sorted { ($0.currency.code, $0.unit) < ($1.currency.code, $1.unit) }
        var charts: [(currency: Currency, rows: ClosedRange<Int>)] = []
        for g in groups {
            let R = row + 1, d = g.currency.minorDigits
            try s.text(row, 0, g.unit, .plain)
            try s.text(row, 1, g.currency.code, .plain)
            try s.formula(row, 2, "COUNTIFS(\(unitRange),A\(R),\(currencyRange),B\(R))", cached: Double(g.payees), .integer)
            try s.formula(row, 3, "SUMIFS(\(tiRange),\(unitRange),A\(R),\(currencyRange),B\(R))", cached: double(g.exactTargetIncentive), .money(d))
            try s.formula(row, 4, "SUMIFS(\(payoutRange),\(unitRange),A\(R),\(currencyRange),B\(R))", cached: double(g.payout), .money(d))
            let pct = g.exactTargetIncentive.isZero ? 0 : double(g.payout) / double(g.exactTargetIncentive)
            try s.formula(row, 5, "IF(D\(R)=0,0,E\(R)/D\(R))", cached: pct, .percent)
            if let lastGroup = charts.last, lastGroup.currency == g.currency {
                charts[charts.count - 1].rows = lastGroup.rows.lowerBound...row
            } else {
                charts.append((g.currency, row...row))
            }
            row += 1
        }
        row += 1
        try s.text(row, 0, "Totals by status", .bold); row += 1
        try header(s, row: row, ["Status", "Currency", "Payees", "Target incentive", "Payout"], layout)
        row += 1
        for g in run.totals.byStatus {
            let R = row + 1, d = g.currency.minorDigits
            try s.text(row, 0, g.status.rawValue, .plain)
            try s.text(row, 1, g.currency.code, .plain)
            try s.formula(row, 2, "COUNTIFS(\(statusRange),A\(R),\(currencyRange),B\(R))", cached: Double(g.payees), .integer)
            try s.formula(row, 3, "SUMIFS(\(tiRange),\(statusRange),A\(R),\(currencyRange),B\(R))", cached: double(g.exactTargetIncentive), .money(d))
            try s.formula(row, 4, "SUMIFS(\(payoutRange),\(statusRange),A\(R),\(currencyRange),B\(R))", cached: double(g.payout), .money(d))
            row += 1
        }
        if let pool = run.pool {
            row += 1
            let d = pool.currency.minorDigits
            try s.text(row, 0, "Pool (\(pool.currency.code))", .bold); row += 1
            try s.text(row, 0, "Pool amount", .plain)
            try s.formula(row, 1, "PoolAmount", cached: double(pool.amount), .money(d)); row += 1
            try s.text(row, 0, "Payouts before the pool", .plain)
            try s.formula(row, 1, "SUM(\(payoutsRange(roundedCol)))", cached: double(pool.totalBefore), .money(d)); row += 1
            try s.text(row, 0, "Payouts after the pool", .plain)
            // The pool's payees are all paid in its currency (the others are ineligible, paid 0).
            let after = run.totals.byCurrency.first { $0.currency == pool.currency }?.payout ?? .zero(pool.currency)
            try s.formula(row, 1, "SUM(\(payoutRange))", cached: double(after), .money(d)); row += 1
            try s.text(row, 0, "Scaled to", .plain)
            try s.formula(row, 1, "IF(B\(row - 1)=0,1,B\(row)/B\(row - 1))", cached: pool.ratio.map(double) ?? 1, .percent); row += 1
        }
        // The charts below the tables, one per currency, so the sheet prints one page wide;
        // a chart that would run over a page starts the next one.
        let rowsPerPage = Int(Double(ColumnFit.rowsPerPage) / printScale(layout)) - 2
        let chartRows = 16
        var pageStart = 0
        var breaks: [Int] = []
        row += 1
        for (currency, rows) in charts {
            if row + chartRows - pageStart > rowsPerPage { breaks.append(row); pageStart = row }
            try book.columnChart(on: s, row: row, col: 0, title: "Payout against target by unit, \(currency.code)",
                                 categories: ColumnRange(sheet: "Summary", col: 0, rows: rows),
                                 series: [("Target incentive (\(currency.code))", ColumnRange(sheet: "Summary", col: 3, rows: rows)),
                                          ("Payout (\(currency.code))", ColumnRange(sheet: "Summary", col: 4, rows: rows))],
                                 valueFormat: "#,##0")
            row += chartRows
        }
        try s.pageBreaks(beforeRows: breaks)
        try pageSetup(s, layout, lastRow: row, blockRows: rowsPerPage)
    }
}
