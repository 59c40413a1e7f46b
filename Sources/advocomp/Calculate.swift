import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

struct Calculate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calculate every payout of a plan for one period.",
        discussion: """
        table is for a terminal; csv is SPEC section 7 exactly; json carries components,
        modifiers and totals. Amounts are exact decimals, rounded once per payee.
        """)

    @OptionGroup var inputs: RunInputs

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: ArgumentHelp("Also write a workbook for finance and HR (.xlsx).",
                               discussion: "Every payout is a live formula chain from the inputs and the plan's parameters, carrying the engine's value as its cached result. Sheets: Summary, Payouts, Inputs, Plan, Statements, Findings, Audit."))
    var xlsx: String?

    @Option(help: ArgumentHelp("Also write a payroll CSV of the payees with status ok.",
                               discussion: "Columns payee_id,name,currency,amount,earning_code,period; held and ineligible payees are left out and counted on standard error."))
    var payroll: String?

    @Flag(name: .customLong("no-db"), help: "Do not record the run in the history (a preview).")
    var noDB = false

    var output: String? { outputOption.output }

    func validate() throws {
        if noDB && inputs.history.named { throw ValidationError("--db and --no-db cannot be given together") }
        if payroll == "-" && (output == nil || output == "-") {
            throw ValidationError("--payroll - writes the payroll to standard output, where the report goes too: give the report a file with --output FILE")
        }
    }

    func run() throws {
        let history = noDB ? nil : inputs.history.path
        // Checked before anything is computed: no output may be an input or the history.
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false), ("--payroll", payroll, true)],
                                         inputs: inputs.inputPaths, history: history)
        var (request, loader) = try inputs.request()
        request.recordFigures = xlsx != nil
        let outcome = Pipeline.calculate(request, loadFile: loader)
        let result = try Output.required(outcome.result, outcome.diagnostics, quiet: inputs.quiet)
        try outputs.checkAgainst(inputs: outcome.planFiles.map { ("the plan's okrs", $0.path) })
        // Every file output is staged first and put in place together with the history
        // record: all of them or none. The workbook goes first, before the report text is
        // held in memory.
        var text = ""
        var recorded: (path: String, run: RunSummary)?
        // The JSON output is rendered once: printed with --format json, and recorded.
        var rendered: RenderedJSON?
        do {
            if let xlsx {
                let staging = try outputs.stagingPath("--xlsx")
                try WorkbookExport.write(result, request: request, planFiles: outcome.planFiles, to: staging, reportAs: xlsx)
                try outputs.flushStaged("--xlsx")
            }
            switch format {
            case .table: text = TableReport.render(result)
            case .csv: text = CSVReport.render(result)
            case .json:
                let json = RenderedJSON(result)
                rendered = json
                text = json.text
            }
            if payroll != nil { try outputs.stage(PayrollReport.render(result), for: "--payroll") }
            if output != nil { try outputs.stage(text, for: "--output") }
            FileIO.testHoldExport?()
            recorded = try commit(outputs, result: result, request: request, planFiles: outcome.planFiles, json: rendered)
        } catch {
            outputs.discard()
            throw error
        }
        if let payroll {
            let (held, ineligible) = PayrollReport.leftOut(result)
            let written = result.payees.count - held - ineligible
            Output.stderr("payroll: \(written) payee\(written == 1 ? "" : "s") written to \(payroll == "-" ? "standard output" : payroll); left out: \(held) held, \(ineligible) ineligible")
        }
        if let (path, run) = recorded { History.sayRecorded(run, in: path) }
        if output == nil { FileHandle.standardOutput.write(Data(text.utf8)) }
        // Everything is written; skip tearing down 100,000 payees' worth of objects.
        Foundation.exit(0)
    }
}

extension Calculate {
    /// Puts the outputs in place and records the run (unless --no-db), together: the
    /// files are renamed inside the history's write transaction, just before its commit,
    /// and put back if the commit fails. A history named with --db that cannot be opened
    /// is an error; the default one (advocomp.db here) is a warning, so a calculation in
    /// a read-only directory still gives its result. `json`: the JSON output when it is
    /// already rendered.
    func commit(_ outputs: OutputFiles, result: RunResult, request: CalculationRequest, planFiles: [InputFile],
                json: RenderedJSON?) throws -> (path: String, run: RunSummary)? {
        guard !noDB else {
            try outputs.commit()
            return nil
        }
        let path = inputs.history.path
        let store: RunStore
        do {
            store = try History.openForWriting(path, quiet: inputs.quiet)
        } catch {
            let why = (error as? StoreError)?.message ?? "\(error)"
            if inputs.history.named { throw Output.error("the run could not be recorded: \(why)", file: path) }
            Output.report([.warning("the run was not recorded: \(why) (--db names another file, --no-db skips recording)", at: .wholeFile(path))],
                          quiet: inputs.quiet, summary: false)
            try outputs.commit()
            return nil
        }
        let run = Recording.calculation(result, request: request, okrFiles: planFiles, json: json ?? RenderedJSON(result),
                                        context: History.context)
        var summary: RunSummary?
        do {
            try outputs.commit { putInPlace in
                summary = try store.record(run, inside: {
                    try putInPlace()
                    History.testHold?()
                })
            }
        } catch let e as StoreError {
            throw Output.error("the run could not be recorded: \(e.message); no output was written", file: path)
        }
        guard let summary else { throw Output.error("the run could not be recorded", file: path) }
        return (path, summary)
    }
}
