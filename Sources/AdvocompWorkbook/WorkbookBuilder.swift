import AdvocompEngine
import AdvocompModel

/// What the workbook records besides the run itself (read at the edge, passed in).
public struct WorkbookContext: Sendable {
    public struct InputFileRecord: Sendable {
        public let role: String
        public let path: String
        public let sha256: String
        public let bytes: Int
        public init(role: String, path: String, sha256: String, bytes: Int) {
            self.role = role; self.path = path; self.sha256 = sha256; self.bytes = bytes
        }
    }
    public var command: String
    /// When the run was made, as text (the clock is read by the caller).
    public var generatedAt: String
    public var advocompVersion: String
    public var files: [InputFileRecord]
    public init(command: String, generatedAt: String, advocompVersion: String, files: [InputFileRecord]) {
        self.command = command; self.generatedAt = generatedAt; self.advocompVersion = advocompVersion; self.files = files
    }
}

/// Writes a run as a workbook in which every payout is a live formula chain from the
/// inputs (sheet Inputs) and the plan's parameters (sheet Plan, as defined names), each
/// formula carrying the engine's value as its cached result.
///
/// Sheets: Summary, Payouts, Inputs, Plan, Statements, Findings, Audit.
public struct WorkbookBuilder {
    /// Statements are one printable block per payee; beyond this many payees the sheet
    /// would pass Excel's row limit, so it holds the first ones and says so.
    public static let statementLimit = 1_000

    let run: RunResult
    let context: WorkbookContext
    let plan: Plan
    let kpiIndex: [String: Int]
    var names = NameTable()
    /// Parameter name -> (row on Plan, value) filled while laying out the Plan sheet.
    var planRows: [(label: String, name: String, value: Double, style: CellStyle, formula: String?)] = []
    /// Names of ranges of Plan rows (curve point columns): (name, first index, last index) into planRows.
    var planRanges: [(name: String, first: Int, last: Int)] = []

    // Layout of Inputs (0-based columns).
    let inputsFixed = ["payee_id", "unit", "base_salary", "target_bonus_pct", "target_bonus", "start_date", "end_date",
                       "annual_target", "active_days"]
    var kpiCol: [Int] = []  // first of (actual, target, attainment) per KPI
    var actualsCol = 0       // first column of the actuals list on Inputs
    /// The period's rows of the actuals file, listed beside the payees on Inputs.
    var periodRows: [ActualRow] = []

    // Names of parameters.
    var weightName: [String] = []
    var maxScoreName: [String?] = []
    var measureWeightName: [[String]] = []
    var curvePrefix: [[String?]] = []      // per component, per measure
    var okrCurvePrefix: [String?] = []      // per component
    var krNames: [[(start: String, target: String, weight: String, max: String)]] = []
    var targetName: [String: String] = [:]  // "kpi|unit" or "kpi|" -> name
    var modifierNames: [[String: String]] = []
    var tableRowNames: [[(atLeast: String?, atMost: String?, factor: String)]] = []

    /// For a true-up: its lines, on a sheet "True-up" whose full-year payouts are the
    /// Payouts sheet's live formulas.
    let trueUp: TrueUpResult?

    public init(run: RunResult, context: WorkbookContext, trueUp: TrueUpResult? = nil) {
        self.run = run
        self.context = context
        self.trueUp = trueUp
        plan = run.plan
        var idx: [String: Int] = [:]
        for (i, k) in plan.kpis.enumerated() { idx[k.id] = i }
        kpiIndex = idx
    }

    public mutating func write(to book: WorkbookSink) throws {
        layoutPlan()
        layoutInputs()
        let summary = try book.addSheet("Summary")
        let payouts = try book.addSheet("Payouts")
        let trueUpSheet = try trueUp.map { _ in try book.addSheet("True-up") }
        let inputs = try book.addSheet("Inputs")
        let planSheet = try book.addSheet("Plan")
        let statements = try book.addSheet("Statements")
        let findings = try book.addSheet("Findings")
        let audit = try book.addSheet("Audit")
        try writePlan(planSheet, book)
        try writeInputs(inputs)
        try writePayouts(payouts)
        if let trueUp, let trueUpSheet { try writeTrueUp(trueUpSheet, trueUp) }
        try writeSummary(summary, book)
        try writeStatements(statements)
        try writeFindings(findings)
        try writeAudit(audit)
    }

    // MARK: Plan

    static func excelDate(_ d: CivilDate) -> Double { Double(d.dayNumber + 25569) }

    mutating func param(_ label: String, _ name: String, _ value: FixedDecimal, _ style: CellStyle = .decimal) {
        planRows.append((label, name, double(value), style, nil))
    }

