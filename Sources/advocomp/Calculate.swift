import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompWorkbook
import AdvocompStore
import ArgumentParser
import Foundation

struct Calculate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calculate every payout of a plan (or of several plans, as one run set) for one period.",
        discussion: """
        table is for a terminal; csv is SPEC section 7 exactly; json carries components,
        modifiers and totals. Amounts are exact decimals, rounded once per payee.
        Several --plan: each plan's report, then a company summary by currency (csv gains a
        plan_id column; json holds each plan's output and the summary), recorded as one run
        set that approve, close, show, diff and replay take as S<n>.
        """)

    @OptionGroup var inputs: CalculateInputs

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: ArgumentHelp("Also write a workbook for finance and HR (.xlsx).",
                               discussion: "Every payout is a live formula chain from the inputs and the plan's parameters, carrying the engine's value as its cached result. Several plans make one workbook each: put {plan} in the name (q3-{plan}.xlsx)."))
    var xlsx: String?

    @Option(help: ArgumentHelp("Also write a payroll CSV of the payees with status ok.",
                               discussion: "Columns payee_id,name,currency,amount,earning_code,period; held and ineligible payees are left out and counted on standard error. When the period was already paid (closed), only the difference from the run paid before, per payee: payee_id,name,currency,paid_before,now_due,difference,earning_code,period."))
    var payroll: String?

    @Flag(name: .customLong("no-db"), help: "Do not record the run in the history (a preview).")
    var noDB = false

    var output: String? { outputOption.output }

    func validate() throws {
        if noDB && inputs.history.named { throw ValidationError("--db and --no-db cannot be given together") }
        try PayrollOutput.checkStandardOutput(payroll, report: output)
    }

    func run() throws {
        let history = noDB ? nil : inputs.history.path
        // Checked before anything is computed: no output may be an input or the history.
        // (Each plan's workbook is checked once the plans are read: their ids name them.)
        var outputs = try FileIO.outputs([("--output", output, true), ("--payroll", payroll, true)], inputs: inputs.inputPaths, history: history)
        let requests = try inputs.requests(recordFigures: xlsx != nil)
        let set = Pipeline.calculate(plans: requests)
        let results = try Output.required(set.summary.map { _ in set.results }, set.diagnostics, quiet: inputs.quiet)
        guard let summary = set.summary, !results.isEmpty else { return }
        let planFiles = set.outcomes.map(\.planFiles)
        let xlsxTargets = try WorkbookExport.targets(xlsx, plans: results.map(\.plan.id))
        if !xlsxTargets.isEmpty {
            outputs = try FileIO.outputs([("--output", output, true), ("--payroll", payroll, true)] + xlsxTargets.map { ($0.option, $0.path, false) },
                                         inputs: inputs.inputPaths, history: history)
        }
        try outputs.checkAgainst(inputs: planFiles.flatMap { $0 }.map { ("the plan's okrs", $0.path) })
        // What the payroll pays: each plan's run against what its period paid already.
        let payrolls = try payroll == nil ? [] : payrollBases(results)
        // Every file output is staged first and put in place together with the history
        // record: all of them or none. The workbooks go first, before the report text is
        // held in memory.
        var text = ""
        var recorded: (path: String, runs: [RunSummary])?
        // The workbooks name the runs they will be recorded as (checked when recording).
        let stamps = xlsxTargets.isEmpty ? [] : try expectedRuns(count: results.count)
        // The JSON output is rendered once per plan: printed with --format json, and recorded.
        var rendered: [RenderedJSON]?
        do {
            for (k, target) in xlsxTargets.enumerated() {
                try WorkbookExport.write(results[k], request: requests[k].request, planFiles: planFiles[k], to: try outputs.stagingPath(target.option),
                                         reportAs: target.path, run: stamps.isEmpty ? nil : stamps[k])
                try outputs.flushStaged(target.option)
            }
            switch (format, results.count) {
            case (.table, 1): text = TableReport.render(results[0])
            case (.csv, 1): text = CSVReport.render(results[0])
            case (.table, _): text = CompanySummaryReport.table(results, summary)
            case (.csv, _): text = CompanySummaryReport.csv(results)
            case (.json, _):
                let json = results.map(RenderedJSON.init)
                rendered = json
                text = json.count == 1 ? json[0].text : CompanySummaryReport.json(json.map(\.text), summary)
            }
            if payroll != nil {
                try outputs.stage(PayrollReport.render(zip(payrolls, results).map { ($0.payroll, $1.plan.earningCode) }, period: inputs.period),
                                  for: "--payroll")
            }
            if output != nil { try outputs.stage(text, for: "--output") }
            FileIO.testHoldExport?()
            recorded = try commit(outputs, results: results, requests: requests.map(\.request), planFiles: planFiles, json: rendered,
                                  paidBefore: payrolls.map(\.paidBefore), stamps: stamps)
        } catch {
            outputs.discard()
            throw error
        }
        if payroll != nil {
            let runs = recorded?.runs
            PayrollOutput.say(payrolls.enumerated().map { k, p in (p.payroll, runs?[k].id, runs == nil ? "not recorded" : "draft", p.paidBefore) },
                              to: payroll)
        }
        if let (path, runs) = recorded { History.sayRecorded(runs, in: path) }
        if output == nil { FileHandle.standardOutput.write(Data(text.utf8)) }
        // Everything is written; skip tearing down 100,000 payees' worth of objects.
        Foundation.exit(0)
    }

    /// The runs the results will be recorded as (new runs are drafts), for the workbooks
    /// written before the record; none with --no-db (the workbook says it is a preview).
    func expectedRuns(count: Int) throws -> [WorkbookContext.RunStamp] {
        guard !noDB else { return [] }
        let path = inputs.history.path
        guard FileManager.default.fileExists(atPath: path) else {
            return (1...Int64(count)).map { WorkbookContext.RunStamp(id: $0, state: "draft") }
        }
        do {
            let store = try RunStore(path: path, create: false)
            return try store.nextRunIDs(count).map { WorkbookContext.RunStamp(id: $0, state: "draft") }
        } catch {
            throw History.diagnostics(path, error)
        }
    }

    /// Each plan's payroll: a first payment, or, when its period was paid already (closed),
    /// the difference from the run paid before. The history is read even with --no-db
    /// (when there is one), so a preview's payroll never pays twice either.
    func payrollBases(_ results: [RunResult]) throws -> [(payroll: Payroll, paidBefore: Int64?)] {
        let path = inputs.history.path
        let store: RunStore?
        if FileManager.default.fileExists(atPath: path) {
            do { store = try RunStore(path: path, create: false) } catch { throw History.diagnostics(path, error) }
        } else {
            store = nil
        }
        return try results.map { r in
            let now = PayrollPayee.of(r)
            guard let store else { return (Payroll.first(now), nil) }
            do { return try PayrollHistory.payroll(store, now: now, period: r.period, planID: r.plan.id, recordedAs: nil) } catch {
                throw History.diagnostics(path, error)
            }
        }
    }
}

