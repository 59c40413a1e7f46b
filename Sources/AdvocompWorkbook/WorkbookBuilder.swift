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
    /// A run recorded in the history: its id and state (draft, approved, final).
    public struct RunStamp: Sendable, Hashable, CustomStringConvertible {
        public var id: Int64
        public var state: String
        public init(id: Int64, state: String) { self.id = id; self.state = state }
        /// `run 12, draft`.
        public var description: String { "run \(id), \(state)" }
    }
    public var command: String
    /// When the run was made, as text (the clock is read by the caller).
    public var generatedAt: String
    public var advocompVersion: String
    public var files: [InputFileRecord]
    /// Who made the workbook (the command line's user).
    public var user: String
    /// The recorded run the workbook shows; nil for a calculation not recorded (a preview).
    public var run: RunStamp?
    public init(command: String, generatedAt: String, advocompVersion: String, files: [InputFileRecord],
                user: String = "", run: RunStamp? = nil) {
        self.command = command; self.generatedAt = generatedAt; self.advocompVersion = advocompVersion; self.files = files
        self.user = user; self.run = run
    }

    /// `run 12, draft`, or `not recorded (preview)`.
    public var runText: String { run?.description ?? "not recorded (preview)" }
}

/// Writes a run as a workbook in which every payout is a live formula chain from the
/// inputs (sheet Inputs) and the plan's parameters (sheets Plan and Curves, as defined
/// names), each formula carrying the engine's value as its cached result.
///
/// Sheets: Summary, Payouts, Inputs, Plan, Curves, Statements, Findings, Audit. For one
/// payee (`init(run:context:payee:)`, the `statements` command): Statement, Payouts,
/// Inputs, Plan, Curves, Findings, Audit, holding that payee's figures and no other's.
public struct WorkbookBuilder {
    /// Statements are one printable block per payee; beyond this many payees the sheet
    /// would pass Excel's row limit, so it holds the first ones and says so.
    public static let statementLimit = 1_000

    let run: RunResult
    let context: WorkbookContext
    let plan: Plan
    let kpiIndex: [String: Int]
    /// The payees on the sheets: the run's, or one payee's (`only`).
    let payees: [PayeeResult]
    /// The index in `run.payees` of the one payee shown, for a payee's own workbook.
    let only: Int?
    var names = NameTable()
    /// The Plan sheet's rows (a parameter each), filled while laying it out.
    var planRows: [PlanRow] = []
    /// Each curve once (a named curve used by several measures is one table).
    var curveTables: [CurveTable] = []

    // Layout of Inputs (0-based columns).
    var kpiCol: [Int] = []  // first of (actual, target, attainment) per KPI
    var actualsCol = 0       // first column of the actuals list on Inputs
    /// The period's rows of the actuals file, listed beside the payees on Inputs (for one
    /// payee: the rows at its scopes only).
    var periodRows = SelectedRows(all: [], picked: [])

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

    /// Per KPI: how its values look (percent, money, count, months, days) and the word
    /// for its unit.
    var kpiStyle: [CellStyle] = []
    var kpiUnit: [String] = []

    /// For a true-up: its lines, on a sheet "True-up" whose full-year payouts are the
    /// Payouts sheet's live formulas.
    let trueUp: TrueUpResult?

    /// Told how many of `progressTotal` payee rows (Inputs, Payouts, Statements) are
    /// written, every 512 rows: a terminal shows it as a progress bar.
    public var progress: (@Sendable (Int) -> Void)? {
        get { rowCounter.progress }
        nonmutating set { rowCounter.progress = newValue }
    }
    /// The payee rows `progress` counts to.
    public var progressTotal: Int { 2 * payees.count + min(payees.count, WorkbookBuilder.statementLimit) }
    let rowCounter = RowCounter()

    /// Payee rows written so far (the sheets are written by non-mutating methods).
    final class RowCounter {
        var written = 0
        var progress: (@Sendable (Int) -> Void)?
        func add() {
            written += 1
            if written & 511 == 0, let progress { progress(written) }
        }
    }

    public init(run: RunResult, context: WorkbookContext, trueUp: TrueUpResult? = nil) {
        self.init(run: run, context: context, trueUp: trueUp, only: nil)
    }

    /// The workbook of one payee of `run` (index `payee` in `run.payees`): its statement and
    /// its own formula chain, and no other payee's id, name or figure. The pool's split
    /// needs every payee's payout, so a pooled payout is the engine's figure there.
    public init(run: RunResult, context: WorkbookContext, payee: Int) {
        self.init(run: run, context: context, trueUp: nil, only: payee)
    }

