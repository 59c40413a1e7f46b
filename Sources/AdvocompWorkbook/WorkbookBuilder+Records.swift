import AdvocompEngine
import AdvocompModel

extension WorkbookBuilder {
    /// The advocacy ledger's findings, one row each (a payee's own workbook: its own).
    func writeFindings(_ s: SheetSink) throws {
        let one = only.map { run.payees[$0].payee.id }
        let findings = one.map { id in run.findings.filter { $0.payeeID == id } } ?? run.findings
        let file = run.ledger?.ledger.file ?? ""
        let titles = ["Check", "Payee ID", "Action", "Event IDs", "First event", "Detail"]
        let data = [ColumnFit.text(findings.lazy.map(\.check.rawValue)), ColumnFit.text(findings.lazy.map { $0.payeeID ?? "" }),
                    ColumnFit.text(findings.lazy.map(\.action.rawValue)),
                    min(40, ColumnFit.text(findings.lazy.map { $0.eventIDs.joined(separator: " ") })),
                    ColumnFit.text(findings.prefix(1000).map { "\(file):\($0.line)" }),
                    min(120, ColumnFit.text(findings.lazy.map(\.detail), atLeast: 60))]
        let layout = zip(titles, data).map { ColumnLayout(ColumnFit.header($0, data: $1)) }
        try s.columns(layout)
        try s.freezeHeader(rows: 1, cols: 0)
        if !findings.isEmpty { try s.autofilter(lastRow: findings.count, lastCol: titles.count - 1) }
        try header(s, row: 0, titles, layout)
        try pageSetup(s, layout, header: 0...0)
        guard let ledger = run.ledger else {
            try s.text(1, 0, "No findings: the run had no advocacy event ledger (--events).", .plain)
            return
        }
        if findings.isEmpty {
            try s.text(1, 0, one.map { "No findings for payee \($0)." }
                ?? "No findings: the ledger \(ledger.ledger.file) passed every check the plan names.", .plain)
        }
        let detailWidth = layout[5].width
        for (i, f) in findings.enumerated() {
            let row = i + 1
            try s.text(row, 0, f.check.rawValue, .plain)
            try s.text(row, 1, f.payeeID ?? "", .plain)
            try s.text(row, 2, f.action.rawValue, .plain)
            try s.text(row, 3, f.eventIDs.joined(separator: " "), .plain)
            try s.text(row, 4, "\(ledger.ledger.file):\(f.line)", .plain)
            // A detail longer than its column wraps over lines.
            let lines = ColumnFit.lines(f.detail, width: detailWidth * 1.1)
            try s.text(row, 5, f.detail, lines > 1 ? .note : .plain)
            if lines > 1 { try s.rowHeight(row, ColumnFit.rowHeight(lines: lines)) }
        }
    }

