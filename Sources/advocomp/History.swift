import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompStore
import AdvocompWorkbook
import ArgumentParser
import Foundation

/// Who, when and how: what the CLI tells the history about a run (the library reads none
/// of it), and the words shared by the history commands.
enum History {
    static let defaultPath = "advocomp.db"

    /// Who is running advocomp: ADVOCOMP_USER (a shared service account can name the
    /// person), else USER or LOGNAME, else the login name of the process's user.
    static var user: String {
        let environment = ProcessInfo.processInfo.environment
        for key in ["ADVOCOMP_USER", "USER", "LOGNAME"] {
            if let name = environment[key]?.trimmingCharacters(in: .whitespaces), !name.isEmpty { return name }
        }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    /// UTC, to the second: 2026-11-23T19:40:00Z.
    static var now: String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }

    /// For the tests only: with ADVOCOMP_TEST_HOLD_RECORD=FILE, a run being recorded
    /// creates FILE inside its write transaction and waits there, so a test can read the
    /// history meanwhile or kill the process mid-write.
    static var testHold: (() -> Void)? {
        guard let marker = ProcessInfo.processInfo.environment["ADVOCOMP_TEST_HOLD_RECORD"] else { return nil }
        return {
            _ = FileManager.default.createFile(atPath: marker, contents: nil)
            sleep(60)
        }
    }

    /// Opens (creating) the history a run is recorded in, saying what opening it changed.
    static func openForWriting(_ path: String, quiet: Bool) throws -> RunStore {
        let store = try RunStore(path: path, create: true)
        Output.report(store.warnings.map { .warning($0, at: .wholeFile(path)) }, quiet: quiet, summary: false)
        return store
    }

    /// Where runs were recorded, said on standard error even with --quiet (it is not a
    /// warning), and that one is an adjustment when its period was closed.
    static func sayRecorded(_ runs: [RunSummary], in path: String) {
        if runs.count == 1, let run = runs.first {
            var note = "recorded as run \(run.id) in \(path)"
            if run.kind == .adjustment, let final = run.adjusts {
                note += ": \(run.period) is closed for plan \(run.planID), so this is an adjustment of its final run \(final)"
            }
            Output.stderr(note)
            return
        }
        let set = runs.first?.runSet.map { "run set S\($0)" } ?? "runs"
        Output.stderr("recorded as \(set) (runs \(runs.map { String($0.id) }.joined(separator: ", "))) in \(path)")
        for run in runs where run.kind == .adjustment {
            Output.stderr("run \(run.id): \(run.period) is closed for plan \(run.planID), so this is an adjustment of its final run \(run.adjusts.map(String.init) ?? "?")")
        }
    }

    static func sayRecorded(_ run: RunSummary, in path: String) { sayRecorded([run], in: path) }

    /// A failure of the history as diagnostics: a store error about the file as a whole;
    /// diagnostics as they are.
    static func diagnostics(_ path: String, _ error: Error) -> Error {
        switch error {
        case let e as DiagnosticsError: return e
        case let d as Diagnostic: return DiagnosticsError([d])
        case let e as StoreError: return Output.error(e.message, file: path)
        case let p as PlanVersionChoice.Problem: return Output.error(p.message, file: path)
        default: return Output.error("\(error)", file: path)
        }
    }

    /// Who, when and how, for the record of a run.
    static var context: RunContext {
        RunContext(createdAt: now, createdBy: user, commandLine: WorkbookExport.commandLine())
    }

    /// What does not match in a run's record: one error, each difference a note.
    static func differences(_ what: String, _ differences: [String], history: String) -> Diagnostic {
        .error("\(what); \(differences.count) difference\(differences.count == 1 ? "" : "s"):", at: .wholeFile(history),
               notes: differences.map { Diagnostic.Note($0) })
    }

    static func describe(_ r: RunSummary) -> String {
        var state = r.state
        if r.kind == .adjustment { state += ", adjusts run \(r.adjusts.map(String.init) ?? "?")" }
        return "run \(r.id): \(r.period), plan \(r.planID) \(r.planVersion), \(r.purpose == .trueUp ? "true-up" : r.kind.rawValue) (\(state))"
    }

    /// A run set in one line: its plans, their runs and their states.
    static func describe(set id: Int64, _ runs: [RunSummary]) -> String {
        let states = Set(runs.map(\.state)).sorted().joined(separator: "/")
        let period = runs.first.map { "\($0.period)" } ?? "?"
        return "run set S\(id): \(period), \(runs.count) plans (runs \(runs.map { String($0.id) }.joined(separator: ", "))), \(states)"
    }

    /// The approval trail of a run, a line each, oldest first.
    static func trail(_ entries: [ApprovalEntry]) -> [String] {
        entries.map { e in
            let verb = e.action == .approve ? "approved" : e.action == .revoke ? "approval revoked" : "closed (final run)"
            return "  \(verb) by \(e.by) at \(e.at)" + (e.note.isEmpty ? "" : ": \(e.note)")
        }
    }

