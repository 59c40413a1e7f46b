import AdvocompFiles
import AdvocompKit
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

    @Option(name: .customLong("set"), help: "KPI=VALUE, unit:NAME/KPI=VALUE or payee:ID/KPI=VALUE (repeatable).")
    var sets: [String] = []

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    func validate() throws {
        if sets.isEmpty { throw ValidationError("give at least one --set KPI=VALUE") }
    }

    func run() throws {
        // Every --set is read, and the readable ones checked against the plan, so all
        // problems are reported at once.
        var overrides: [ActualOverride] = [], unreadable: [Diagnostic] = []
        for s in sets {
            switch ActualOverride.parse(s) {
            case .success(let o): overrides.append(o)
            case .failure(let e): unreadable.append(.error(e.message, at: nil))
            }
        }
        let outputs = try FileIO.output(output, inputs: inputs.inputPaths, history: inputs.db)
        let (request, loader) = try inputs.request()
        let (result, diagnostics) = Pipeline.whatIf(request, overrides: overrides, loadFile: loader)
        Output.report(unreadable + diagnostics, quiet: inputs.quiet)
        guard unreadable.isEmpty, let result else { throw ExitCode(1) }
        let text: String
        switch format {
        case .table: text = WhatIfReport.table(before: result.before, after: result.after, overrides: sets)
        case .csv: text = WhatIfReport.csv(before: result.before, after: result.after)
        case .json: text = WhatIfReport.json(before: result.before, after: result.after, overrides: sets)
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
        the pool. table adds a text plot; --xlsx writes the points with a chart.
        """)

    @OptionGroup var inputs: RunInputs

    @Option(help: "The payee_id.")
    var payee: String

    @Option(help: "The KPI whose attainment varies.")
    var kpi: String

    @Option(help: "First attainment (default 50%).")
    var from: String = "50%"

    @Option(help: "Last attainment (default 150%).")
    var to: String = "150%"

    @Option(help: "Attainment step (default 5%).")
    var step: String = "5%"

    @Option(help: "Output format: table (with a text plot), csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    @Option(help: "Also write the points and a chart as a workbook (.xlsx).")
    var xlsx: String?

    func run() throws {
        func number(_ name: String, _ text: String) -> FixedDecimal? {
            if case .success(let v) = FixedDecimal.parse(text) { return v }
            Output.stderr("advocomp: error: --\(name) '\(text)' is not a number (such as 80% or 0.8)")
            return nil
        }
        let a = number("from", from), b = number("to", to), c = number("step", step)
        guard let a, let b, let c else { throw ExitCode(1) }
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false)], inputs: inputs.inputPaths, history: inputs.db)
        let (request, loader) = try inputs.request()
        let (result, diagnostics) = Pipeline.curve(request, payee: payee, kpi: kpi, from: a, to: b, step: c, loadFile: loader)
        Output.report(diagnostics, quiet: inputs.quiet)
        guard let result else { throw ExitCode(1) }
        let d = result.payee.currency.minorDigits, code = result.payee.currency.code
        let points = result.points.map { (attainment: $0.attainment, actual: $0.actual, payout: $0.payout.amount, status: $0.status.rawValue) }
        let title = "\(result.payee.payee.id) (\(result.payee.payee.name)), \(result.run.plan.id) \(result.run.period): payout before the pool across \(kpi) attainment (target \(result.target.description) for \(result.kpi.scope == .unit ? "unit \(result.payee.payee.unit)" : result.kpi.scope.rawValue))"
        let text: String
        switch format {
        case .table: text = CurveReport.table(title: title, points, currency: code, digits: d)
        case .csv: text = CurveReport.csv(points, digits: d)
        case .json: text = CurveReport.json(payee: payee, kpi: kpi, currency: code, target: result.target, points, digits: d)
        }
        if xlsx != nil { try WorkbookExport.writeSmall(outputs) { try ScenarioWorkbook.curve($0, title: title, kpi: kpi, currency: code, digits: d, points: points) } }
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

    @Option(help: "The roster CSV.")
    var roster: String

    @Option(help: "The actuals CSV (period,scope,kpi,value).")
    var actuals: String

    @Option(help: "The advocacy event ledger CSV (when a plan reads it).")
    var events: String?

    @Option(help: "The period: 2026-Q1..Q4, 2026-H1, 2026-H2 or 2026-FY.")
    var period: String

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    @Option(help: "Also write the comparison as a workbook (.xlsx).")
    var xlsx: String?

    @Flag(name: .shortAndLong, help: "Do not print warnings (errors are always printed).")
    var quiet = false

    func validate() throws {
        if plan.count != 2 { throw ValidationError("give two plans: --plan A.yaml --plan B.yaml") }
    }

    func run() throws {
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false)],
                                         inputs: plan.map { ("--plan", $0) } + [("--roster", roster), ("--actuals", actuals)]
                                             + (events.map { [("--events", $0)] } ?? []), history: nil)
        let files = try FileIO.readAll(plan.map { ($0, .plan) } + [(roster, .roster), (actuals, .actuals)] + (events.map { [($0, .events)] } ?? []))
        let request = CalculationRequest(plan: files[0], roster: files[2], actuals: files[3], period: period, events: files.count > 4 ? files[4] : nil)
        let (comparison, diagnostics) = Pipeline.compare(request, planB: files[1], loadFile: FileIO.loader)
        Output.report(diagnostics, quiet: quiet)
        guard let comparison else { throw ExitCode(1) }
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

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    @Option(help: "Also write a workbook (.xlsx): summary, payees, and a histogram chart of the total cost.")
    var xlsx: String?

    func validate() throws {
        guard (1...10_000_000).contains(runs) else { throw ValidationError("--runs must be from 1 to 10,000,000") }
    }

    func run() throws {
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false)],
                                         inputs: inputs.inputPaths + [("--scenario", scenario)], history: inputs.db)
        let scenarioFile = try FileIO.readAll([(scenario, .scenario)])[0]
        let (request, loader) = try inputs.request()
        let bar = ProgressBar(total: runs)
        let (result, diagnostics) = Pipeline.simulate(request, scenario: scenarioFile, runs: runs, seed: seed, loadFile: loader,
                                                      progress: bar.map { b in { b.show($0) } })
        bar?.finish()
        Output.report(diagnostics, quiet: inputs.quiet)
        guard let result else { throw ExitCode(1) }
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

/// A progress bar on standard error, only when it is a terminal and the job is long.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    private var last = -1

    /// nil when standard error is not a terminal or there is little to do.
    init?(total: Int) {
        guard isatty(STDERR_FILENO) == 1, total >= 500 else { return nil }
        self.total = total
    }

    func show(_ done: Int) {
        let percent = min(100, done * 100 / max(total, 1))
        guard percent != last else { return }
        last = percent
        let width = 30, filled = percent * width / 100
        FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(percent)% of \(total) runs".utf8))
    }

    func finish() {
        guard last >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1b}[K".utf8))
    }
}
