import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompModel
import AdvocompStore
import ArgumentParser
import Foundation

// The options every command shares, each declared once (swift-argument-parser option
// groups). Values with a type are read by it (`ArgumentValue`), so a bad one is a usage
// error that says what was expected.

/// The plan: a file, or the stored version in effect (`--plan-id`, from the history).
struct PlanOption: ParsableArguments {
    @Option(help: "The plan file (YAML).")
    var plan: String?

    @Option(name: .customLong("plan-id"),
            help: ArgumentHelp("Instead of --plan: the stored version of this plan in effect for the period.",
                               discussion: "Versions are stored with advocomp plans add FILE --effective DATE, in the run history (--db)."))
    var planID: String?

    func validate() throws {
        if (plan == nil) == (planID == nil) { throw ValidationError("give the plan as --plan FILE or as --plan-id ID (a stored version), one of them") }
    }

    /// The plan file as an input option, for the outputs' check.
    var inputPaths: [(option: String, path: String)] { plan.map { [("--plan", $0)] } ?? [] }

    /// The plan's file and the loader of the OKR sets it names: read from disk, or the
    /// version stored in `history` in effect for `period` (`onLastDay`: on its last day).
    func load(for period: Period, history: String, onLastDay: Bool = false) throws -> (InputFile, PlanParser.FileLoader) {
        if let planID {
            return try PlanVersionInput.inEffect(planID: planID, period: period.description, db: history, onLastDay: onLastDay)
        }
        return (try FileIO.readAll([(plan ?? "", .plan)])[0], FileIO.loader)
    }
}

/// The plans of `calculate`: one, or several calculated together as one run set (one
/// close), each a file or a stored version.
struct PlansOption: ParsableArguments {
    @Option(help: ArgumentHelp("A plan file (YAML) or a folder of them; give it again for more plans.",
                               discussion: "Several plans are calculated on the same roster, actuals and events as one run set: one result per plan and a company summary, recorded together, approved and closed as one."))
    var plan: [String] = []

    @Option(name: .customLong("plan-id"),
            help: ArgumentHelp("Instead of (or besides) --plan: the stored version of this plan in effect for the period; give it again for more.",
                               discussion: "Versions are stored with advocomp plans add FILE --effective DATE, in the run history (--db)."))
    var planID: [String] = []

    func validate() throws {
        if plan.isEmpty && planID.isEmpty { throw ValidationError("give the plan as --plan FILE or as --plan-id ID (a stored version); several for one run set") }
    }

    var inputPaths: [(option: String, path: String)] {
        plan.flatMap { p -> [(option: String, path: String)] in
            // A folder that cannot be listed is reported when the plans are read.
            let files = (try? PlansOption.yamlFiles(in: p)?.get()) ?? [p]
            return files.map { ("--plan", $0) }
        }
    }

    /// Each plan's file and the loader of the OKR sets it names, files first (every
    /// unreadable one reported), then stored versions. A folder given as `--plan` stands
    /// for its plan files (`*.yaml`, `*.yml`, by name): the OKR sets in it are read by the
    /// plans naming them, not as plans, and a YAML file that is neither is an error.
    func load(for period: Period, history: String) throws -> [(InputFile, PlanParser.FileLoader)] {
        var paths: [String] = [], fromFolder: Set<String> = [], problems: [Diagnostic] = []
        for p in plan {
            guard let listed = PlansOption.yamlFiles(in: p) else { paths.append(p); continue }
            switch listed {
            case .failure(let why):
                problems.append(.error("cannot read the folder: \(why.localizedDescription)", at: .wholeFile(p)))
            case .success(let inFolder):
                if inFolder.isEmpty {
                    problems.append(.error("the folder holds no plan files (*.yaml, *.yml)", at: .wholeFile(p)))
                }
                paths += inFolder
                fromFolder.formUnion(inFolder)
            }
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        var files: [(InputFile, PlanParser.FileLoader)] = []
        for file in try FileIO.readAll(paths.map { ($0, .plan) }) {
            if fromFolder.contains(file.path) {
                switch YAMLDocumentKind.of(bytes: file.bytes, file: file.path) {
                case .plan: break
                case .okrSet: continue
                case .pilot:
                    problems.append(.error("this is a pilot (for advocomp pilot), not a plan: keep pilots out of the plans folder", at: .wholeFile(file.path)))
                    continue
                case .neither(let d): problems.append(d); continue
                }
            }
            files.append((file, FileIO.loader))
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return try files + planID.map { try PlanVersionInput.inEffect(planID: $0, period: period.description, db: history) }
    }

    /// The YAML files directly in `path`, by name (hidden ones left out), when it is a
    /// folder (a failure when it cannot be listed); nil when it is not one.
    static func yamlFiles(in path: String) -> Result<[String], Error>? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        return Result {
            try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
                .sorted().map { base + "/" + $0 }
        }
    }
}

/// The people, the figures and the advocacy ledger.
struct InputFilesOption: ParsableArguments {
    @Option(help: "The roster CSV (the people list; rows naming another plan are skipped).")
    var roster: String

