import AdvocompEngine
import AdvocompModel

extension WorkbookBuilder {
    /// The first columns of Inputs, before each KPI's three.
    static let inputsHeader = ["Payee ID", "Unit", "Base salary", "Target bonus %", "Target bonus", "Start date", "End date",
                               "Annual target", "Active days"]
    var inputsFixed: [String] { WorkbookBuilder.inputsHeader }

    /// The largest amount of money in the payees' `figure`, for a column's width.
    func largest(_ figure: (PayeeResult) -> FixedDecimal?) -> FixedDecimal {
        var m = FixedDecimal.zero
        for p in payees { if let v = figure(p), v.magnitude > m { m = v.magnitude } }
        return m
    }

    /// The most minor digits among the payees' currencies.
    var moneyDigits: Int { (run.totals.byCurrency.map(\.currency.minorDigits) + [only.map { run.payees[$0].currency.minorDigits } ?? 0]).max() ?? 2 }

    func writeInputs(_ s: SheetSink) throws {
        // Sheet settings first: in streaming (constant-memory) mode rows go out in order.
        let d = moneyDigits
        let salary = ColumnFit.money(largest { $0.payee.baseSalary }, digits: d)
        let bonus = ColumnFit.money(largest { $0.payee.targetBonus }, digits: d)
        let annual = ColumnFit.money(largest { $0.annualTarget.amount }, digits: d)
        let ids = ColumnFit.text(payees.lazy.map(\.payee.id)), units = ColumnFit.text(payees.lazy.map(\.payee.unit))
        var data: [Double] = [ids, units, salary, 8, bonus, 11, 11, annual, 7]
        var titles = inputsFixed
        for k in plan.kpis.indices {
            let n = kpiName(k)
            titles += ["\(n): actual", "\(n): target", "\(n): attainment"]
            data += [12, 12, 10]
        }
        let a = actualsCol
        let file = run.actuals?.file ?? "actuals"
        func source(_ r: ActualRow) -> String { r.line == 0 ? "event ledger \(run.ledger?.ledger.file ?? "")" : "\(file):\(r.line)" }
        var listTitles = ["Scope", "KPI", "Value (\(run.period))", "Source"]
        let listData = [ColumnFit.text(periodRows.lazy.map(\.scope.description)), ColumnFit.text(periodRows.lazy.map(\.kpi)), 14,
                        ColumnFit.text(periodRows.prefix(1000).map(source))]
        if periodRows.isEmpty { listTitles[2] = "Value (\(run.period)): none" }
        var layout = zip(titles, data).map { ColumnLayout(ColumnFit.header($0, data: $1)) }
        layout.append(ColumnLayout(2))
        layout += zip(listTitles, listData).map { ColumnLayout(ColumnFit.header($0, data: $1)) }
        try s.columns(layout)
        try s.freezeHeader(rows: 1, cols: 1)
        try s.autofilter(lastRow: max(payees.count, 1), lastCol: inputsFixed.count + 3 * plan.kpis.count - 1)
        try header(s, row: 0, titles + [""] + listTitles, layout)
        try pageSetup(s, layout, header: 0...0)
        let rows = max(payees.count, periodRows.count)
        let templates = InputsTemplates(self)
        for i in 0..<rows {
            let row = i + 1, R = excelRow(i)
            if i < payees.count {
                try writeInputsRow(s, payees[i], row: row, R: R, templates)
                rowCounter.add()
            }
            if i < periodRows.count {
                let r = periodRows[i]
                try s.text(row, a, r.scope.description, .plain)
                try s.text(row, a + 1, r.kpi, .plain)
                try s.number(row, a + 2, double(r.value), kpiIndex[r.kpi].map { kpiStyle[$0] } ?? .decimal)
                try s.text(row, a + 3, source(r), .plain)
            }
        }
    }

    /// The formulas of an Inputs row that are the same on every row but for the row number.
    struct InputsTemplates {
        let annualTarget: RowTemplate
        let activeDays: RowTemplate
        let formula: [RowTemplate?]   // per KPI: a derived KPI's formula
        let attainment: [RowTemplate]  // per KPI
        /// Per KPI: the row (0-based) of its value on the actuals list, by scope.
        let actualRow: [[ActualScope: Int]]

