import AdvocompFiles
import AdvocompKit
import AdvocompModel
import AdvocompWorkbook
import AdvocompXLSX
import ArgumentParser
import Foundation

/// `advocomp whatif`: calculate's inputs with some KPI actuals set on the command line;
/// each payee's payout before and after. Nothing is recorded.
struct WhatIf: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "Each payout before and after setting some KPI actuals, with the differences and totals.",
        discussion: """
        --set KPI=VALUE sets the KPI at every instance of its scope (the company, each unit, each payee);
        --set unit:NAME/KPI=VALUE and --set payee:ID/KPI=VALUE set one. Values as in the actuals file
        (42, 0.93, 105%). Both runs use calculate's engine; nothing is recorded in the history.
        """)

    @OptionGroup var inputs: RunInputs

    @Option(name: .customLong("set"), help: "KPI=VALUE, unit:NAME/KPI=VALUE or payee:ID/KPI=VALUE (repeatable).",
            transform: ArgumentValue.override)
    var sets: [ActualOverride] = []

    @Option(help: ArgumentHelp("Show this payee only: their payout before and after, and why; no other payee's figure.",
                               discussion: "What an executive previewing their own payout needs, and nothing of their peers'."))
    var payee: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    func validate() throws {
        if sets.isEmpty { throw ValidationError("give at least one --set KPI=VALUE") }
    }

    func run() throws {
        let outputs = try FileIO.output(outputOption.output, inputs: inputs.inputPaths, history: inputs.history.db)
        var (request, loader) = try inputs.request()
        if let payee {
            request.explain = [payee]
            let (made, madeDiagnostics) = PayeePreview.make(request, loadFile: loader)
            let preview = try Output.required(made, madeDiagnostics, quiet: inputs.quiet)
            guard preview.statement(payee) != nil else {
                throw Output.error("payee '\(payee)' is not on plan \(preview.base.plan.id) in \(preview.base.period)", file: inputs.files.roster)
            }
            let (w, d) = preview.whatIf(payee, overrides: sets)
            let what = try Output.required(w, d, quiet: inputs.quiet)
            let text: String
            switch format {
            case .table: text = PayeeWhatIfReport.table(what)
            case .csv: text = PayeeWhatIfReport.csv(what)
            case .json: text = PayeeWhatIfReport.json(what)
            }
            try Output.emit(text, to: outputs)
            return
        }
        let (calculated, diagnostics) = Pipeline.whatIf(request, overrides: sets, loadFile: loader)
        let result = try Output.required(calculated, diagnostics, quiet: inputs.quiet)
        let shown = sets.map(\.text)
        let text: String
        switch format {
        case .table: text = WhatIfReport.table(before: result.before, after: result.after, overrides: shown)
        case .csv: text = WhatIfReport.csv(before: result.before, after: result.after)
        case .json: text = WhatIfReport.json(before: result.before, after: result.after, overrides: shown)
        }
        try Output.emit(text, to: outputs)
    }
}

/// `advocomp curve`: one payee's payout across one KPI's attainment.
struct CurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve",
        abstract: "A payee's payout across one KPI's attainment, everything else held.",
        discussion: """
        The KPI's actual at the payee's scope is set to target x attainment (target x (2 - attainment)
        when lower is better), for each attainment from --from to --to by --step. Payouts are before
        the pool; the payee's place today is marked, with what the run paid after the pool and
        how the pool scales payouts. table adds a text plot; --xlsx writes the points with a chart.
        """)

    @OptionGroup var inputs: RunInputs

    @Option(help: "The payee_id.")
    var payee: String

    @Option(help: "The KPI whose attainment varies.")
    var kpi: String

    @Option(help: "First attainment (default 50%).", transform: ArgumentValue.number)
    var from: FixedDecimal = FixedDecimal(raw: FixedDecimal.one.raw / 2)

    @Option(help: "Last attainment (default 150%).", transform: ArgumentValue.number)
    var to: FixedDecimal = FixedDecimal(raw: FixedDecimal.one.raw * 3 / 2)

    @Option(help: "Attainment step (default 5%).", transform: ArgumentValue.number)
    var step: FixedDecimal = FixedDecimal(raw: FixedDecimal.one.raw / 20)

    @Option(help: "Output format: table (with a text plot), csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: "Also write the points and a chart as a workbook (.xlsx).")
    var xlsx: String?

    func run() throws {
        let outputs = try FileIO.outputs([("--output", outputOption.output, true), ("--xlsx", xlsx, false)], inputs: inputs.inputPaths,
                                         history: inputs.history.db)
        let (request, loader) = try inputs.request()
        // The run as it stands marks where the payee is today and what the pool does.
        let (made, madeDiagnostics) = PayeePreview.make(request, loadFile: loader)
        let preview = try Output.required(made, madeDiagnostics, quiet: inputs.quiet)
        let (curve, diagnostics) = preview.curve(payee, kpi: kpi, from: from, to: to, step: step)
        let withToday = try Output.required(curve, diagnostics, quiet: inputs.quiet)
        let result = withToday.curve
        let now = withToday.today
        let today = CurveReport.Today(attainment: withToday.todayAttainment, payout: now.payout, beforePool: now.beforePool,
                                      poolScale: now.pool?.applied == true ? now.pool?.ratio : nil)
        let points = result.points.map { (attainment: $0.attainment, actual: $0.actual, payout: $0.payout, status: $0.status.rawValue) }
        let title = "\(result.payee.payee.id) (\(result.payee.payee.name)), \(result.run.plan.id) \(result.run.period): payout before the pool across \(kpi) attainment (target \(result.target.description) for \(result.kpi.scope == .unit ? "unit \(result.payee.payee.unit)" : result.kpi.scope.rawValue))"
        let text: String
        switch format {
        case .table: text = CurveReport.table(title: title, points, today: today)
        case .csv: text = CurveReport.csv(points)
        case .json: text = CurveReport.json(payee: payee, kpi: kpi, currency: result.payee.currency, target: result.target, points, today: today)
        }
        if xlsx != nil { try WorkbookExport.writeSmall(outputs) { try ScenarioWorkbook.curve($0, title: title, kpi: kpi, currency: result.payee.currency, points: points) } }
        try Output.emit(text, to: outputs)
    }
}