    @Option(help: "The actuals CSV (period,scope,kpi,value).")
    var actuals: String

    @Option(help: ArgumentHelp("The advocacy event ledger CSV.",
                               discussion: "Needed when the plan derives KPIs from events (from_events) or runs gaming checks."))
    var events: String?

    var inputPaths: [(option: String, path: String)] {
        [("--roster", roster), ("--actuals", actuals)] + (events.map { [("--events", $0)] } ?? [])
    }

    /// The roster, the actuals and the events, read (every unreadable one reported).
    func read() throws -> (roster: InputFile, actuals: InputFile, events: InputFile?) {
        let files = try FileIO.readAll([(roster, .roster), (actuals, .actuals)] + (events.map { [($0, .events)] } ?? []))
        return (files[0], files[1], files.count > 2 ? files[2] : nil)
    }
}

/// The period asked for.
struct PeriodOption: ParsableArguments {
    @Option(help: "The period: 2026-Q1..Q4, 2026-H1, 2026-H2 or 2026-FY (the fiscal year's label).",
            transform: ArgumentValue.period)
    var period: Period
}

/// `-q`: errors only.
struct QuietFlag: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Do not print warnings (errors are always printed).")
    var quiet = false
}

/// The run history's file.
struct HistoryOption: ParsableArguments {
    @Option(help: ArgumentHelp("The run history (SQLite). Default: advocomp.db in the working directory.",
                               discussion: "Runs are recorded there; --plan-id reads plan versions from it."))
    var db: String?

    /// The file: the one named, or advocomp.db here.
    var path: String { db ?? History.defaultPath }
    /// Whether the user named it (a history named and not writable is an error; the
    /// default one only a warning).
    var named: Bool { db != nil }

    /// Opens the history (creating it when asked); what opening it changed is said as a
    /// warning. A missing one is an error unless `create`.
    func open(create: Bool = false) throws -> RunStore {
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw DiagnosticsError([.error("no run history here (advocomp calculate records runs into it; --db names another file)", at: .wholeFile(path))])
        }
        do {
            let store = try RunStore(path: path, create: create)
            Output.report(store.warnings.map { .warning($0, at: .wholeFile(path)) }, summary: false)
            return store
        } catch {
            throw History.diagnostics(path, error)
        }
    }

    /// The runs `ref` names (one run, or every run of a run set, in id order); a missing
    /// run or set is an error, and so is one whose record cannot be read.
    func runs(_ ref: RunRef, in store: RunStore) throws -> [RunSummary] {
        do {
            switch ref {
            case .run(let id):
                guard let run = try store.summary(id) else {
                    throw DiagnosticsError([.error("there is no run \(id) (advocomp runs lists them)", at: .wholeFile(path))])
                }
                return [run]
            case .set(let id):
                guard let set = try store.runSet(id), !set.runs.isEmpty else {
                    throw DiagnosticsError([.error("there is no run set S\(id) (advocomp runs lists them)", at: .wholeFile(path))])
                }
                return set.runs
            }
        } catch { throw History.diagnostics(path, error) }
    }

    /// The history, a run's summary and its stored JSON output; a missing run is an error,
    /// and so is one whose record cannot be read (said as it is, never as a missing run).
    func run(_ id: Int64) throws -> (RunStore, RunSummary, String) {
        let store = try open()
        let found: (RunSummary, String)?
        do {
            found = try store.summary(id).flatMap { s in try store.resultJSON(id).map { (s, $0) } }
        } catch { throw History.diagnostics(path, error) }
        guard let (summary, stored) = found else {
            throw DiagnosticsError([.error("there is no run \(id) (advocomp runs lists them)", at: .wholeFile(path))])
        }
        return (store, summary, stored)
    }
}

/// `--output`: the report to a file instead of standard output.
struct OutputOption: ParsableArguments {
    @Option(help: "Write to this file (created private, mode 0600) instead of standard output (- is standard output).")
    var output: String?
}

