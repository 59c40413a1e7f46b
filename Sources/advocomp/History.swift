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
        do { return try RunStore(path: db, create: create) } catch let e as StoreError {
            Output.stderr("\(db): error: \(e.message)")
            throw ExitCode(1)
        }
    }

    /// The history, a run's summary and its stored JSON output; a missing run is an error.
    func run(_ id: Int64) throws -> (RunStore, RunSummary, String) {
        let store = try open()
        guard let summary = try? store.summary(id), let stored = try? store.resultJSON(id) else {
            Output.stderr("\(db): error: there is no run \(id) (advocomp runs lists them)")
            throw ExitCode(1)
        }
        return (store, summary, stored)
    }
}

extension StoredPayee {
    /// A payee of a calculation, with its JSON object.
    init(_ p: PayeeResult, json: String) {
        self.init(payeeID: p.payee.id, name: p.payee.name, currency: p.currency.code,
                  payout: p.payout.formatted(places: p.currency.minorDigits), status: p.status.rawValue, json: json)
    }

    /// A payee of a true-up: the payout is the true-up.
    init(_ l: TrueUpLine) {
        self.init(payeeID: l.payeeID, name: l.name, currency: l.currency.code,
                  payout: l.trueUp.formatted(places: l.currency.minorDigits), status: l.status.rawValue, json: TrueUpReport.lineObject(l))
    }
}