/// `advocomp compare --plan A --plan B`: two plans on the same inputs.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two plans on the same inputs: per payee and unit, who gains and loses, the change in cost and what drives it.",
        discussion: "table shows every view; csv is the per-payee view; json has them all; --xlsx writes one sheet per view with a chart of the change by unit.")

    @Option(help: "The two plan files: --plan A.yaml --plan B.yaml.")
    var plan: [String] = []

    @OptionGroup var files: InputFilesOption
    @OptionGroup var periodOption: PeriodOption

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: "Also write the comparison as a workbook (.xlsx).")
    var xlsx: String?

    @OptionGroup var quietFlag: QuietFlag

    func validate() throws {
        if plan.count != 2 { throw ValidationError("give two plans: --plan A.yaml --plan B.yaml") }
    }

    func run() throws {
        let outputs = try FileIO.outputs([("--output", outputOption.output, true), ("--xlsx", xlsx, false)],
                                         inputs: plan.map { ("--plan", $0) } + files.inputPaths, history: nil)
        let plans = try FileIO.readAll(plan.map { ($0, .plan) })
        let (roster, actuals, events) = try files.read()
        let request = CalculationRequest(plan: plans[0], roster: roster, actuals: actuals, period: periodOption.period.description, events: events)
        let (compared, diagnostics) = Pipeline.compare(request, planB: plans[1], loadFile: FileIO.loader)
        let comparison = try Output.required(compared, diagnostics, quiet: quietFlag.quiet)
        let text: String
        switch format {
        case .table: text = ComparisonReport.table(comparison)
        case .csv: text = ComparisonReport.csv(comparison)
        case .json: text = ComparisonReport.json(comparison)
        }
        if xlsx != nil { try WorkbookExport.writeSmall(outputs) { try ScenarioWorkbook.comparison($0, comparison) } }
        try Output.emit(text, to: outputs)
    }
}

/// `advocomp simulate`: the distribution of a plan's cost over drawn KPI actuals.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a plan's payout cost over KPI actuals drawn from a scenario's distributions.",
        discussion: """
        The scenario (YAML) gives distributions for KPI actuals (fixed, uniform, triangular, normal,
        lognormal; per unit where needed) and correlations; KPIs it does not draw keep their actuals.
        The same seed gives the same numbers. See README, "Simulation".
        """)

    @OptionGroup var inputs: RunInputs

    @Option(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: "How many runs (default 1000).")
    var runs: Int = 1000

    @Option(help: "The random seed (default 1): the same seed gives the same numbers.")
    var seed: UInt64 = 1

    @Option(help: "Output format: table, csv (per payee) or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: "Also write a workbook (.xlsx): summary, payees, and a histogram chart of the total cost.")
    var xlsx: String?

    func validate() throws {
        guard (1...10_000_000).contains(runs) else { throw ValidationError("--runs must be from 1 to 10,000,000") }
    }

    func run() throws {
        let outputs = try FileIO.outputs([("--output", outputOption.output, true), ("--xlsx", xlsx, false)],
                                         inputs: inputs.inputPaths + [("--scenario", scenario)], history: inputs.history.db)
        let scenarioFile = try FileIO.readAll([(scenario, .scenario)])[0]
        let (request, loader) = try inputs.request()
        let bar = runs >= 500 ? TerminalProgress(total: runs, unit: "runs", label: "simulating") : nil
        let (simulated, diagnostics) = Pipeline.simulate(request, scenario: scenarioFile, runs: runs, seed: seed, loadFile: loader,
                                                         progress: bar.map { b in { b.update($0) } })
        bar?.finish()
        let result = try Output.required(simulated, diagnostics, quiet: inputs.quiet)
        let name = scenarioFile.path
        let text: String
        switch format {
        case .table: text = SimulationReport.table(result, scenario: name)
        case .csv: text = SimulationReport.csv(result)
        case .json: text = SimulationReport.json(result, scenario: name)
        }
        if xlsx != nil { try WorkbookExport.writeSmall(outputs) { try ScenarioWorkbook.simulation($0, result, scenario: name) } }
        try Output.emit(text, to: outputs)
    }
}
