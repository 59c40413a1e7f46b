import AdvocompFiles
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
                  payout: p.payout.plain, status: p.status.rawValue, json: json)
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

        /// The findings, as the run records them.
        var findings: [StoredFinding] {
            switch self {
            case .calculation(let r, _): return r.findings.map(StoredFinding.init)
            case .trueUp(let t, _): return t.fullYear.findings.map(StoredFinding.init)
            case .failed: return []
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
    static func rerun(_ store: RunStore, _ run: RunSummary, recordFigures: Bool = false) throws -> Rerun {
        let files = try store.files(run.id)
        guard let plan = input(.plan, in: files), let roster = input(.roster, in: files), let actuals = input(.actuals, in: files) else {
            throw StoreError("run \(run.id) is missing stored input files")
        }
        FileIO.loaded = files.filter { $0.role == .okr }.map { InputFile(path: $0.path, bytes: $0.content) }  // for the workbook's Audit sheet
        let loader = loader(files, owner: "run \(run.id)")
        var request = CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: run.period, events: input(.events, in: files))
        request.recordFigures = recordFigures
        if run.purpose == .trueUp {
            guard let stored = try store.resultJSON(run.id) else { throw StoreError("run \(run.id) has no stored result") }
            let (year, basis) = try TrueUpHistory.basis(fromJSON: stored)
            let (t, diagnostics) = Pipeline.trueUp(request, year: year, basis: basis, loadFile: loader)
            return t.map { .trueUp($0, request) } ?? .failed(diagnostics)
        }
        let outcome = Pipeline.calculate(request, loadFile: loader)
        return outcome.result.map { .calculation($0, request) } ?? .failed(outcome.diagnostics)
    }

    /// Everything stored about a run, checked: the record itself (hashes of its result and
    /// input files), then a recalculation from its stored inputs against the stored result,
    /// every stored payee row (all of its columns), the totals (in the result) and the
    /// findings. Returns the differences in words, empty when everything matches, and the
    /// recalculated payee count.
    static func verify(_ store: RunStore, _ run: RunSummary) throws -> (differences: [String], payees: Int, diagnostics: [Diagnostic]) {
        var differences = try store.recordProblems(run.id)
        let rerun: Rerun
        do { rerun = try History.rerun(store, run) } catch {
            return (differences + ["it cannot be recalculated: \((error as? StoreError)?.message ?? "\(error)")"], 0, [])
        }
        guard let json = rerun.json else {
            if case .failed(let d) = rerun {
                return (differences + ["its stored inputs no longer calculate" + (d.errors.first.map { ": \($0.description)" } ?? "")], 0, d)
            }
            return (differences, 0, [])
        }
        let stored = try store.resultJSON(run.id) ?? ""
        let now = rerun.payees
        let storedPayees = try store.payees(run.id)
        let byID = Dictionary(storedPayees.map { ($0.payeeID, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        for p in now {
            seen.insert(p.payeeID)
            guard let before = byID[p.payeeID] else { differences.append("\(p.payeeID): not in the stored run"); continue }
            if before.payout != p.payout || before.status != p.status || before.currency != p.currency {
                differences.append("\(p.payeeID): stored \(before.payout) \(before.currency) (\(before.status)), now \(p.payout) \(p.currency) (\(p.status))")
            } else if before.name != p.name {
                differences.append("\(p.payeeID): stored name '\(before.name)', now '\(p.name)'")
            } else if before.json != p.json {
                differences.append("\(p.payeeID): payout \(p.payout) \(p.currency) unchanged, details differ")
            }
        }
        for p in storedPayees where !seen.contains(p.payeeID) { differences.append("\(p.payeeID): in the stored run, not in the recalculation") }
        if storedPayees.count != run.payeeCount {
            differences.append("the run lists \(run.payeeCount) payees, \(storedPayees.count) are stored")
        }
        let findings = try store.findings(run.id)
        if findings != rerun.findings {
            differences.append("findings: \(findings.count) stored, \(rerun.findings.count) recalculated"
                               + (findings.count == rerun.findings.count ? ", some differ" : ""))
        }
        if json != stored {
            if differences.isEmpty { differences.append("the payees and findings agree; the stored result (totals, pool or another figure) differs") }
            else { differences.append("the stored result differs from the recalculation") }
        }
        return (differences, now.count, [])
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
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false)], inputs: [], history: database.db)
        let (store, summary, stored) = try database.run(runID)
        Output.stderr(History.describe(summary))
        if format == .json && xlsx == nil {
            try Output.emit(stored, to: outputs)
            return
        }
        let rerun: History.Rerun
        do { rerun = try History.rerun(store, summary, recordFigures: xlsx != nil) } catch { throw History.fail(database.db, error) }
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
            let finals = try store.close(period: period, planID: planID, by: History.user, at: History.now)
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
        let (differences, payees, diagnostics) = try History.verify(store, summary)
        if differences.isEmpty {
            print("run \(runID) replayed: identical (\(payees) payees, \(try store.findingCount(runID)) findings, result SHA-256 \(SHA256.hex(Array(stored.utf8))), every input file's SHA-256 checked)")
            return
        }
        Output.report(diagnostics)
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
                let (differences, _, _) = try History.verify(store, run)
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