    mutating func layoutPlan() {
        planRows.append(("First day of the period", "PeriodStart", WorkbookBuilder.excelDate(run.firstDay), .date, nil))
        planRows.append(("Last day of the period", "PeriodEnd", WorkbookBuilder.excelDate(run.lastDay), .date, nil))
        planRows.append(("Days in the period", "DaysInPeriod", Double(run.lastDay.dayNumber - run.firstDay.dayNumber + 1), .integer, nil))
        planRows.append(("Periods per year (\(plan.pays.rawValue))", "PeriodsPerYear", Double(run.period.periodsPerYear), .integer, nil))
        planRows.append(("Minimum active days", "MinActiveDays", Double(plan.minActiveDays), .integer, nil))
        _ = names.make("PeriodStart"); _ = names.make("PeriodEnd"); _ = names.make("DaysInPeriod")
        _ = names.make("PeriodsPerYear"); _ = names.make("MinActiveDays")
        if let cap = plan.cap { param("Cap (share of target incentive)", names.make("Cap"), cap, .percent) }
        if let floor = plan.floor { param("Floor (share of target incentive)", names.make("Floor"), floor, .percent) }
        for k in plan.kpis {
            if let t = k.target {
                let n = names.make("Target", k.id)
                targetName["\(k.id)|"] = n
                param("Target: \(k.id)", n, t)
            }
            for (u, t) in k.targets.sorted(by: { $0.key < $1.key }) {
                let n = names.make("Target", k.id, u)
                targetName["\(k.id)|\(u)"] = n
                param("Target: \(k.id), unit \(u)", n, t)
            }
        }
        var curveCount = 0
        var usedCurvePrefixes = Set<String>()
        func curveParams(_ c: Curve, _ label: String) -> String {
            curveCount += 1
            // A named curve is called by its name (`standard_X1`); inline ones by number.
            let prefix = c.name == "inline" || usedCurvePrefixes.contains(c.name)
                ? names.make("Curve\(curveCount)") : names.make(c.name)
            usedCurvePrefixes.insert(c.name)
            // Points as three columns of cells (X, Y, and the slope of the segment that
            // starts at each point), so a curve is one LOOKUP, whatever its length.
            let n = c.points.count
            let first = planRows.count
            for (j, p) in c.points.enumerated() {
                _ = names.make(prefix, "X\(j + 1)")
                param("\(label): point \(j + 1) attainment", "\(prefix)_X\(j + 1)", p.x, .percent)
            }
            for (j, p) in c.points.enumerated() {
                _ = names.make(prefix, "Y\(j + 1)")
                param("\(label): point \(j + 1) factor", "\(prefix)_Y\(j + 1)", p.y, .percent)
            }
            for j in 0..<n {
                // Segment j runs from point j to j+1; past the last point the slope is 0
                // (cap) or the last segment's (extend). Step curves have no slope.
                let linear = c.interpolate == .linear
                let segment = j < n - 1 ? j : (linear && c.above == .extend && n >= 2 ? n - 2 : -1)
                _ = names.make(prefix, "S\(j + 1)")
                if linear && segment >= 0 {
                    let a = c.points[segment], b = c.points[segment + 1]
                    let slope = (try? (try b.y - a.y) / (try b.x - a.x)) ?? .zero
                    let f = "(\(prefix)_Y\(segment + 2)-\(prefix)_Y\(segment + 1))/(\(prefix)_X\(segment + 2)-\(prefix)_X\(segment + 1))"
                    planRows.append(("\(label): slope after point \(j + 1)", "\(prefix)_S\(j + 1)", double(slope), .decimal, f))
                } else {
                    param("\(label): slope after point \(j + 1)", "\(prefix)_S\(j + 1)", .zero)
                }
            }
            for (suffix, offset) in [("X", 0), ("Y", n), ("S", 2 * n)] {
                let name = names.make(prefix, suffix)
                planRanges.append((name, first + offset, first + offset + n - 1))
            }
            _ = names.make(prefix, "Below")
            param("\(label): factor below the first point", "\(prefix)_Below", c.below, .percent)
            return prefix
        }
        for c in plan.components {
            let w = names.make("Weight", c.id)
            weightName.append(w)
            param("Component \(c.id): weight", w, c.weight, .percent)
            if let m = c.maxScore {
                let n = names.make("MaxScore", c.id)
                maxScoreName.append(n)
                param("Component \(c.id): max_score", n, m, .percent)
            } else {
                maxScoreName.append(nil)
            }
            var mw: [String] = [], cp: [String?] = [], krs: [(String, String, String, String)] = []
            var okrCurve: String?
            switch c.kind {
            case .measures(let ms):
                for m in ms {
                    let n = names.make("MW", c.id, m.kpi)
                    mw.append(n)
                    param("Component \(c.id): weight of \(m.kpi)", n, m.weight, .percent)
                    cp.append(m.curve.map { curveParams($0, "Component \(c.id), \(m.kpi), curve \($0.name)") })
                }
            case .okr(let oid, let curve):
                let o = plan.objectives.first { $0.id == oid }
                for kr in o?.keyResults ?? [] {
                    let s = names.make("KR", c.id, kr.id, "Start"), t = names.make("KR", c.id, kr.id, "Target")
                    let w = names.make("KR", c.id, kr.id, "Weight"), x = names.make("KR", c.id, kr.id, "Max")
                    param("Objective \(oid), \(kr.id) (\(kr.kpi)): start", s, kr.start)
                    param("Objective \(oid), \(kr.id): target", t, kr.target)
                    param("Objective \(oid), \(kr.id): weight", w, kr.weight, .percent)
                    param("Objective \(oid), \(kr.id): max progress", x, kr.max, .percent)
                    krs.append((s, t, w, x))
                }
                okrCurve = curve.map { curveParams($0, "Component \(c.id), curve \($0.name)") }
            case .formula: break
            }
            measureWeightName.append(mw)
            curvePrefix.append(cp)
            krNames.append(krs)
            okrCurvePrefix.append(okrCurve)
        }
        for m in plan.modifiers {
            var n: [String: String] = [:]
            var rows: [(String?, String?, String)] = []
            switch m.kind {
            case .multiplier(_, let factor, let otherwise):
                n["factor"] = names.make("Mod", m.id, "Factor"); param("Modifier \(m.id): factor", n["factor"]!, factor)
                n["otherwise"] = names.make("Mod", m.id, "Otherwise"); param("Modifier \(m.id): otherwise", n["otherwise"]!, otherwise)
            case .gate(_, let otherwise):
                n["otherwise"] = names.make("Mod", m.id, "Otherwise"); param("Modifier \(m.id): otherwise", n["otherwise"]!, otherwise)
            case .accelerator(_, let above, let rate, let maxExtra):
                n["above"] = names.make("Mod", m.id, "Above"); param("Modifier \(m.id): above", n["above"]!, above, .percent)
                n["rate"] = names.make("Mod", m.id, "Rate"); param("Modifier \(m.id): rate", n["rate"]!, rate)
                if let x = maxExtra {
                    n["max_extra"] = names.make("Mod", m.id, "MaxExtra"); param("Modifier \(m.id): max_extra", n["max_extra"]!, x, .percent)
                }
            case .table(_, _, let tableRows, let otherwise):
                for (j, r) in tableRows.enumerated() {
                    var lo: String?, hi: String?
                    if let v = r.atLeast { lo = names.make("Mod", m.id, "R\(j + 1)", "AtLeast"); param("Modifier \(m.id): row \(j + 1) at_least", lo!, v) }
                    if let v = r.atMost { hi = names.make("Mod", m.id, "R\(j + 1)", "AtMost"); param("Modifier \(m.id): row \(j + 1) at_most", hi!, v) }
                    let f = names.make("Mod", m.id, "R\(j + 1)", "Factor")
                    param("Modifier \(m.id): row \(j + 1) factor", f, r.factor)
                    rows.append((lo, hi, f))
                }
                n["otherwise"] = names.make("Mod", m.id, "Otherwise"); param("Modifier \(m.id): otherwise", n["otherwise"]!, otherwise)
            }
            modifierNames.append(n)
            tableRowNames.append(rows)
        }
        if let pool = run.pool {
            let d = pool.currency.minorDigits
            planRows.append(("Pool amount (\(pool.source))", names.make("PoolAmount"), double(pool.amount), .money(d), nil))
            let units = double(pool.amount) * pow10(d)
            planRows.append(("Pool in minor units", names.make("PoolUnits"), units, .integer, "ROUND(PoolAmount*\(scale(d)),0)"))
        }
    }

