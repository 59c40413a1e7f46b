import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompStore
import AdvocompWorkbook
import ArgumentParser
import Foundation

/// The run history's file (`--db`), shared by the history commands.
struct DatabaseOption: ParsableArguments {
    @Option(help: "The run history (SQLite). Default: advocomp.db in the working directory.")
    var db: String = History.defaultPath

    func open(create: Bool = false) throws -> RunStore {
        guard create || FileManager.default.fileExists(atPath: db) else {
            Output.stderr("\(db): error: no run history here (advocomp calculate records runs into it; --db names another file)")
            throw ExitCode(1)
        }
        do {
            let store = try RunStore(path: db, create: create)
            for w in store.warnings { Output.stderr("\(db): warning: \(w)") }
            return store
        } catch let e as StoreError {
            Output.stderr("\(db): error: \(e.message)")
            throw ExitCode(1)
        }
    }

    /// The history, a run's summary and its stored JSON output; a missing run is an error,
    /// and so is one whose record cannot be read (said as it is, never as a missing run).
    func run(_ id: Int64) throws -> (RunStore, RunSummary, String) {
        let store = try open()
        let found: (RunSummary, String)?
        do {
            found = try store.summary(id).flatMap { s in try store.resultJSON(id).map { (s, $0) } }
        } catch { throw History.fail(db, error) }
        guard let (summary, stored) = found else {
            Output.stderr("\(db): error: there is no run \(id) (advocomp runs lists them)")
            throw ExitCode(1)
        }
        return (store, summary, stored)
    }
}

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
        if !quiet { for w in store.warnings { Output.stderr("\(path): warning: \(w)") } }
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

    /// A store failure as a located error line.
    static func fail(_ store: String, _ error: Error) -> ExitCode {
        Output.stderr("\(store): error: \((error as? StoreError)?.message ?? "\(error)")")
        return ExitCode(1)
    }

    /// Who, when and how, for the record of a run.
    static var context: RunContext {
        RunContext(createdAt: now, createdBy: user, commandLine: WorkbookExport.commandLine())
    }

    static func describe(_ r: RunSummary) -> String {
        var state = r.state
        if r.kind == .adjustment { state += ", adjusts run \(r.adjusts.map(String.init) ?? "?")" }
        return "run \(r.id): \(r.period), plan \(r.planID) \(r.planVersion), \(r.purpose == .trueUp ? "true-up" : r.kind.rawValue) (\(state))"
    }
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the recorded runs.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Only runs of this period (2026-Q1, 2026-H1, 2026-FY).")
    var period: String?

    func run() throws {
        let store = try database.open()
        var runs: [RunSummary] = []
        // A period that does not parse has no runs.
        do {
            if let period {
                if let p = Period.parse(period) { runs = try store.runs(period: p) }
            } else {
                runs = try store.runs()
            }
        } catch { throw History.fail(database.db, error) }
        guard !runs.isEmpty else {
            Output.stderr("no runs\(period.map { " for \($0)" } ?? "") in \(database.db)")
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

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    @Option(help: "Also write the run's workbook (.xlsx).")
    var xlsx: String?

    func run() throws {
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false)], inputs: [], history: database.db)
        let (store, summary, stored) = try database.run(runID)
        Output.stderr(History.describe(summary))
        if format == .json && xlsx == nil {
            try Output.emit(stored, to: outputs)
            return
        }
        let rerun: Rerun
        do {
            let okrFiles: [InputFile]
            (rerun, okrFiles) = try RunReplay.rerun(store, summary, recordFigures: xlsx != nil)
            FileIO.loaded = okrFiles  // for the workbook's Audit sheet
        } catch { throw History.fail(database.db, error) }
        guard rerun.json == stored else {
            if case .failed(let diagnostics) = rerun { Output.report(diagnostics.filter { $0.severity == .error }) }
            Output.stderr("\(database.db): error: run \(runID) was recorded by advocomp \(summary.advocompVersion) and this advocomp (\(AdvocompVersion.string)) no longer gives the same result from its inputs; `advocomp replay \(runID)` names the differences, and `--format json` shows the run as stored")
            throw ExitCode(1)
        }
        let text: String
        switch (rerun, format) {
        case (_, .json): text = stored
        case (.calculation(let result, _), .table): text = TableReport.render(result)
        case (.calculation(let result, _), .csv): text = CSVReport.render(result)
        case (.trueUp(let t, _), .table): text = TrueUpReport.table(t)
        case (.trueUp(let t, _), .csv): text = TrueUpReport.csv(t)
        case (.failed, _): throw ExitCode(1)
        }
        if let xlsx {
            let (result, request, trueUp): (RunResult, CalculationRequest, TrueUpResult?)
            switch rerun {
            case .calculation(let r, let q): (result, request, trueUp) = (r, q, nil)
            case .trueUp(let t, let q): (result, request, trueUp) = (t.fullYear, q, t)
            case .failed: throw ExitCode(1)
            }
            do {
                try WorkbookExport.write(result, request: request, to: try outputs.stagingPath("--xlsx"), reportAs: xlsx, trueUp: trueUp)
                try outputs.flushStaged("--xlsx")
            } catch {
                outputs.discard()
                Output.fail(error)
                throw ExitCode(1)
            }
        }
        try Output.emit(text, to: outputs)
    }
}

struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve a recorded run (one approved run per period and plan).")

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    func run() throws {
        let store = try database.open()
        do {
            let (summary, previous) = try store.approve(runID, by: History.user, at: History.now)
            if let previous { Output.stderr("run \(previous) is no longer approved") }
            print(Display.text("approved \(History.describe(summary))"))
        } catch { throw History.fail(database.db, error) }
    }
}

struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close a period: each plan's approved run becomes final.",
        discussion: "Calculating a closed period again records an adjustment run; the final run never changes.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "The period to close.")
    var period: String

    @Option(name: .customLong("plan-id"), help: "Close the period for this plan only (default: every plan with runs in it).")
    var planID: String?

    func run() throws {
        let store = try database.open()
        do {
            // A period that does not parse has no runs to close.
            guard let p = Period.parse(period) else {
                throw StoreError("there are no runs for \(period)\(planID.map { " of plan \($0)" } ?? ""): calculate and approve one first")
            }
            let finals = try store.close(period: p, planID: planID, by: History.user, at: History.now)
            for f in finals { print("closed \(period) for plan \(f.planID): final run \(f.id)") }
        } catch { throw History.fail(database.db, error) }
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

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    func run() throws {
        let (store, summary, stored) = try database.run(runID)
        let verification: RunReplay.Verification
        do { verification = try RunReplay.verify(store, summary) } catch { throw History.fail(database.db, error) }
        let differences = verification.differences
        if differences.isEmpty {
            print("run \(runID) replayed: identical (\(verification.payees) payees, \(try store.findingCount(runID)) findings, result SHA-256 \(SHA256.hex(utf8: stored)), every input file's SHA-256 checked)")
            return
        }
        Output.report(verification.diagnostics)
        Output.stderr("\(database.db): error: run \(runID) does not replay identically (recorded by advocomp \(summary.advocompVersion), recalculated by \(AdvocompVersion.string)); \(differences.count) difference\(differences.count == 1 ? "" : "s"):")
        for d in differences { Output.stderr("  \(d)") }
        throw ExitCode(1)
    }
}

/// `advocomp check --db FILE`: the whole history, checked.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a run history: SQLite's integrity check, then every run as replay checks it.",
        discussion: "Exit 0 when the file is sound and every run's record matches its recalculation; otherwise names each run that does not, and why.")

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.open()
        var bad = 0
        do {
            let integrity = try store.integrityProblems()
            for p in integrity { Output.stderr("\(database.db): error: \(p)") }
            if !integrity.isEmpty { bad += 1 }
            let runs = try store.runs()
            for run in runs {
                let differences = try RunReplay.verify(store, run).differences
                guard !differences.isEmpty else { continue }
                bad += 1
                Output.stderr("\(database.db): error: \(History.describe(run)): \(differences.count) difference\(differences.count == 1 ? "" : "s"):")
                for d in differences { Output.stderr("  \(d)") }
            }
            if bad == 0 {
                print("\(database.db): ok: SQLite's integrity check passed and all \(runs.count) run\(runs.count == 1 ? "" : "s") replay identically")
                return
            }
        } catch { throw History.fail(database.db, error) }
        throw ExitCode(1)
    }
}