extension Calculate {
    /// Puts the outputs in place and records the runs (unless --no-db), together: the
    /// files are renamed inside the history's write transaction, just before its commit,
    /// and put back if the commit fails. A history named with --db that cannot be opened
    /// is an error; the default one (advocomp.db here) is a warning, so a calculation in
    /// a read-only directory still gives its result. `json`: the JSON outputs when they
    /// are already rendered. `paidBefore`: what each payroll was worked out against; if
    /// the history changed meanwhile (the period closed, an adjustment approved), nothing
    /// is written.
    func commit(_ outputs: OutputFiles, results: [RunResult], requests: [CalculationRequest], planFiles: [[InputFile]],
                json: [RenderedJSON]?, paidBefore: [Int64?], stamps: [WorkbookContext.RunStamp]) throws -> (path: String, runs: [RunSummary])? {
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
            if inputs.history.named || payroll != nil || !stamps.isEmpty {
                let because = payroll != nil ? "; a payroll is only written from a recorded run"
                    : !stamps.isEmpty ? "; the workbook names the run it is recorded as (--no-db writes a preview workbook)" : ""
                throw Output.error("the run could not be recorded: \(why)\(because)", file: path)
            }
            Output.report([.warning("the run was not recorded: \(why) (--db names another file, --no-db skips recording)", at: .wholeFile(path))],
                          quiet: inputs.quiet, summary: false)
            try outputs.commit()
            return nil
        }
        let runs = results.enumerated().map { k, r in
            Recording.calculation(r, request: requests[k], okrFiles: planFiles[k], json: json?[k] ?? RenderedJSON(r), context: History.context)
        }
        var summaries: [RunSummary] = []
        do {
            try outputs.commit { putInPlace in
                summaries = try store.record(runs, inside: { written in
                    if !stamps.isEmpty && written.map(\.id) != stamps.map(\.id) {
                        throw Output.error("another run was recorded while this one was being calculated, so the workbook's run number would be wrong; nothing was written, calculate again", file: path)
                    }
                    for (k, r) in results.enumerated() where !paidBefore.isEmpty {
                        let now = try store.runPaidBefore(period: r.period, planID: r.plan.id)
                        if now != paidBefore[k] {
                            throw Output.error("the history changed while plan \(r.plan.id) was being calculated (\(r.period) was closed, or an adjustment approved): the payroll would not be right; nothing was written, calculate again", file: path)
                        }
                    }
                    try putInPlace()
                    History.testHold?()
                })
            }
        } catch let e as StoreError {
            throw Output.error("the run could not be recorded: \(e.message); no output was written", file: path)
        }
        return (path, summaries)
    }
}