    /// Says which runs are meant, with each one's trail, on standard error.
    static func sayWhich(_ ref: RunRef, _ runs: [RunSummary], store: RunStore, path: String) throws {
        if case .set(let id) = ref { Output.stderr(describe(set: id, runs)) }
        let trails: [ApprovalEntry]
        do { trails = try store.trail(runs.map(\.id)) } catch { throw diagnostics(path, error) }
        for r in runs {
            Output.stderr(describe(r))
            let lines = trail(trails.filter { $0.runID == r.id })
            if !lines.isEmpty { Output.stderr(lines.joined(separator: "\n")) }
        }
    }

    /// A recorded run calculated again from its stored inputs, after checking that it
    /// still gives the stored result byte for byte (what is shown is what was recorded).
    struct Recreated {
        var summary: RunSummary
        var result: RunResult
        var request: CalculationRequest
        var trueUp: TrueUpResult?
        var okrFiles: [InputFile]
        var stored: String
    }

    static func recreate(_ store: RunStore, _ summary: RunSummary, path: String, figures: Bool) throws -> Recreated {
        let rerun: Rerun, okrFiles: [InputFile], stored: String
        do {
            (rerun, okrFiles) = try RunReplay.rerun(store, summary, recordFigures: figures)
            stored = try store.resultJSON(summary.id) ?? ""
        } catch { throw diagnostics(path, error) }
        guard rerun.json == stored else {
            var failed: [Diagnostic] = []
            if case .failed(let d) = rerun { failed = d.errors }
            throw DiagnosticsError(failed + [.error("run \(summary.id) was recorded by advocomp \(summary.advocompVersion) and this advocomp (\(AdvocompVersion.string)) no longer gives the same result from its inputs; `advocomp replay \(summary.id)` names the differences, and `--format json` shows the run as stored", at: .wholeFile(path))])
        }
        switch rerun {
        case .calculation(let r, let q): return Recreated(summary: summary, result: r, request: q, trueUp: nil, okrFiles: okrFiles, stored: stored)
        case .trueUp(let t, let q): return Recreated(summary: summary, result: t.fullYear, request: q, trueUp: t, okrFiles: okrFiles, stored: stored)
        case .failed(let d): throw DiagnosticsError(d)
        }
    }
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the recorded runs: state, approval, totals by currency.",
        discussion: "A run set (several plans calculated together, one close) is shown as S<n> in the set column; show, approve, revoke, close, diff, replay and payroll take it as S<n>.")

    @OptionGroup var history: HistoryOption

    @Option(help: "Only runs of this period (2026-Q1, 2026-H1, 2026-FY).", transform: ArgumentValue.period)
    var period: Period?

    func run() throws {
        let store = try history.open()
        let runs: [RunSummary]
        var totals: [Int64: [RunTotal]] = [:]
        do {
            runs = try period.map { try store.runs(period: $0) } ?? store.runs()
            for r in runs { totals[r.id] = try store.totals(r.id) }
        } catch { throw History.diagnostics(history.path, error) }
        guard !runs.isEmpty else {
            Output.stderr("no runs\(period.map { " for \($0)" } ?? "") in \(history.path)")
            return
        }
        let header = ["run", "set", "period", "plan", "version", "kind", "state", "payees", "payout", "approved", "created (UTC)", "by"]
        let rows = runs.map { r -> [String] in
            let payout = (totals[r.id] ?? []).map { "\($0.payout.grouped) \($0.currency.code)" }.joined(separator: "; ")
            return [String(r.id), r.runSet.map { "S\($0)" } ?? "-", r.period.description, r.planID, r.planVersion,
                    r.kind == .adjustment ? "adjusts \(r.adjusts.map(String.init) ?? "?")" : r.purpose == .trueUp ? "true-up" : "regular",
                    r.state, String(r.payeeCount), payout.isEmpty ? "-" : payout,
                    r.approvedAt.map { "\(r.approvedBy ?? "?") \($0)" } ?? "-", r.createdAt, r.createdBy]
        }
        print(TextTable.render(header, rows))
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a recorded run (or run set) exactly as calculate printed it, with its approval trail.",
        discussion: """
        json is the stored output itself. table and csv (and --xlsx) are rendered from the
        run's stored inputs, after checking that they give the stored result byte for byte.
        --payroll writes the run's payroll: for an adjustment of a period already paid, only
        the difference from the run paid before. The run, its state and its approval trail
        are printed on standard error.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: ArgumentHelp("The run id, or a run set as S<n> (advocomp runs lists them).", valueName: "run"))
    var which: RunRef

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: ArgumentHelp("Also write the run's workbook (.xlsx).",
                               discussion: "For a run set, one workbook per plan: the name must hold {plan}, e.g. q3-{plan}.xlsx."))
    var xlsx: String?

    @Option(help: "Also write the run's payroll CSV (see advocomp payroll).")
    var payroll: String?

    func validate() throws {
        try PayrollOutput.checkStandardOutput(payroll, report: outputOption.output)
    }

    func run() throws {
        let store = try history.open()
        let runs = try history.runs(which, in: store)
        let xlsxTargets = try WorkbookExport.targets(xlsx, plans: runs.map(\.planID))
        let outputs = try FileIO.outputs([("--output", outputOption.output, true), ("--payroll", payroll, true)]
                                         + xlsxTargets.map { ($0.option, $0.path, false) }, inputs: [], history: history.path)
        try History.sayWhich(which, runs, store: store, path: history.path)
        var payrollText: String?
        if payroll != nil { payrollText = try PayrollOutput.recorded(store, runs, history: history.path, to: payroll) }
        if format == .json && xlsxTargets.isEmpty && runs.count == 1 {
            if let payrollText { try outputs.stage(payrollText, for: "--payroll") }
            try Output.emit(try store.resultJSON(runs[0].id) ?? "", to: outputs)
            return
        }
        let recreated = try runs.map { try History.recreate(store, $0, path: history.path, figures: !xlsxTargets.isEmpty) }
        let text: String
        if recreated.count == 1, let r = recreated.first {
            switch format {
            case .json: text = r.stored
            case .table: text = r.trueUp.map(TrueUpReport.table) ?? TableReport.render(r.result)
            case .csv: text = r.trueUp.map(TrueUpReport.csv) ?? CSVReport.render(r.result)
            }
        } else {
            let (summary, problems) = CompanySummary.of(recreated.map { $0.result })
            guard let summary else { throw DiagnosticsError(problems) }
            switch format {
            case .json: text = CompanySummaryReport.json(recreated.map { $0.stored }, summary)
            case .table: text = CompanySummaryReport.table(recreated.map { $0.result }, summary)
            case .csv: text = CompanySummaryReport.csv(recreated.map { $0.result })
            }
        }
        do {
            for (r, target) in zip(recreated, xlsxTargets) {
                try WorkbookExport.write(r.result, request: r.request, planFiles: r.okrFiles, to: try outputs.stagingPath(target.option),
                                         reportAs: target.path, trueUp: r.trueUp,
                                         run: WorkbookContext.RunStamp(id: r.summary.id, state: r.summary.state))
                try outputs.flushStaged(target.option)
            }
            if let payrollText { try outputs.stage(payrollText, for: "--payroll") }
        } catch {
            outputs.discard()
            throw error
        }
        try Output.emit(text, to: outputs)
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recalculate a recorded run (or each run of a run set) from its stored inputs and prove that everything stored is identical.",
        discussion: """
        Checks the record itself (the SHA-256 of its result and of each stored input file), then \
        recalculates and compares the JSON output byte for byte, every stored payee row, the \
        totals and the findings. Exit 0 when all match; otherwise an error naming each difference.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: ArgumentHelp("The run id, or a run set as S<n> (advocomp runs lists them).", valueName: "run"))
    var which: RunRef

    func run() throws {
        let store = try history.open()
        var problems: [Diagnostic] = []
        for summary in try history.runs(which, in: store) {
            let verification: RunReplay.Verification
            let findings: Int, stored: String
            do {
                verification = try RunReplay.verify(store, summary)
                findings = try store.findingCount(summary.id)
                stored = try store.resultJSON(summary.id) ?? ""
            } catch { throw History.diagnostics(history.path, error) }
            let differences = verification.differences
            if differences.isEmpty {
                print("run \(summary.id) replayed: identical (\(verification.payees) payees, \(findings) findings, result SHA-256 \(SHA256.hex(utf8: stored)), every input file's SHA-256 checked)")
                continue
            }
            problems += verification.diagnostics + [History.differences(
                "run \(summary.id) does not replay identically (recorded by advocomp \(summary.advocompVersion), recalculated by \(AdvocompVersion.string))",
                differences, history: history.path)]
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
    }
}

/// `advocomp check --db FILE`: the whole history, checked.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a run history: SQLite's integrity check, then every run as replay checks it.",
        discussion: "Exit 0 when the file is sound and every run's record matches its recalculation; otherwise names each run that does not, and why.")

    @OptionGroup var history: HistoryOption

    func run() throws {
        let store = try history.open()
        var problems: [Diagnostic] = []
        let runCount: Int
        do {
            problems += try store.integrityProblems().map { .error($0, at: .wholeFile(history.path)) }
            let runs = try store.runs()
            runCount = runs.count
            for run in runs {
                let differences = try RunReplay.verify(store, run).differences
                if !differences.isEmpty { problems.append(History.differences(History.describe(run), differences, history: history.path)) }
            }
        } catch { throw History.diagnostics(history.path, error) }
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
        print("\(history.path): ok: SQLite's integrity check passed and all \(runCount) run\(runCount == 1 ? "" : "s") replay identically")
    }
}