    func writePlan(_ s: SheetSink, _ book: WorkbookSink) throws {
        try s.columnWidths([52, 16, 34])
        try s.freezeHeader(rows: 1, cols: 0)
        try s.text(0, 0, "parameter", .header)
        try s.text(0, 1, "value", .header)
        try s.text(0, 2, "defined name", .header)
        for (i, p) in planRows.enumerated() {
            let row = i + 1
            try s.text(row, 0, p.label, .plain)
            if let f = p.formula { try s.formula(row, 1, f, cached: p.value, p.style) } else { try s.number(row, 1, p.value, p.style) }
            try s.text(row, 2, p.name, .plain)
            try book.defineName(p.name, refersTo: "=Plan!$B$\(row + 1)")
        }
        for r in planRanges {
            try book.defineName(r.name, refersTo: "=Plan!$B$\(r.first + 2):$B$\(r.last + 2)")
        }
    }

    // MARK: Inputs

    mutating func layoutInputs() {
        kpiCol = plan.kpis.indices.map { inputsFixed.count + 3 * $0 }
        actualsCol = inputsFixed.count + 3 * plan.kpis.count + 1
        periodRows = (run.actuals?.rows ?? []).filter { r in
            r.period == run.period && kpiIndex[r.kpi].map { plan.kpis[$0].formula == nil } == true
        }
    }

    /// Excel row (1-based) of payee i's row on Inputs and Payouts (header on row 1).
    func excelRow(_ i: Int) -> Int { i + 2 }

    func col(_ c: Int) -> String { ExcelRef.column(c) }

    func actualRef(_ k: Int, row: String) -> String { "Inputs!\(col(kpiCol[k]))\(row)" }
    func targetRef(_ k: Int, row: String) -> String { "Inputs!\(col(kpiCol[k] + 1))\(row)" }
    func attainmentRef(_ k: Int, row: String) -> String { "Inputs!\(col(kpiCol[k] + 2))\(row)" }