/// The inputs of a calculation for one period: `calculate`, `explain`, `whatif`, `curve`,
/// `simulate`.
struct RunInputs: ParsableArguments {
    @OptionGroup var planOption: PlanOption
    @OptionGroup var files: InputFilesOption
    @OptionGroup var periodOption: PeriodOption
    @OptionGroup var quietFlag: QuietFlag
    @OptionGroup var history: HistoryOption

    var period: Period { periodOption.period }
    var quiet: Bool { quietFlag.quiet }
    var roster: String { files.roster }

    /// The input files by option, for the outputs' check.
    var inputPaths: [(option: String, path: String)] { planOption.inputPaths + files.inputPaths }

    /// The request, and the loader for the OKR sets its plan reads.
    func request(explain: Set<String> = []) throws -> (CalculationRequest, PlanParser.FileLoader) {
        let (plan, loader) = try planOption.load(for: period, history: history.path)
        let (roster, actuals, events) = try files.read()
        return (CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: period.description, explain: explain, events: events),
                loader)
    }
}

/// A recorded run (`12`) or a run set, the runs of several plans calculated together as
/// one close (`S4`).
enum RunRef: ExpressibleByArgument, CustomStringConvertible, Equatable {
    case run(Int64)
    case set(Int64)

    init?(argument: String) {
        if let id = Int64(argument), id > 0 { self = .run(id); return }
        let rest = argument.dropFirst()
        if argument.first == "S" || argument.first == "s", let id = Int64(rest), id > 0 { self = .set(id); return }
        return nil
    }

    static var defaultCompletionKind: CompletionKind { .default }

    var description: String {
        switch self {
        case .run(let id): return "run \(id)"
        case .set(let id): return "run set S\(id)"
        }
    }
}

/// Who does something to the history and why (`approve`, `revoke`, `close`).
struct ActorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Who does it (default: ADVOCOMP_USER, else USER or LOGNAME, else the login name).",
                               discussion: "Kept in the run's approval trail with the time and the note."))
    var by: String?

    @Option(help: "Why, kept in the approval trail (e.g. \"CFO sign-off, ticket FIN-212\").")
    var note: String?

    func validate() throws {
        if let by, by.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--by needs a name") }
    }

    var actor: Actor { Actor(by: by ?? History.user, at: History.now, note: note ?? "") }
}

/// The inputs of `calculate`: one plan or several, and everything else of `RunInputs`.
struct CalculateInputs: ParsableArguments {
    @OptionGroup var plans: PlansOption
    @OptionGroup var files: InputFilesOption
    @OptionGroup var periodOption: PeriodOption
    @OptionGroup var quietFlag: QuietFlag
    @OptionGroup var history: HistoryOption

    var period: Period { periodOption.period }
    var quiet: Bool { quietFlag.quiet }

    var inputPaths: [(option: String, path: String)] { plans.inputPaths + files.inputPaths }

    /// One request per plan, each with the loader of its plan's OKR sets.
    func requests(recordFigures: Bool) throws -> [(request: CalculationRequest, loadFile: PlanParser.FileLoader)] {
        let plans = try plans.load(for: period, history: history.path)
        let (roster, actuals, events) = try files.read()
        return plans.map { plan, loader in
            (CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: period.description, recordFigures: recordFigures, events: events), loader)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Typed option values: each reads its text or says what was expected (a usage error).
enum ArgumentValue {
    struct Expected: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func period(_ text: String) throws -> Period {
        guard let p = Period.parse(text) else { throw Expected("expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY, such as 2026-Q3") }
        return p
    }

    static func date(_ text: String) throws -> CivilDate {
        guard let d = CivilDate.parse(text) else { throw Expected("expected a date YYYY-MM-DD, such as 2026-09-30") }
        return d
    }

    /// A number as the plan and the actuals write it: `0.8`, `80%`, `1200000`.
    static func number(_ text: String) throws -> FixedDecimal {
        switch FixedDecimal.parse(text) {
        case .success(let v): return v
        case .failure(let e): throw Expected("\(e) (expected a number such as 80% or 0.8)")
        }
    }

    /// `KPI=VALUE`, `unit:NAME/KPI=VALUE` or `payee:ID/KPI=VALUE`.
    static func override(_ text: String) throws -> ActualOverride {
        switch ActualOverride.parse(text) {
        case .success(let o): return o
        case .failure(let e): throw Expected(e.message)
        }
    }
}