/// Who, when and how: what the CLI tells the store about a run (the store reads none of it).
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

    /// The run as the store keeps it: every input file, the JSON output, each payee
    /// (`payees` when the caller has its own, as the true-up does).
    static func newRun(_ result: RunResult, request: CalculationRequest, json: String?, payees given: [StoredPayee]? = nil) -> NewRun {
        var files = [StoredFile(role: .plan, path: request.plan.path, content: request.plan.bytes),
                     StoredFile(role: .roster, path: request.roster.path, content: request.roster.bytes),
                     StoredFile(role: .actuals, path: request.actuals.path, content: request.actuals.bytes)]
        if let e = request.events { files.append(StoredFile(role: .events, path: e.path, content: e.bytes)) }
        for f in FileIO.loaded { files.append(StoredFile(role: .okr, path: f.path, content: f.bytes)) }
        var payees = given ?? []
        var text = json ?? ""
        if given == nil || json == nil {
            let objects = JSONReport.payeeObjects(result)
            if given == nil { payees = zip(result.payees, objects).map { StoredPayee($0, json: $1) } }
            if json == nil { text = JSONReport.render(result, payeeObjects: objects) }
        }
        return NewRun(period: result.period.description, planID: result.plan.id, planVersion: result.plan.version,
                      files: files, resultJSON: text, payees: payees, findings: result.findings, createdAt: now,
                      createdBy: user, commandLine: WorkbookExport.commandLine(), advocompVersion: AdvocompVersion.string)
    }

    /// The stored file of `role`, as an input.
    static func input(_ role: StoredFile.Role, in files: [StoredFile]) -> InputFile? {
        files.first { $0.role == role }.map { InputFile(path: $0.path, bytes: $0.content) }
    }

    /// Serves a plan's OKR sets from stored files; `owner` says where they were stored.
    static func loader(_ files: [StoredFile], owner: String) -> PlanParser.FileLoader {
        let okr = files.filter { $0.role == .okr }
        return { path in
            guard let f = okr.first(where: { $0.path == path }) else {
                return .failure(PlanParser.FileLoadError("not stored with \(owner) (\(path))"))
            }
            return PlanParser.okrSetText(f.content, path: path)
        }
    }

    /// A stored run calculated again from its stored inputs, with this advocomp.
    enum Rerun {
        case calculation(RunResult, CalculationRequest)
        case trueUp(TrueUpResult, CalculationRequest)
        case failed([Diagnostic])

        /// The JSON output, as the run's command writes it.
        var json: String? {
            switch self {
            case .calculation(let r, _): return JSONReport.render(r)
            case .trueUp(let t, _): return TrueUpReport.json(t)
            case .failed: return nil
            }
        }

        /// Each payee's id, JSON object, payout (the true-up for a true-up), currency and status.
        var payees: [StoredPayee] {
            switch self {
            case .calculation(let r, _): return r.payees.map { StoredPayee($0, json: JSONReport.payeeObject($0, plan: r.plan)) }
            case .trueUp(let t, _): return t.lines.map(StoredPayee.init)
            case .failed: return []
            }
        }
    }

    /// Calculates a stored run again: a calculation from its stored inputs; a true-up
    /// from its stored inputs and the paid amounts its result recorded.
    static func rerun(_ store: RunStore, _ run: RunSummary, recordKPIActuals: Bool = false) throws -> Rerun {
        let files = try store.files(run.id)
        guard let plan = input(.plan, in: files), let roster = input(.roster, in: files), let actuals = input(.actuals, in: files) else {
            throw StoreError("run \(run.id) is missing stored input files")
        }
        FileIO.loaded = files.filter { $0.role == .okr }.map { InputFile(path: $0.path, bytes: $0.content) }  // for the workbook's Audit sheet
        let loader = loader(files, owner: "run \(run.id)")
        var request = CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: run.period, events: input(.events, in: files))
        request.recordKPIActuals = recordKPIActuals
        if run.purpose == .trueUp {
            guard let stored = try store.resultJSON(run.id) else { throw StoreError("run \(run.id) has no stored result") }
            let (year, basis) = try TrueUpHistory.basis(fromJSON: stored)
            let (t, diagnostics) = Pipeline.trueUp(request, year: year, basis: basis, loadFile: loader)
            return t.map { .trueUp($0, request) } ?? .failed(diagnostics)
        }
        let outcome = Pipeline.calculate(request, loadFile: loader)
        return outcome.result.map { .calculation($0, request) } ?? .failed(outcome.diagnostics)
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
        let runs: [RunSummary]
        do { runs = try store.runs(period: period) } catch { throw History.fail(database.db, error) }
        guard !runs.isEmpty else {
            Output.stderr("no runs\(period.map { " for \($0)" } ?? "") in \(database.db)")
            return
        }
        let header = ["run", "period", "plan", "version", "kind", "state", "payees", "created (UTC)", "by"]
        let rows = runs.map { r -> [String] in
            return [String(r.id), r.period, r.planID, r.planVersion,
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
        let (store, summary, stored) = try database.run(runID)
        Output.stderr(History.describe(summary))
        if format == .json && xlsx == nil {
            try Output.emit(stored, to: output)
            return
        }
        let rerun: History.Rerun
        do { rerun = try History.rerun(store, summary, recordKPIActuals: xlsx != nil) } catch { throw History.fail(database.db, error) }
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
            do { try WorkbookExport.write(result, request: request, to: xlsx, trueUp: trueUp) } catch let e as CLIError {
                Output.stderr(e.description)
                throw ExitCode(1)
            }
        }
        try Output.emit(text, to: output)
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
            let finals = try store.close(period: period, planID: planID, by: History.user, at: History.now)
            for f in finals { print("closed \(period) for plan \(f.planID): final run \(f.id)") }
        } catch { throw History.fail(database.db, error) }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recalculate a recorded run from its stored inputs and prove the result is identical.",
        discussion: "Exit 0 when the JSON output is byte for byte the stored one; otherwise an error naming each payee that differs.")

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    func run() throws {
        let (store, summary, stored) = try database.run(runID)
        let rerun: History.Rerun
        do { rerun = try History.rerun(store, summary) } catch { throw History.fail(database.db, error) }
        guard let json = rerun.json else {
            if case .failed(let diagnostics) = rerun { Output.report(diagnostics) }
            Output.stderr("\(database.db): error: run \(runID) cannot be recalculated from its stored inputs")
            throw ExitCode(1)
        }
        let now = rerun.payees
        if json == stored {
            print("run \(runID) replayed: identical (\(now.count) payees, result SHA-256 \(SHA256.hex(Array(json.utf8))))")
            return
        }
        let storedPayees = Dictionary(try store.payees(runID).map { ($0.payeeID, $0) }, uniquingKeysWith: { a, _ in a })
        var differences: [String] = []
        var seen = Set<String>()
        for p in now {
            seen.insert(p.payeeID)
            guard let before = storedPayees[p.payeeID] else { differences.append("\(p.payeeID): not in the stored run"); continue }
            if before.json != p.json {
                differences.append(before.payout == p.payout && before.status == p.status
                                   ? "\(p.payeeID): payout \(p.payout) \(p.currency) unchanged, details differ"
                                   : "\(p.payeeID): stored \(before.payout) \(before.currency) (\(before.status)), now \(p.payout) \(p.currency) (\(p.status))")
            }
        }
        for id in storedPayees.keys.sorted() where !seen.contains(id) { differences.append("\(id): in the stored run, not in the recalculation") }
        if differences.isEmpty { differences.append("the payees agree; the totals, pool or findings differ") }
        Output.stderr("\(database.db): error: run \(runID) does not replay identically (recorded by advocomp \(summary.advocompVersion), recalculated by \(AdvocompVersion.string)); \(differences.count) difference\(differences.count == 1 ? "" : "s"):")
        for d in differences { Output.stderr("  \(d)") }
        throw ExitCode(1)
    }
}