    func writeInputs(_ s: SheetSink) throws {
        // Sheet settings first: in streaming (constant-memory) mode rows go out in order.
        var widths: [Double] = [12, 16, 12, 10, 12, 11, 11, 13, 8]
        for _ in plan.kpis { widths += [12, 12, 12] }
        widths += [2, 24, 22, 14, 24]
        try s.columnWidths(widths)
        try s.freezeHeader(rows: 1, cols: 1)
        try s.autofilter(lastRow: max(run.payees.count, 1), lastCol: inputsFixed.count + 3 * plan.kpis.count - 1)
        for (c, h) in inputsFixed.enumerated() { try s.text(0, c, h, .header) }
        for (k, kpi) in plan.kpis.enumerated() {
            try s.text(0, kpiCol[k], "\(kpi.id) actual", .header)
            try s.text(0, kpiCol[k] + 1, "\(kpi.id) target", .header)
            try s.text(0, kpiCol[k] + 2, "\(kpi.id) attainment", .header)
        }
        let a = actualsCol
        for (j, h) in ["scope", "kpi", "value (\(run.period))", "source"].enumerated() { try s.text(0, a + j, h, .header) }
        let rows = max(run.payees.count, periodRows.count)
        let file = run.actuals?.file ?? "actuals"
        let templates = InputsTemplates(self)
        for i in 0..<rows {
            let row = i + 1, R = excelRow(i)
            if i < run.payees.count { try writeInputsRow(s, run.payees[i], row: row, R: R, templates) }
            if i < periodRows.count {
                let r = periodRows[i]
                try s.text(row, a, r.scope.description, .plain)
                try s.text(row, a + 1, r.kpi, .plain)
                try s.number(row, a + 2, double(r.value), .decimal)
                try s.text(row, a + 3, r.line == 0 ? "event ledger \(run.ledger?.ledger.file ?? "")" : "\(file):\(r.line)", .plain)
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
            let actual = figures?.actuals[k]
            if let f = templates.formula[k] {
                if let actual { try s.formula(row, c, f.render(R), cached: double(actual), .decimal) }
            } else if let r = templates.actualRow[k][scope(kpi, payee)], let actual {
                try s.formula(row, c, "$\(col(actualsCol + 2))$\(r + 2)", cached: double(actual), .decimal)
            } else if kpi.missing == .zero, let actual {
                // No row at the KPI's scope, and `missing: zero`: the 0 the payout used.
                try s.number(row, c, double(actual), .decimal)
            }
            guard let tName = targetName["\(kpi.id)|\(payee.unit)"] ?? targetName["\(kpi.id)|"], let t = figures?.targets[k] else { continue }
            try s.formula(row, c + 1, tName, cached: double(t), .decimal)
            if let att = figures?.attainments[k] {
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

    // MARK: Payouts

    var componentCols: Range<Int> { 6..<(6 + plan.components.count) }
    var modifierCols: Range<Int> { componentCols.upperBound..<(componentCols.upperBound + plan.modifiers.count) }
    var grossCol: Int { modifierCols.upperBound }
    var roundedCol: Int { grossCol + 1 }
    var payoutCol: Int { grossCol + 2 }
    var statusCol: Int { grossCol + 3 }
    var poolCols: Int { statusCol + 1 }  // units, share, remainder, order, bonus
    /// One column per OKR component holding its objective score, so the curve reads a cell.
    var objectiveCols: Int { poolCols + (run.pool != nil ? 5 : 0) }
    var okrComponents: [Int] {
        plan.components.indices.filter { if case .okr = plan.components[$0].kind { return true } else { return false } }
    }

    func writePayouts(_ s: SheetSink) throws {
        var header = ["payee_id", "name", "title", "unit", "currency", "target_incentive"]
        header += plan.components.map(\.id)
        header += plan.modifiers.map(\.id)
        header += ["gross", "payout_before_pool", "payout", "status"]
        if run.pool != nil { header += ["pool_units", "pool_share", "pool_remainder", "pool_order", "pool_extra_unit"] }
        header += okrComponents.map { "\(plan.components[$0].id) objective score" }
        var widths: [Double] = [12, 22, 26, 16, 6, 14]
        widths += Array(repeating: 14, count: plan.components.count)
        widths += Array(repeating: 10, count: plan.modifiers.count)
        widths += [14, 14, 14, 10]
        if run.pool != nil { widths += [12, 12, 12, 8, 8] }
        widths += okrComponents.map { _ in 14 }
        try s.columnWidths(widths)
        try s.freezeHeader(rows: 1, cols: 1)
        try s.autofilter(lastRow: max(run.payees.count, 1), lastCol: header.count - 1)
        for (c, h) in header.enumerated() { try s.text(0, c, h, .header) }
        let last = excelRow(run.payees.count - 1)
        // Every formula of a row is the same on every row but for the row number: build
        // each column's template once, then stamp it out per payee.
        let R = RowTemplate.marker
        let ti = "F\(R)"
        let tiT = RowTemplate("IF(Inputs!I\(R)<MinActiveDays,0,Inputs!H\(R)*Inputs!I\(R)/(DaysInPeriod*PeriodsPerYear))")
        let objectiveT = okrComponents.map { RowTemplate(objectiveScore($0, row: R)) }
        let componentT = plan.components.enumerated().map { c, component -> RowTemplate in
            var f = "\(ti)*\(weightName[c])*\(score(c, component, row: R))"
            for (m, modifier) in plan.modifiers.enumerated() where modifier.applies(to: component.id) {
                f += "*\(col(modifierCols.lowerBound + m))\(R)"
            }
            return RowTemplate(f)
        }
        let modifierT = plan.modifiers.enumerated().map { RowTemplate(factor($0, $1, row: R)) }
        var gross = "MAX(0,SUM(\(col(componentCols.lowerBound))\(R):\(col(componentCols.upperBound - 1))\(R)))"
        if plan.floor != nil { gross = "MAX(\(gross),Floor*\(ti))" }
        if plan.cap != nil { gross = "MIN(\(gross),Cap*\(ti))" }
        let grossT = RowTemplate(gross)
        let rounded = "\(col(roundedCol))\(R)"
        // The gross is never negative (it is at least 0 above), so the short form of the rounding applies.
        var roundedT: [Int: RowTemplate] = [:]  // by the currency's minor digits
        // A payee held by the ledger's checks (see Findings) is held unless ineligible.
        let statusT = RowTemplate("IF(Inputs!I\(R)<MinActiveDays,\"ineligible\",\"ok\")")
        let heldStatusT = RowTemplate("IF(Inputs!I\(R)<MinActiveDays,\"ineligible\",\"held\")")
        let held = run.ledger?.held ?? []
        var payoutT = RowTemplate(rounded)
        var poolT: [RowTemplate] = []
        if let pool = run.pool.map({ poolCells($0) }) {
            let d = run.pool?.currency.minorDigits ?? 2
            let u = "\(col(poolCols))\(R)", share = "\(col(poolCols + 1))\(R)"
            let rem = "\(col(poolCols + 2))\(R)", ord = "\(col(poolCols + 3))\(R)", extra = "\(col(poolCols + 4))\(R)"
            let remRange = "$\(col(poolCols + 2))$2:$\(col(poolCols + 2))$\(last)"
            let ordRange = "$\(col(poolCols + 3))$2:$\(col(poolCols + 3))$\(last)"
            // units * pool is a whole number, exact in a spreadsheet's doubles below 2^53
            // (9e15: a payout of $1M under a pool of $90M): its remainder by the total
            // gives the share and the fraction left over without rounding noise.
            let product = "\(u)*PoolUnits"
            payoutT = RowTemplate("IF(\(pool.total)>PoolUnits,(\(share)+\(extra))/\(scale(d)),\(rounded))")
            poolT = [
                RowTemplate("ROUND(\(rounded)*\(scale(d)),0)"),
                RowTemplate("IF(\(pool.total)>PoolUnits,(\(product)-MOD(\(product),\(pool.total)))/\(pool.total),\(u))"),
                RowTemplate("IF(\(pool.total)>PoolUnits,ROUND(MOD(\(product),\(pool.total))/\(pool.total),9),0)"),
                RowTemplate("IF(\(pool.total)>PoolUnits,IF(SUMPRODUCT(--(\(remRange)>\(rem)))+SUMPRODUCT(--(\(remRange)=\(rem)),--(\(ordRange)<\(ord)))<\(pool.leftover),1,0),0)"),
            ]
        }
        // Payee index -> its place among the pool's members.
        var poolMember = [Int?](repeating: nil, count: run.payees.count)
        for (n, i) in (run.pool?.split?.members ?? []).enumerated() { poolMember[i] = n }
        for (i, p) in run.payees.enumerated() {
            let row = i + 1, R = excelRow(i)
            let d = p.currency.minorDigits
            try s.text(row, 0, p.payee.id, .plain)
            try s.text(row, 1, p.payee.name, .plain)
            try s.text(row, 2, p.payee.title, .plain)
            try s.text(row, 3, p.payee.unit, .plain)
            try s.text(row, 4, p.currency.code, .plain)
            try s.formula(row, 5, tiT.render(R), cached: double(p.targetIncentive), .money(d))
            let ineligible = p.status == .ineligible
            let figures = p.figures
            for (j, c) in okrComponents.enumerated() {
                try s.formula(row, objectiveCols + j, objectiveT[j].render(R), cached: double(figures?.objectiveScores[c] ?? .zero), .percent)
            }
            for c in plan.components.indices {
                let cached = ineligible || c >= p.componentAmountCount ? 0 : double(p.componentAmount(c))
                try s.formula(row, componentCols.lowerBound + c, componentT[c].render(R), cached: cached, .money(d))
            }
            for m in plan.modifiers.indices {
                let factor = m < p.modifierFactors.count ? p.modifierFactors[m] : figures?.factors[m]
                try s.formula(row, modifierCols.lowerBound + m, modifierT[m].render(R), cached: double(factor ?? .one), .decimal)
            }
            try s.formula(row, grossCol, grossT.render(R), cached: double(p.gross), .money(d))
            let roundT = roundedT[d] ?? RowTemplate(ExcelFormula.round("\(col(grossCol))\(RowTemplate.marker)", places: d,
                                                                         mode: plan.rounding, nonNegative: true))
            roundedT[d] = roundT
            try s.formula(row, roundedCol, roundT.render(R), cached: double(p.roundedPayout), .money(d))
            try s.formula(row, payoutCol, payoutT.render(R), cached: double(p.payout), .money(d))
            try s.formulaText(row, statusCol, (held.contains(p.payee.id) ? heldStatusT : statusT).render(R),
                              cached: p.status.rawValue, .plain)
            if !poolT.isEmpty {
                // The pool's split as the engine made it (`PoolSplit`); without one (the pool
                // does not bind, or the payee is not in it) the share is the payout itself.
                // Rounded to minor units by the engine: the division is exact.
                let units = p.roundedPayout.amount.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale - d))
                let n = poolMember[i]
                let split = run.pool?.split
                let share = n.flatMap { n in split.map { $0.shares[n] } } ?? units
                let remainder = n.flatMap { n in split.map { $0.remainders[n] } } ?? .zero
                let extra = n.flatMap { n in split.map { $0.extraUnit[n] } } ?? false
                try s.formula(row, poolCols, poolT[0].render(R), cached: Double(units), .integer)
                try s.formula(row, poolCols + 1, poolT[1].render(R), cached: Double(share), .integer)
                try s.formula(row, poolCols + 2, poolT[2].render(R), cached: double(try remainder.rounded(places: 9, mode: .halfEven)), .decimal)
                try s.number(row, poolCols + 3, Double(i + 1), .integer)
                try s.formula(row, poolCols + 4, poolT[3].render(R), cached: extra ? 1 : 0, .integer)
            }
        }
    }

    /// Cells the pool's split needs: the sum of payouts in minor units and the units
    /// still to hand out after flooring, both over the Payouts column.
    func poolCells(_ pool: PoolResult) -> (total: String, leftover: String) {
        let last = excelRow(run.payees.count - 1)
        let u = "$\(col(poolCols))$2:$\(col(poolCols))$\(last)"
        let share = "$\(col(poolCols + 1))$2:$\(col(poolCols + 1))$\(last)"
        return ("SUM(\(u))", "(PoolUnits-SUM(\(share)))")
    }

    /// The component's score for the payee on row R (SPEC section 5 step 5).
    func score(_ c: Int, _ component: Component, row R: String) -> String {
        var raw: String
        switch component.kind {
        case .measures(let ms):
            raw = ms.enumerated().map { i, m -> String in
                let k = kpiIndex[m.kpi] ?? 0
                let a = attainmentRef(k, row: R)
                let f = m.curve.map { ExcelFormula.curve($0, prefix: curvePrefix[c][i] ?? "", at: a) } ?? a
                return "\(measureWeightName[c][i])*\(f)"
            }.joined(separator: "+")
        case .okr(_, let curve):
            let objective = "\(col(objectiveCols + (okrComponents.firstIndex(of: c) ?? 0)))\(R)"
            raw = curve.map { ExcelFormula.curve($0, prefix: okrCurvePrefix[c] ?? "", at: objective) } ?? objective
        case .formula(let e):
            raw = expressionTranslator(row: R, onInputs: false).translate(e.tree)
        }
        if let m = maxScoreName[c] { return "MIN(\(m),\(raw))" }
        return "(\(raw))"
    }

    /// An OKR component's objective score: the weighted progress of its key results.
    func objectiveScore(_ c: Int, row R: String) -> String {
        guard case .okr(let oid, _) = plan.components[c].kind else { return "0" }
        let o = plan.objectives.first { $0.id == oid }
        return (o?.keyResults ?? []).enumerated().map { j, kr -> String in
            let n = krNames[c][j]
            let a = actualRef(kpiIndex[kr.kpi] ?? 0, row: R)
            return "\(n.weight)*MIN(MAX((\(a)-\(n.start))/(\(n.target)-\(n.start)),0),\(n.max))"
        }.joined(separator: "+")
    }

    /// The modifier's factor for the payee on row R (SPEC section 5 step 6).
    func factor(_ m: Int, _ modifier: Modifier, row R: String) -> String {
        let n = modifierNames[m]
        let x = expressionTranslator(row: R, onInputs: false)
        switch modifier.kind {
        case .multiplier(let when, _, _):
            return "IF(\(x.translate(when.tree)),\(n["factor"] ?? "1"),\(n["otherwise"] ?? "1"))"
        case .gate(let when, _):
            return "IF(\(x.translate(when.tree)),1,\(n["otherwise"] ?? "0"))"
        case .accelerator(let kpi, _, _, _):
            let a = attainmentRef(kpiIndex[kpi] ?? 0, row: R)
            let extra = "\(n["rate"] ?? "0")*MAX(0,\(a)-\(n["above"] ?? "1"))"
            return n["max_extra"].map { "1+MIN(\($0),\(extra))" } ?? "1+\(extra)"
        case .table(let kpi, let on, _, _):
            let k = kpiIndex[kpi] ?? 0
            let v = on == .value ? actualRef(k, row: R) : attainmentRef(k, row: R)
            var f = n["otherwise"] ?? "1"
            for r in tableRowNames[m].reversed() {
                var conds: [String] = []
                if let lo = r.atLeast { conds.append("\(v)>=\(lo)") }
                if let hi = r.atMost { conds.append("\(v)<=\(hi)") }
                let cond = conds.count == 1 ? conds[0] : "AND(\(conds.joined(separator: ",")))"
                f = "IF(\(cond),\(r.factor),\(f))"
            }
            return f
        }
    }

    // MARK: Summary

    func writeSummary(_ s: SheetSink, _ book: WorkbookSink) throws {
        try s.columnWidths([26, 40, 10, 18, 18, 18])
        var row = 0
        try s.text(row, 0, "\(plan.title ?? plan.id)", .title); row += 2
        let facts: [(String, String)] = [
            ("Plan", "\(plan.id) version \(plan.version)"),
            ("Period", "\(run.period): \(run.firstDay) to \(run.lastDay)"),
            ("Rounding", plan.rounding.rawValue),
            ("Generated", context.generatedAt),
            ("By", "advocomp \(context.advocompVersion)"),
            ("Command", context.command),
        ]
        for (k, v) in facts { try s.text(row, 0, k, .bold); try s.text(row, 1, v, .plain); row += 1 }
        row += 1
        let n = run.payees.count
        let last = excelRow(n - 1)
        func payoutsRange(_ c: Int) -> String { "Payouts!$\(col(c))$2:$\(col(c))$\(max(last, 2))" }
        let unitRange = payoutsRange(3), currencyRange = payoutsRange(4), statusRange = payoutsRange(statusCol)
        let tiRange = payoutsRange(5), payoutRange = payoutsRange(payoutCol)

        // Totals by unit (per currency: amounts are never added across currencies).
        try s.text(row, 0, "Totals by unit", .bold); row += 1
        for (j, h) in ["unit", "currency", "payees", "target incentive", "payout", "payout % of target"].enumerated() {
            try s.text(row, j, h, .header)
        }
        row += 1
        // The run's totals (the engine's); the Payouts column the formulas add holds the
        // target incentives unrounded, so their cached sums are the unrounded ones.
        let groups = run.totals.byUnit.map { (unit: $0.unit, currency: $0.currency, count: $0.sum.payees,
                                              ti: $0.exactTargetIncentive, payout: $0.payout) }
        let firstUnitRow = row
        for g in groups {
            let R = row + 1
            try s.text(row, 0, g.unit, .plain)
            try s.text(row, 1, g.currency.code, .plain)
            try s.formula(row, 2, "COUNTIFS(\(unitRange),A\(R),\(currencyRange),B\(R))", cached: Double(g.count), .integer)
            try s.formula(row, 3, "SUMIFS(\(tiRange),\(unitRange),A\(R),\(currencyRange),B\(R))", cached: double(g.ti), .money(g.currency.minorDigits))
            try s.formula(row, 4, "SUMIFS(\(payoutRange),\(unitRange),A\(R),\(currencyRange),B\(R))", cached: double(g.payout), .money(g.currency.minorDigits))
            let pct = g.ti.isZero ? 0 : double(g.payout) / double(g.ti)
            try s.formula(row, 5, "IF(D\(R)=0,0,E\(R)/D\(R))", cached: pct, .percent)
            row += 1
        }
        let lastUnitRow = row - 1
        row += 1
        try s.text(row, 0, "Totals by status", .bold); row += 1
        for (j, h) in ["status", "currency", "payees", "target incentive", "payout"].enumerated() { try s.text(row, j, h, .header) }
        row += 1
        let statusGroups = run.totals.byStatus.map { ($0.status.rawValue, $0.currency, $0.payees, $0.exactTargetIncentive, $0.payout) }
        for g in statusGroups {
            let R = row + 1
            try s.text(row, 0, g.0, .plain)
            try s.text(row, 1, g.1.code, .plain)
            try s.formula(row, 2, "COUNTIFS(\(statusRange),A\(R),\(currencyRange),B\(R))", cached: Double(g.2), .integer)
            try s.formula(row, 3, "SUMIFS(\(tiRange),\(statusRange),A\(R),\(currencyRange),B\(R))", cached: double(g.3), .money(g.1.minorDigits))
            try s.formula(row, 4, "SUMIFS(\(payoutRange),\(statusRange),A\(R),\(currencyRange),B\(R))", cached: double(g.4), .money(g.1.minorDigits))
            row += 1
        }
        if let pool = run.pool {
            row += 1
            let d = pool.currency.minorDigits
            try s.text(row, 0, "Pool", .bold); row += 1
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
        try s.columnWidths([26, 40, 10, 18, 18, 18])
        if !groups.isEmpty {
            let rows = firstUnitRow...lastUnitRow
            try book.columnChart(on: s, row: 2, col: 7, title: "Payout against target by unit",
                                 categories: ColumnRange(sheet: "Summary", col: 0, rows: rows),
                                 series: [("Target incentive", ColumnRange(sheet: "Summary", col: 3, rows: rows)),
                                          ("Payout", ColumnRange(sheet: "Summary", col: 4, rows: rows))])
        }
    }

    // MARK: Statements

    func writeStatements(_ s: SheetSink) throws {
        try s.columnWidths([34, 16, 16, 14])
        var row = 0
        var breaks: [Int] = []
        let shown = run.payees.prefix(WorkbookBuilder.statementLimit)
        for (i, p) in shown.enumerated() {
            if i > 0 { breaks.append(row) }
            let R = String(excelRow(i))
            let d = p.currency.minorDigits
            let who = [p.payee.name, p.payee.title, p.payee.unit.isEmpty ? "" : "unit \(p.payee.unit)"].filter { !$0.isEmpty }.joined(separator: ", ")
            try s.text(row, 0, "Payee \(p.payee.id): \(who)", .title); row += 1
            try s.text(row, 0, "Plan \(plan.id) v\(plan.version), \(run.period) (\(run.firstDay) to \(run.lastDay)), \(p.currency.code)", .plain); row += 1
            try s.text(row, 0, "Target incentive", .bold)
            try s.formula(row, 1, "Payouts!F\(R)", cached: double(p.targetIncentive), .money(d)); row += 1
            try s.text(row, 0, "Active days", .plain)
            try s.formula(row, 1, "Inputs!I\(R)", cached: Double(p.activeDays), .integer); row += 2
            for (j, h) in ["KPI", "actual", "target", "attainment"].enumerated() { try s.text(row, j, h, .header) }
            row += 1
            let figures = p.figures
            for (k, kpi) in plan.kpis.enumerated() {
                let scored = figures?.scored[k] ?? false
                try s.text(row, 0, (kpi.name ?? kpi.id) + (scored || p.status == .ineligible ? "" : " (input only, not scored)"), .plain)
                if let a = figures?.actuals[k] {
                    try s.formula(row, 1, actualRef(k, row: R), cached: double(a), .decimal)
                    if let t = figures?.targets[k], targetName["\(kpi.id)|\(p.payee.unit)"] ?? targetName["\(kpi.id)|"] != nil {
                        try s.formula(row, 2, targetRef(k, row: R), cached: double(t), .decimal)
                        if let att = figures?.attainments[k] {
                            try s.formula(row, 3, attainmentRef(k, row: R), cached: double(att), .percent)
                        }
                    }
                } else {
                    try s.text(row, 1, "none in the inputs", .plain)
                }
                row += 1
            }
            row += 1
            for (j, h) in ["component", "amount"].enumerated() { try s.text(row, j, h, .header) }
            row += 1
            for (c, component) in plan.components.enumerated() {
                try s.text(row, 0, component.id, .plain)
                let cached = c < p.componentAmountCount ? double(p.componentAmount(c)) : 0
                try s.formula(row, 1, "Payouts!\(col(componentCols.lowerBound + c))\(R)", cached: cached, .money(d)); row += 1
            }
            if !plan.modifiers.isEmpty {
                row += 1
                for (j, h) in ["modifier", "factor"].enumerated() { try s.text(row, j, h, .header) }
                row += 1
                for (m, modifier) in plan.modifiers.enumerated() {
                    try s.text(row, 0, "\(modifier.id) (\(modifier.kind.typeName))", .plain)
                    let factor = m < p.modifierFactors.count ? p.modifierFactors[m] : figures?.factors[m]
                    try s.formula(row, 1, "Payouts!\(col(modifierCols.lowerBound + m))\(R)", cached: double(factor ?? .one), .decimal); row += 1
                }
            }
            row += 1
            try s.text(row, 0, "Gross (after cap and floor)", .plain)
            try s.formula(row, 1, "Payouts!\(col(grossCol))\(R)", cached: double(p.gross), .money(d)); row += 1
            try s.text(row, 0, "Payout", .bold)
            try s.formula(row, 1, "Payouts!\(col(payoutCol))\(R)", cached: double(p.payout), .money(d)); row += 1
            try s.text(row, 0, "Status", .plain)
            try s.formulaText(row, 1, "Payouts!\(col(statusCol))\(R)", cached: p.status.rawValue, .plain); row += 2
        }
        if run.payees.count > shown.count {
            try s.text(row, 0, "Statements are shown for the first \(shown.count) of \(run.payees.count) payees (Excel's row limit); use `advocomp explain --payee ID` for the others.", .plain)
            row += 1
        }
        try s.pageBreaks(beforeRows: breaks)
        try s.printSetup(lastRow: max(row - 1, 0), lastCol: 3, fitToWidth: true, landscape: false)
    }

    // MARK: Findings and Audit

    func writeFindings(_ s: SheetSink) throws {
        try s.columnWidths([18, 12, 30, 10, 100, 24])
        try s.freezeHeader(rows: 1, cols: 0)
        let findings = run.findings
        if !findings.isEmpty { try s.autofilter(lastRow: findings.count, lastCol: 5) }
        for (j, h) in ["check", "payee_id", "event_ids", "action", "detail", "first event"].enumerated() { try s.text(0, j, h, .header) }
        guard let ledger = run.ledger else {
            try s.text(1, 0, "No findings: the run had no advocacy event ledger (--events).", .plain)
            return
        }
        if findings.isEmpty {
            try s.text(1, 0, "No findings: the ledger \(ledger.ledger.file) passed every check the plan names.", .plain)
        }
        for (i, f) in findings.enumerated() {
            let row = i + 1
            try s.text(row, 0, f.check.rawValue, .plain)
            try s.text(row, 1, f.payeeID ?? "", .plain)
            try s.text(row, 2, f.eventIDs.joined(separator: " "), .plain)
            try s.text(row, 3, f.action.rawValue, .plain)
            try s.text(row, 4, f.detail, .plain)
            try s.text(row, 5, "\(ledger.ledger.file):\(f.line)", .plain)
        }
    }

    /// The true-up, payee by payee: the full-year payout from Payouts, what each period
    /// paid (from the run history: values), and the true-up as formulas over them.
    func writeTrueUp(_ s: SheetSink, _ t: TrueUpResult) throws {
        let periods = t.basis.periods.map(\.period)
        let header = ["payee_id", "name", "status", "currency", "full_year_payout"] + periods.map { "paid \($0)" }
            + ["paid", "carried_in", "difference", "true_up", "carry_forward", "forgiven"]
        try s.columnWidths([12, 22, 10, 6, 16] + periods.map { _ in 14 } + [14, 12, 14, 14, 14, 12])
        try s.freezeHeader(rows: 1, cols: 1)
        try s.autofilter(lastRow: max(t.lines.count, 1), lastCol: header.count - 1)
        for (c, h) in header.enumerated() { try s.text(0, c, h, .header) }
        let rowOf = Dictionary(run.payees.enumerated().map { ($1.payee.id, excelRow($0)) }, uniquingKeysWith: { a, _ in a })
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

    func writeAudit(_ s: SheetSink) throws {
        try s.columnWidths([18, 48, 68, 12])
        var row = 0
        try s.text(row, 0, "Audit trail", .title); row += 2
        for (j, h) in ["input", "path", "SHA-256", "bytes"].enumerated() { try s.text(row, j, h, .header) }
        row += 1
        for f in context.files {
            try s.text(row, 0, f.role, .plain)
            try s.text(row, 1, f.path, .plain)
            try s.text(row, 2, f.sha256, .plain)
            try s.number(row, 3, Double(f.bytes), .integer)
            row += 1
        }
        row += 1
        let facts: [(String, String)] = [
            ("Plan id", plan.id), ("Plan version", plan.version), ("Period", run.period.description),
            ("advocomp version", context.advocompVersion), ("Command", context.command), ("Generated", context.generatedAt),
        ]
        for (k, v) in facts { try s.text(row, 0, k, .bold); try s.text(row, 1, v, .plain); row += 1 }
    }

    // MARK: Numbers for cached values (display only; the money path stays in FixedDecimal)

    func double(_ v: FixedDecimal) -> Double { WorkbookBuilder.double(v) }
    func double(_ m: Money) -> Double { WorkbookBuilder.double(m.amount) }

    /// A cell's number: the exact figure's shortest decimal text read as a Double (the
    /// figures are computed exactly; a cell holds a binary number).
    static func double(_ v: FixedDecimal) -> Double { Double(v.description) ?? 0 }
    func pow10(_ d: Int) -> Double { [1, 10, 100, 1000][min(max(d, 0), 3)] }
    func scale(_ d: Int) -> String { d == 0 ? "1" : "10^\(d)" }
}

/// A1-style column letters.
enum ExcelRef {
    static func column(_ c: Int) -> String {
        var n = c + 1, s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }
}