    init(run: RunResult, context: WorkbookContext, trueUp: TrueUpResult?, only: Int?) {
        self.run = run
        self.context = context
        self.trueUp = trueUp
        self.only = only
        plan = run.plan
        payees = only.map { [run.payees[$0]] } ?? run.payees
        var idx: [String: Int] = [:]
        for (i, k) in plan.kpis.enumerated() { idx[k.id] = i }
        kpiIndex = idx
    }

    /// Writes the workbook's sheets to `book` (which the caller closes).
    public mutating func write(to book: WorkbookSink) throws {
        layoutInputs()
        layoutKPIStyles()
        try layoutPlan()
        if only != nil {
            let statement = try book.addSheet("Statement")
            let payouts = try book.addSheet("Payouts")
            let inputs = try book.addSheet("Inputs")
            let planSheet = try book.addSheet("Plan")
            let curves = try curveTables.isEmpty ? nil : book.addSheet("Curves")
            let findings = try book.addSheet("Findings")
            let audit = try book.addSheet("Audit")
            try writePlan(planSheet, book)
            if let curves { try writeCurves(curves, book) }
            try writeInputs(inputs)
            try writePayouts(payouts)
            try writeStatements(statement)
            try writeFindings(findings)
            try writeAudit(audit)
            return
        }
        let summary = try book.addSheet("Summary")
        let payouts = try book.addSheet("Payouts")
        let trueUpSheet = try trueUp.map { _ in try book.addSheet("True-up") }
        let inputs = try book.addSheet("Inputs")
        let planSheet = try book.addSheet("Plan")
        let curves = try curveTables.isEmpty ? nil : book.addSheet("Curves")
        let statements = try book.addSheet("Statements")
        let findings = try book.addSheet("Findings")
        let audit = try book.addSheet("Audit")
        try writePlan(planSheet, book)
        if let curves { try writeCurves(curves, book) }
        try writeInputs(inputs)
        try writePayouts(payouts)
        if let trueUp, let trueUpSheet { try writeTrueUp(trueUpSheet, trueUp) }
        try writeSummary(summary, book)
        try writeStatements(statements)
        try writeFindings(findings)
        try writeAudit(audit)
    }

    // MARK: Names and looks

    /// The KPI as people call it: its `name` in the plan, else its id in words.
    func kpiName(_ k: Int) -> String { plan.kpis[k].name ?? DisplayName.words(plan.kpis[k].id) }
    func componentName(_ c: Int) -> String { DisplayName.words(plan.components[c].id) }
    func modifierName(_ m: Int) -> String { DisplayName.words(plan.modifiers[m].id) }

    /// Each KPI's number format, from its unit (percent, money, count, months, days, ...)
    /// and as many decimals as its actuals and targets have (at most 2 for money and
    /// percentages, 3 otherwise). The actuals read are the period's rows and the plan's
    /// targets; a derived KPI takes the most decimals.
    mutating func layoutKPIStyles() {
        var places = plan.kpis.map { k -> Int in
            var p = 0
            if let t = k.target { p = max(p, DisplayName.places(t)) }
            for t in k.targets.values { p = max(p, DisplayName.places(t)) }
            return k.formula != nil ? 18 : p
        }
        for r in run.actuals?.rows ?? [] where r.period == run.period {
            guard let k = kpiIndex[r.kpi] else { continue }
            places[k] = max(places[k], DisplayName.places(r.value))
        }
        kpiStyle = plan.kpis.indices.map { .format(DisplayName.numberFormat(unit: plan.kpis[$0].unit, places: places[$0])) }
        kpiUnit = plan.kpis.map { $0.unit ?? "" }
    }

    /// The footer of every printed page: plan and period, the run, the sheet and page.
    var footer: String {
        func part(_ s: String) -> String { DisplayName.footerText(String(s.prefix(70))) }
        let stamp = (only.map { "Statement of \(run.payees[$0].payee.id), " } ?? "") + context.runText
        return "&L" + part("\(plan.id) v\(plan.version), \(run.period)") + "&C" + part(stamp) + "&R&A, page &P of &N"
    }