        init(_ b: WorkbookBuilder) {
            let R = RowTemplate.marker
            annualTarget = RowTemplate("IF(E\(R)<>\"\",E\(R),C\(R)*D\(R))")
            activeDays = RowTemplate("MAX(0,MIN(IF(G\(R)=\"\",PeriodEnd,G\(R)),PeriodEnd)-MAX(IF(F\(R)=\"\",PeriodStart,F\(R)),PeriodStart)+1)")
            let translator = b.expressionTranslator(row: R)
            formula = b.plan.kpis.map { k in k.formula.map { RowTemplate(translator.translate($0.tree)) } }
            attainment = b.plan.kpis.enumerated().map { k, kpi in
                let a = "\(b.col(b.kpiCol[k]))\(R)", t = "\(b.col(b.kpiCol[k] + 1))\(R)"
                return RowTemplate(kpi.better == .higher ? "\(a)/\(t)" : "2-\(a)/\(t)")
            }
            var rows = Array(repeating: [ActualScope: Int](), count: b.plan.kpis.count)
            for (i, r) in b.periodRows.enumerated() {
                guard let k = b.kpiIndex[r.kpi] else { continue }
                rows[k][r.scope] = i
            }
            actualRow = rows
        }
    }

    func writeInputsRow(_ s: SheetSink, _ p: PayeeResult, row: Int, R: Int, _ templates: InputsTemplates) throws {
        let payee = p.payee
        try s.text(row, 0, payee.id, .plain)
        try s.text(row, 1, payee.unit, .plain)
        let d = p.currency.minorDigits
        if let b = payee.baseSalary { try s.number(row, 2, double(b), .money(d)) }
        if let x = payee.targetBonusPct { try s.number(row, 3, double(x), .percent) }
        if let x = payee.targetBonus { try s.number(row, 4, double(x), .money(d)) }
        if let x = payee.startDate { try s.number(row, 5, WorkbookBuilder.excelDate(x), .date) }
        if let x = payee.endDate { try s.number(row, 6, WorkbookBuilder.excelDate(x), .date) }
        try s.formula(row, 7, templates.annualTarget.render(R), cached: double(p.annualTarget), .money(d))
        try s.formula(row, 8, templates.activeDays.render(R), cached: Double(p.activeDays), .integer)
        // Every figure is the engine's (`PayeeFigures`): actuals as read at the payee's
        // scope, targets, attainments. A KPI with no value for this payee is left blank.
        let figures = p.figures
        for (k, kpi) in plan.kpis.enumerated() {
            let c = kpiCol[k]
            let actual = figures?[.actual, k]
            if let f = templates.formula[k] {
                if let actual { try s.formula(row, c, f.render(R), cached: double(actual), kpiStyle[k]) }
            } else if let r = templates.actualRow[k][scope(kpi, payee)], let actual {
                try s.formula(row, c, "$\(col(actualsCol + 2))$\(r + 2)", cached: double(actual), kpiStyle[k])
            } else if kpi.missing == .zero, let actual {
                // No row at the KPI's scope, and `missing: zero`: the 0 the payout used.
                try s.number(row, c, double(actual), kpiStyle[k])
            }
            guard let tName = targetName["\(kpi.id)|\(payee.unit)"] ?? targetName["\(kpi.id)|"], let t = figures?[.target, k] else { continue }
            try s.formula(row, c + 1, tName, cached: double(t), kpiStyle[k])
            if let att = figures?[.attainment, k] {
                try s.formula(row, c + 2, templates.attainment[k].render(R), cached: double(att), .percent)
            }
        }
    }

    func scope(_ kpi: KPI, _ p: Payee) -> ActualScope {
        switch kpi.scope {
        case .company: return .company
        case .unit: return .unit(p.unit)
        case .payee: return .payee(p.id)
        }
    }

    /// Expressions of one payee's row, referring to that row's cells on Inputs. On the
    /// Inputs sheet itself references are local.
    func expressionTranslator(row R: String, onInputs: Bool = true) -> ExcelExpression {
        let prefix = onInputs ? "" : "Inputs!"
        return ExcelExpression(
            actual: { "\(prefix)\(self.col(self.kpiCol[$0]))\(R)" },
            target: { "\(prefix)\(self.col(self.kpiCol[$0] + 1))\(R)" },
            attainment: { "\(prefix)\(self.col(self.kpiCol[$0] + 2))\(R)" },
            kpiIndex: kpiIndex)
    }
}
