import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompWorkbook
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

    @OptionGroup var planOption: PlanOption
    @OptionGroup var files: InputFilesOption

    @Option(help: "The fiscal year's label (2026 for 2026-FY).")
    var year: Int

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: ArgumentHelp("Also write a workbook: the full-year calculation as live formulas, and a True-up sheet.",
                               discussion: "As calculate's workbook for the period YYYY-FY, with a True-up sheet whose full-year payouts are the Payouts sheet's formulas and whose true-ups are formulas over what each period paid."))
    var xlsx: String?

    @Option(help: ArgumentHelp("Also write a payroll CSV of the true-ups to pay or recover.",
                               discussion: "Columns payee_id,name,currency,amount,earning_code,period: each payee with a true-up other than zero (a clawback is a negative amount); held payees are left out."))
    var payroll: String?

    @OptionGroup var history: HistoryOption

    @Flag(name: .customLong("no-db"), help: "Do not record the true-up run.")
    var noDB = false

    @OptionGroup var quietFlag: QuietFlag

    var output: String? { outputOption.output }

    func validate() throws {
        if noDB && history.named { throw ValidationError("--db and --no-db cannot be given together") }
        if payroll == "-" && (output == nil || output == "-") {
            throw ValidationError("--payroll - writes the payroll to standard output, where the report goes too: give the report a file with --output FILE")
        }
        guard (1...9999).contains(year) else { throw ValidationError("--year must be a fiscal year's label, such as 2026") }
    }

    func run() throws {
        let quiet = quietFlag.quiet
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false), ("--payroll", payroll, true)],
                                         inputs: planOption.inputPaths + files.inputPaths, history: history.path)
        // The plan in effect on the fiscal year's last day (--plan-id), or the file.
        let fullYear = Period(fiscalYear: year, kind: .year)
        let (planFile, loader) = try planOption.load(for: fullYear, history: history.path, onLastDay: true)
        let (roster, actuals, events) = try files.read()
        var request = CalculationRequest(plan: planFile, roster: roster, actuals: actuals, period: fullYear.description, events: events)
        request.recordFigures = xlsx != nil
        // The plan says which periods the year has; the history says what they paid.
        let loaded = Pipeline.loadPlan(planFile, loadFile: loader)
        let parsed = try Output.required(loaded.plan, loaded.diagnostics.errors, quiet: quiet)
        let store = try history.open()
        let basis: TrueUpBasis
        do { basis = try TrueUpHistory.basis(store, plan: parsed, year: year) } catch { throw History.diagnostics(history.path, error) }

        let (calculated, diagnostics) = Pipeline.trueUp(request, year: year, basis: basis, loadFile: loader)
        let result = try Output.required(calculated, diagnostics, quiet: quiet)
        let json = TrueUpReport.json(result)
        let text: String
        switch format {
        case .table: text = TrueUpReport.table(result)
        case .csv: text = TrueUpReport.csv(result)
        case .json: text = json
        }
        // The true-up's payroll: a first payment, or, when the year's true-up was closed
        // already, the difference from the true-up paid before.
        var payrollFile: (payroll: Payroll, paidBefore: Int64?)?
        if payroll != nil {
            do {
                var p = try PayrollHistory.payroll(store, now: PayrollPayee.of(result), period: fullYear, planID: result.fullYear.plan.id, recordedAs: nil)
                if !p.payroll.isAdjustment { p.payroll.lines.removeAll { $0.amount.isZero } }
                payrollFile = p
            } catch { throw History.diagnostics(history.path, error) }
        }
        var recorded: RunSummary?
        do {
            let record = noDB ? nil : try Recording.trueUp(result, request: request, okrFiles: loaded.files, json: json, context: History.context)
            try outputs.checkAgainst(inputs: loaded.files.map { ("the plan's okrs", $0.path) })
            // The workbook names the run it is recorded as (checked when recording).
            var stamp: WorkbookContext.RunStamp?
            if let xlsx {
                if record != nil {
                    do { stamp = WorkbookContext.RunStamp(id: try store.nextRunIDs(1)[0], state: "draft") } catch { throw History.diagnostics(history.path, error) }
                }
                let staging = try outputs.stagingPath("--xlsx")
                try WorkbookExport.write(result.fullYear, request: request, planFiles: loaded.files, to: staging, reportAs: xlsx, trueUp: result, run: stamp)
                try outputs.flushStaged("--xlsx")
            }
            if output != nil { try outputs.stage(text, for: "--output") }
            if let payrollFile {
                try outputs.stage(PayrollReport.render(payrollFile.payroll, earningCode: result.fullYear.plan.earningCode, period: fullYear), for: "--payroll")
            }
            FileIO.testHoldExport?()
            if let record {
                do {
                    try outputs.commit { putInPlace in
                        recorded = try store.record([record], inside: { written in
                            if let stamp, written.first?.id != stamp.id {
                                throw Output.error("another run was recorded while the true-up was being calculated, so the workbook's run number would be wrong; nothing was written, run it again", file: history.path)
                            }
                            if let payrollFile, try store.runPaidBefore(period: fullYear, planID: result.fullYear.plan.id) != payrollFile.paidBefore {
                                throw Output.error("the history changed while the true-up was being calculated (\(fullYear) was closed, or an adjustment approved): the payroll would not be right; nothing was written, run it again", file: history.path)
                            }
                            try putInPlace()
                        }).first
                    }
                } catch let e as StoreError {
                    throw Output.error("the true-up could not be recorded: \(e.message); no output was written", file: history.path)
                }
            } else {
                try outputs.commit()
            }
        } catch {
            outputs.discard()
            throw error
        }
        if let payrollFile {
            PayrollOutput.say([(payrollFile.payroll, recorded?.id, recorded == nil ? "not recorded" : "draft", payrollFile.paidBefore)], to: payroll)
        }
        if let run = recorded { History.sayRecorded(run, in: history.path) }
        if output == nil { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}

