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

    static var user: String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
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

    /// Where a run was recorded, said on standard error even with --quiet (it is not a
    /// warning), and that it is an adjustment when its period was closed.
    static func sayRecorded(_ run: RunSummary, in path: String) {
        var note = "recorded as run \(run.id) in \(path)"
        if run.kind == .adjustment, let final = run.adjusts {
            note += ": \(run.period) is closed for plan \(run.planID), so this is an adjustment of its final run \(final)"
        }
        Output.stderr(note)
    }

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
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the recorded runs.")

    @OptionGroup var history: HistoryOption

    @Option(help: "Only runs of this period (2026-Q1, 2026-H1, 2026-FY).", transform: ArgumentValue.period)
    var period: Period?

    func run() throws {
        let store = try history.open()
        let runs: [RunSummary]
        do {
            runs = try period.map { try store.runs(period: $0) } ?? store.runs()
        } catch { throw History.diagnostics(history.path, error) }
        guard !runs.isEmpty else {
            Output.stderr("no runs\(period.map { " for \($0)" } ?? "") in \(history.path)")
            return
        }
        let header = ["run", "period", "plan", "version", "kind", "state", "payees", "created (UTC)", "by"]
        let rows = runs.map { r -> [String] in
            return [String(r.id), r.period.description, r.planID, r.planVersion,
                    r.kind == .adjustment ? "adjusts \(r.adjusts.map(String.init) ?? "?")" : r.purpose == .trueUp ? "true-up" : "regular",
                    r.state, String(r.payeeCount), r.createdAt, r.createdBy]
        }
        print(TextTable.render(header, rows))
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a recorded run exactly as calculate printed it.",
        discussion: """
        json is the stored output itself. table and csv (and --xlsx) are rendered from the
        run's stored inputs, after checking that they give the stored result byte for byte.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: "Also write the run's workbook (.xlsx).")
    var xlsx: String?

    func run() throws {
        let outputs = try FileIO.outputs([("--output", outputOption.output, true), ("--xlsx", xlsx, false)], inputs: [], history: history.path)
        let (store, summary, stored) = try history.run(runID)
        Output.stderr(History.describe(summary))
        if format == .json && xlsx == nil {
            try Output.emit(stored, to: outputs)
            return
        }
        let rerun: Rerun, okrFiles: [InputFile]
        do {
            (rerun, okrFiles) = try RunReplay.rerun(store, summary, recordFigures: xlsx != nil)
        } catch { throw History.diagnostics(history.path, error) }
        guard rerun.json == stored else {
            var failed: [Diagnostic] = []
            if case .failed(let diagnostics) = rerun { failed = diagnostics.errors }
            throw DiagnosticsError(failed + [.error("run \(runID) was recorded by advocomp \(summary.advocompVersion) and this advocomp (\(AdvocompVersion.string)) no longer gives the same result from its inputs; `advocomp replay \(runID)` names the differences, and `--format json` shows the run as stored", at: .wholeFile(history.path))])
        }
        let text: String
        let (result, request, trueUp): (RunResult, CalculationRequest, TrueUpResult?)
        switch rerun {
        case .calculation(let r, let q): (result, request, trueUp) = (r, q, nil)
        case .trueUp(let t, let q): (result, request, trueUp) = (t.fullYear, q, t)
        case .failed(let diagnostics): throw DiagnosticsError(diagnostics)
        }
        switch format {
        case .json: text = stored
        case .table: text = trueUp.map(TrueUpReport.table) ?? TableReport.render(result)
        case .csv: text = trueUp.map(TrueUpReport.csv) ?? CSVReport.render(result)
        }
        if let xlsx {
            do {
                try WorkbookExport.write(result, request: request, planFiles: okrFiles, to: try outputs.stagingPath("--xlsx"), reportAs: xlsx, trueUp: trueUp,
                                         run: WorkbookContext.RunStamp(id: summary.id, state: summary.state))
                try outputs.flushStaged("--xlsx")
            } catch {
                outputs.discard()
                throw error
            }
        }
        try Output.emit(text, to: outputs)
    }
}

struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve a recorded run (one approved run per period and plan).")

    @OptionGroup var history: HistoryOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    func run() throws {
        let store = try history.open()
        do {
            let (summary, previous) = try store.approve(runID, by: History.user, at: History.now)
            if let previous { Output.stderr("run \(previous) is no longer approved") }
            print(Display.text("approved \(History.describe(summary))"))
        } catch { throw History.diagnostics(history.path, error) }
    }
}

struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close a period: each plan's approved run becomes final.",
        discussion: "Calculating a closed period again records an adjustment run; the final run never changes.")

    @OptionGroup var history: HistoryOption

    @Option(help: "The period to close.", transform: ArgumentValue.period)
    var period: Period

    @Option(name: .customLong("plan-id"), help: "Close the period for this plan only (default: every plan with runs in it).")
    var planID: String?

    func run() throws {
        let store = try history.open()
        do {
            let finals = try store.close(period: period, planID: planID, by: History.user, at: History.now)
            for f in finals { print("closed \(period) for plan \(f.planID): final run \(f.id)") }
        } catch { throw History.diagnostics(history.path, error) }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recalculate a recorded run from its stored inputs and prove that everything stored is identical.",
        discussion: """
        Checks the record itself (the SHA-256 of its result and of each stored input file), then \
        recalculates and compares the JSON output byte for byte, every stored payee row, the \
        totals and the findings. Exit 0 when all match; otherwise an error naming each difference.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    func run() throws {
        let (store, summary, stored) = try history.run(runID)
        let verification: RunReplay.Verification
        do { verification = try RunReplay.verify(store, summary) } catch { throw History.diagnostics(history.path, error) }
        let differences = verification.differences
        if differences.isEmpty {
            print("run \(runID) replayed: identical (\(verification.payees) payees, \(try store.findingCount(runID)) findings, result SHA-256 \(SHA256.hex(utf8: stored)), every input file's SHA-256 checked)")
            return
        }
        throw DiagnosticsError(verification.diagnostics + [History.differences(
            "run \(runID) does not replay identically (recorded by advocomp \(summary.advocompVersion), recalculated by \(AdvocompVersion.string))",
            differences, history: history.path)])
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