    /// How `s` prints (`PageSetup`): landscape with the footer; one page wide, or, where
    /// that would print too small to read (Inputs of a plan with many KPIs: below 35% of
    /// LibreOffice's size, half of Excel's), as many pages wide as keep it readable, the first column repeated on each. A sheet with page
    /// breaks of its own (`blockRows`: the rows between two breaks at most) is printed at
    /// the scale that fits its width and a block on a page. `header`: the table's header
    /// rows, repeated on every page.
    func pageSetup(_ s: SheetSink, _ layout: [ColumnLayout], header: ClosedRange<Int>? = nil, lastRow: Int? = nil,
                   blockRows: Int? = nil) throws {
        var setup = PageSetup()
        setup.footer = footer
        setup.repeatRows = header
        if let lastRow { setup.lastRow = lastRow; setup.lastCol = max(layout.count - 1, 0) }
        let width = ColumnFit.pixels(layout)
        let fit = ColumnFit.printablePixels / max(width, 1)
        if let blockRows {
            setup.scale = Int((printScale(layout, blockRows: blockRows) * 100).rounded(.down))
        } else if fit < 0.35 {
            let first = ColumnFit.pixels(Array(layout.prefix(1)))
            let perPage = ColumnFit.printablePixels / 0.45 - first
            setup.pagesWide = Int(((width - first) / max(perPage, 1)).rounded(.up))
            setup.repeatColumns = 0...0
        }
        try s.pageSetup(setup)
    }

    /// The scale (1 for 100%, at least 0.1) at which `layout` fits a page's width and
    /// `blockRows` rows of the default height its length.
    func printScale(_ layout: [ColumnLayout], blockRows: Int = 0) -> Double {
        let wide = ColumnFit.printablePixels / max(ColumnFit.pixels(layout), 1)
        let tall = blockRows > 0 ? Double(ColumnFit.rowsPerPage) / Double(blockRows) : 1
        return max(0.1, min(1, wide, tall))
    }

    /// A table's header row: the names, wrapped over lines where a column is narrower,
    /// and the row as tall as its longest name needs.
    func header(_ s: SheetSink, row: Int, _ titles: [String], _ widths: [ColumnLayout], firstCol: Int = 0) throws {
        var lines = 1
        for (j, h) in titles.enumerated() where !h.isEmpty {
            try s.text(row, firstCol + j, h, .header)
            let c = firstCol + j < widths.count ? widths[firstCol + j] : ColumnLayout(10)
            if !c.helper { lines = max(lines, ColumnFit.lines(h, width: c.width)) }
        }
        if lines > 1 { try s.rowHeight(row, ColumnFit.rowHeight(lines: lines)) }
    }

    // MARK: Inputs layout

    mutating func layoutInputs() {
        kpiCol = plan.kpis.indices.map { inputsFixed.count + 3 * $0 }
        actualsCol = inputsFixed.count + 3 * plan.kpis.count + 1
        let one = only.map { run.payees[$0].payee }
        periodRows = SelectedRows(all: run.actuals?.rows ?? []) { r in
            guard r.period == run.period, kpiIndex[r.kpi].map({ plan.kpis[$0].formula == nil }) == true else { return false }
            // A payee's own workbook lists only the rows its payout can read.
            guard let p = one else { return true }
            switch r.scope {
            case .company: return true
            case .unit(let u): return u == p.unit
            case .payee(let id): return id == p.id
            }
        }
    }

    /// Excel row (1-based) of payee i's row on Inputs and Payouts (header on row 1).
    func excelRow(_ i: Int) -> Int { i + 2 }

    func col(_ c: Int) -> String { ExcelRef.column(c) }

    func actualRef(_ k: Int, row: String) -> String { "Inputs!\(col(kpiCol[k]))\(row)" }
    func targetRef(_ k: Int, row: String) -> String { "Inputs!\(col(kpiCol[k] + 1))\(row)" }
    func attainmentRef(_ k: Int, row: String) -> String { "Inputs!\(col(kpiCol[k] + 2))\(row)" }

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

extension WorkbookBuilder {
    /// One payee's own workbook (`advocomp statements`): the statement of `run.payees[payee]`
    /// and that payee's formula chain (Payouts and Inputs rows, the plan's parameters and
    /// curves, its findings, the audit trail), with no other payee's id, name or figure
    /// anywhere in it.
    public static func writeStatement(of payee: Int, run: RunResult, context: WorkbookContext, to book: WorkbookSink) throws {
        var builder = WorkbookBuilder(run: run, context: context, payee: payee)
        try builder.write(to: book)
    }
}

/// Some rows of a list, by their places in it: the period's actuals listed on Inputs,
/// without a copy of each row (a 100,000-payee export lists some 200,000).
struct SelectedRows: RandomAccessCollection {
    let all: [ActualRow]
    let picked: [Int32]

    init(all: [ActualRow], picked: [Int32]) { self.all = all; self.picked = picked }

    init(all: [ActualRow], where keep: (ActualRow) -> Bool) {
        self.all = all
        picked = all.indices.compactMap { keep(all[$0]) ? Int32($0) : nil }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { picked.count }
    subscript(i: Int) -> ActualRow { all[Int(picked[i])] }
}