    /// The true-up, payee by payee: the full-year payout from Payouts, what each period
    /// paid (from the run history: values), and the true-up as formulas over them.
    func writeTrueUp(_ s: SheetSink, _ t: TrueUpResult) throws {
        let periods = t.basis.periods.map(\.period)
        let titles = ["Payee ID", "Name", "Status", "Currency", "Full-year payout"] + periods.map { "Paid \($0)" }
            + ["Paid", "Carried in", "Difference", "True-up", "Carry forward", "Forgiven"]
        let money = ColumnFit.money(t.lines.reduce(FixedDecimal.zero) { max($0, $1.fullYear.amount.magnitude, $1.paid.amount.magnitude) },
                                    digits: moneyDigits)
        let data = [ColumnFit.text(t.lines.lazy.map(\.payeeID)), ColumnFit.text(t.lines.lazy.map(\.name)), 10, 8]
            + Array(repeating: money, count: titles.count - 4)
        let layout = zip(titles, data).map { ColumnLayout(ColumnFit.header($0, data: $1)) }
        try s.columns(layout)
        try s.freezeHeader(rows: 1, cols: 1)
        try s.autofilter(lastRow: max(t.lines.count, 1), lastCol: titles.count - 1)
        try header(s, row: 0, titles, layout)
        try pageSetup(s, layout, header: 0...0)
        let rowOf = Dictionary(payees.enumerated().map { ($1.payee.id, excelRow($0)) }, uniquingKeysWith: { a, _ in a })
        let paidCol = 5 + periods.count
        for (i, l) in t.lines.enumerated() {
            let row = i + 1, r = row + 1, d = l.currency.minorDigits
            try s.text(row, 0, l.payeeID, .plain)
            try s.text(row, 1, l.name, .plain)
            try s.text(row, 2, l.status.rawValue, .plain)
            try s.text(row, 3, l.currency.code, .plain)
            if let payoutsRow = rowOf[l.payeeID] {
                try s.formula(row, 4, "Payouts!\(col(payoutCol))\(payoutsRow)", cached: double(l.fullYear), .money(d))
            } else {
                try s.number(row, 4, 0, .money(d))  // not on the plan's roster this year
            }
            let paid = Dictionary(l.paidByPeriod.map { ($0.period, $0.amount) }, uniquingKeysWith: { a, _ in a })
            for (k, p) in periods.enumerated() { try s.number(row, 5 + k, double(paid[p] ?? .zero(l.currency)), .money(d)) }
            let paidSum = periods.isEmpty ? "0" : "SUM(\(col(5))\(r):\(col(paidCol - 1))\(r))"
            try s.formula(row, paidCol, paidSum, cached: double(l.paid), .money(d))
            try s.number(row, paidCol + 1, double(l.carriedIn), .money(d))
            let difference = "\(col(4))\(r)-\(col(paidCol))\(r)-\(col(paidCol + 1))\(r)"
            try s.formula(row, paidCol + 2, difference, cached: double(l.difference), .money(d))
            let diff = "\(col(paidCol + 2))\(r)"
            try s.formula(row, paidCol + 3, t.negative == .clawback ? diff : "MAX(0,\(diff))", cached: double(l.trueUp), .money(d))
            try s.formula(row, paidCol + 4, t.negative == .carry ? "MAX(0,-\(diff))" : "0", cached: double(l.carryForward), .money(d))
            try s.formula(row, paidCol + 5, t.negative == .forgive ? "MAX(0,-\(diff))" : "0", cached: double(l.forgiven), .money(d))
        }
        var row = t.lines.count + 2
        let runs = t.basis.periods.map { "\($0.period): run \($0.run)" }.joined(separator: ", ")
        for note in ["True-up of fiscal year \(t.year): the full-year payout (sheet Payouts, at annual targets) less what the closed periods paid (\(runs))"
                     + (t.basis.carriedFrom.map { " and what the true-up run \($0) carried forward" } ?? "") + ".",
                     "A negative difference is \(t.negative == .clawback ? "clawed back (the true-up is negative)" : t.negative == .carry ? "carried to next year" : "forgiven")."] {
            try s.text(row, 0, note, .plain)
            row += 1
        }
    }

    /// Where the figures came from: each input file's SHA-256 and size, the plan, the
    /// run, who made the workbook and with which command.
    func writeAudit(_ s: SheetSink) throws {
        let facts: [(String, String)] = [
            ("Plan id", plan.id), ("Plan version", plan.version), ("Period", run.period.description),
            ("Run", context.runText), ("By", context.user.isEmpty ? "(unknown)" : context.user),
            ("advocomp version", context.advocompVersion), ("Generated", context.generatedAt), ("Command", context.command),
        ]
        let layout = [ColumnLayout(18), ColumnLayout(min(90, ColumnFit.text(context.files.map(\.path) + facts.dropLast().map(\.1), atLeast: 30))),
                      ColumnLayout(68), ColumnLayout(12)]
        try s.columns(layout)
        var row = 0
        try s.text(row, 0, "Audit trail", .title); row += 2
        try header(s, row: row, ["Input", "Path", "SHA-256", "Bytes"], layout)
        row += 1
        for f in context.files {
            try s.text(row, 0, f.role, .plain)
            try s.text(row, 1, f.path, .plain)
            try s.text(row, 2, f.sha256, .plain)
            try s.number(row, 3, Double(f.bytes), .integer)
            row += 1
        }
        row += 1
        for (k, v) in facts {
            try s.text(row, 0, k, .bold)
            // The command line wraps within its column.
            let lines = ColumnFit.lines(v, width: layout[1].width * 1.1)
            try s.text(row, 1, v, lines > 1 ? .note : .plain)
            if lines > 1 { try s.rowHeight(row, ColumnFit.rowHeight(lines: lines)) }
            row += 1
        }
        try pageSetup(s, layout)
    }
}
