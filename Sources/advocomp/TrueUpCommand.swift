import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

/// `advocomp true-up`: the full year on full-year actuals, less what the year's closed
/// periods paid (README, "The annual true-up").
struct TrueUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "true-up",
        abstract: "Calculate the annual true-up: the full-year payout less what the closed periods paid.",
        discussion: """
        Every period of the fiscal year must be closed for the plan (advocomp close). The run is
        recorded in the history (period YYYY-FY) unless --no-db.
        """)

    @Option(help: "The plan file (YAML).")
    var plan: String?

    @Option(name: .customLong("plan-id"), help: "Instead of --plan: the stored version in effect on the fiscal year's last day.")
    var planID: String?

    @Option(help: "The roster CSV.")
    var roster: String

    @Option(help: "The actuals CSV, with the full year's rows (period YYYY-FY).")
    var actuals: String

    @Option(help: "The advocacy event ledger CSV (when the plan reads it).")
    var events: String?

    @Option(help: "The fiscal year's label (2026 for 2026-FY).")
    var year: Int

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("Also write a workbook: the full-year calculation as live formulas, and a True-up sheet.",
                               discussion: "As calculate's workbook for the period YYYY-FY, with a True-up sheet whose full-year payouts are the Payouts sheet's formulas and whose true-ups are formulas over what each period paid."))
    var xlsx: String?

    @Option(help: ArgumentHelp("Also write a payroll CSV of the true-ups to pay or recover.",
                               discussion: "Columns payee_id,name,currency,amount,earning_code,period: each payee with a true-up other than zero (a clawback is a negative amount); held payees are left out."))
    var payroll: String?

    @Option(help: "The run history (SQLite). Default: advocomp.db in the working directory.")
    var db: String?

    @Flag(name: .customLong("no-db"), help: "Do not record the true-up run.")
    var noDB = false

    @Flag(name: .shortAndLong, help: "Do not print warnings (errors are always printed).")
    var quiet = false

    func validate() throws {
        if (plan == nil) == (planID == nil) { throw ValidationError("give the plan as --plan FILE or as --plan-id ID (a stored version), one of them") }
        if noDB && db != nil { throw ValidationError("--db and --no-db cannot be given together") }
        if payroll == "-" && (output == nil || output == "-") {
            throw ValidationError("--payroll - writes the payroll to standard output, where the report goes too: give the report a file with --output FILE")
        }
        guard (1...9999).contains(year) else { throw ValidationError("--year must be a fiscal year's label, such as 2026") }
    }

    func run() throws {
        let dbPath = db ?? History.defaultPath
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false), ("--payroll", payroll, true)],
                                         inputs: (plan.map { [("--plan", $0)] } ?? []) + [("--roster", roster), ("--actuals", actuals)]
                                             + (events.map { [("--events", $0)] } ?? []), history: dbPath)
        let files = try FileIO.readAll((plan.map { [($0, .plan)] } ?? []) + [(roster, .roster), (actuals, .actuals)]
                                       + (events.map { [($0, .events)] } ?? []))
        var rest = files[...]
        let planFile: InputFile, loader: PlanParser.FileLoader
        if let planID {
            (planFile, loader) = try PlanVersionInput.inEffect(planID: planID, period: "\(year)-FY", db: dbPath, onLastDay: true)
        } else {
            planFile = rest.removeFirst()
            loader = FileIO.loader
        }
        var request = CalculationRequest(plan: planFile, roster: rest.removeFirst(), actuals: rest.removeFirst(),
                                         period: "\(year)-FY", events: rest.first)
        request.recordFigures = xlsx != nil
        // The plan says which periods the year has; the history says what they paid.
        let (parsed, planDiagnostics) = Pipeline.loadPlan(planFile, loadFile: loader)
        guard let parsed else {
            Output.report(planDiagnostics, quiet: quiet)
            throw ExitCode(1)
        }
        let database = try DatabaseOption.parse(["--db", dbPath])
        let store = try database.open()
        let basis: TrueUpBasis
        do { basis = try TrueUpHistory.basis(store, plan: parsed, year: year) } catch { throw History.fail(dbPath, error) }

        let (result, diagnostics) = Pipeline.trueUp(request, year: year, basis: basis, loadFile: loader)
        Output.report(diagnostics, quiet: quiet)
        guard let result else { throw ExitCode(1) }
        let json = TrueUpReport.json(result)
        let text: String
        switch format {
        case .table: text = TrueUpReport.table(result)
        case .csv: text = TrueUpReport.csv(result)
        case .json: text = json
        }
        var recorded: RunSummary?
        do {
            let record = noDB ? nil : try Recording.trueUp(result, request: request, okrFiles: FileIO.loaded, json: json, context: History.context)
            try outputs.checkAgainst(inputs: FileIO.loaded.map { ("the plan's okrs", $0.path) })
            if let xlsx {
                let staging = try outputs.stagingPath("--xlsx")
                try WorkbookExport.write(result.fullYear, request: request, to: staging, reportAs: xlsx, trueUp: result)
                try outputs.flushStaged("--xlsx")
            }
            if output != nil { try outputs.stage(text, for: "--output") }
            if payroll != nil { try outputs.stage(PayrollReport.render(result), for: "--payroll") }
            FileIO.testHoldExport?()
            if let record {
                do {
                    try outputs.commit { putInPlace in
                        recorded = try store.record(record, inside: putInPlace)
                    }
                } catch let e as StoreError {
                    throw CLIError("\(dbPath): error: the true-up could not be recorded: \(e.message); no output was written")
                }
            } else {
                try outputs.commit()
            }
        } catch {
            outputs.discard()
            Output.fail(error)
            throw ExitCode(1)
        }
        if let run = recorded { History.sayRecorded(run, in: dbPath) }
        if output == nil { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
