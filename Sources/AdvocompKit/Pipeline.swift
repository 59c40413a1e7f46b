import AdvocompEngine
import Dispatch
import AdvocompModel
import AdvocompParser

/// An input file already read into memory, with the name diagnostics should use.
public struct InputFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// What `calculate` and `explain` need.
public struct CalculationRequest: Sendable {
    public var plan: InputFile
    public var roster: InputFile
    public var actuals: InputFile
    public var period: String
    /// Payees whose derivation is traced.
    public var explain: Set<String>
    /// Keep every payee's KPI actuals in the result (for the workbook).
    public var recordFigures: Bool
    /// The advocacy event ledger (`--events`), when given.
    public var events: InputFile?
    /// Warn about the actuals' KPIs that the plan does not define (one summary warning,
    /// `UnusedKPIs`). A caller running several plans on one actuals file sets it false and
    /// calls `UnusedKPIs.warnings` once with the union of the plans' KPIs.
    public var warnUnusedKPIs = true
    public init(plan: InputFile, roster: InputFile, actuals: InputFile, period: String, explain: Set<String> = [],
                recordFigures: Bool = false, events: InputFile? = nil) {
        self.plan = plan; self.roster = roster; self.actuals = actuals; self.period = period; self.explain = explain
        self.recordFigures = recordFigures; self.events = events
    }
}

/// The result of a run, or why there is none.
public struct CalculationOutcome: Sendable {
    /// nil when any error was found.
    public var result: RunResult?
    /// Every error and warning, in file order.
    public var diagnostics: [Diagnostic]
    /// The files the plan read besides itself (its OKR sets), as read: recorded with the
    /// run and listed in the workbook's audit trail.
    public var planFiles: [InputFile] = []
}

/// A plan file read: the plan (nil when it has errors), the files it named and read (OKR
/// sets), and every diagnostic.
public struct LoadedPlan: Sendable {
    public var plan: Plan?
    public var files: [InputFile]
    public var diagnostics: [Diagnostic]
}

/// A file loader that keeps what it served, so loading a plan says which files it read
/// (no global list of them).
final class RecordingLoader: @unchecked Sendable {
    private let inner: PlanParser.FileLoader
    private(set) var files: [InputFile] = []
    init(_ inner: @escaping PlanParser.FileLoader) { self.inner = inner }
    func load(_ path: String) -> Result<String, PlanParser.FileLoadError> {
        let r = inner(path)
        if case .success(let text) = r, !files.contains(where: { $0.path == path }) { files.append(InputFile(path: path, bytes: Array(text.utf8))) }
        return r
    }
}

/// Glue between the layers: parse and check the inputs, then run the engine. Reads no
/// files itself: the caller passes file contents and a loader for OKR sets.
public enum Pipeline {
    /// Parses and validates a plan file; says which files it read besides itself.
    public static func loadPlan(_ file: InputFile, loadFile: @escaping PlanParser.FileLoader) -> LoadedPlan {
        let recorder = RecordingLoader(loadFile)
        let (plan, diagnostics) = PlanParser.parse(bytes: file.bytes, file: file.path, loadFile: recorder.load)
        return LoadedPlan(plan: plan, files: recorder.files, diagnostics: sorted(diagnostics))
    }

    public static func calculate(_ request: CalculationRequest, loadFile: @escaping PlanParser.FileLoader) -> CalculationOutcome {
        calculate(request, loadFile: loadFile, planFor: { $0 })
    }

    /// The same, with the plan as `planFor` makes it from the file (the true-up's full
    /// year), and the actuals as `adjust` changes them once read and checked (a what-if).
    static func calculate(_ request: CalculationRequest, loadFile: @escaping PlanParser.FileLoader,
                          planFor: (Plan) -> Plan,
                          rosterFor: ((Roster) -> Roster)? = nil,
                          adjust: ((inout Actuals, Plan, Roster, Period) -> Void)? = nil) -> CalculationOutcome {
        let (prepared, diagnostics, planFiles) = prepare(request, loadFile: loadFile, planFor: planFor, rosterFor: rosterFor, adjust: adjust)
        guard let p = prepared else { return CalculationOutcome(result: nil, diagnostics: diagnostics, planFiles: planFiles) }
        return run(p, explain: request.explain, recordFigures: request.recordFigures, diagnostics: diagnostics, planFiles: planFiles)
    }

    /// The engine on inputs already read and checked: `calculate`'s second half (the web
    /// app's what-ifs run it on inputs read once, with the overrides applied as `whatif`
    /// applies them).
    static func run(_ p: Prepared, explain: Set<String>, recordFigures: Bool, diagnostics: [Diagnostic], planFiles: [InputFile]) -> CalculationOutcome {
        do {
            let calculator = try Calculator(plan: p.plan, actuals: p.actuals, period: p.period)
            var result = try calculator.run(roster: p.roster, explain: explain, recordFigures: recordFigures,
                                            held: p.ledger?.held ?? [])
            result.actuals = p.actuals
            result.warnings = diagnostics
            result.ledger = p.ledger
            return CalculationOutcome(result: result, diagnostics: diagnostics, planFiles: planFiles)
        } catch let e as DiagnosticsError {
            return CalculationOutcome(result: nil, diagnostics: sorted(diagnostics + e.diagnostics), planFiles: planFiles)
        } catch {
            return CalculationOutcome(result: nil, diagnostics: diagnostics + [.error("\(error)", at: nil)], planFiles: planFiles)
        }
    }

    /// The inputs of a run, read and checked, with the ledger's derived rows and holds:
    /// everything the engine needs, for `calculate` and the simulation.
    struct Prepared {
        var plan: Plan
        var roster: Roster
        var actuals: Actuals
        var period: Period
        var ledger: LedgerOutcome?
    }

    /// Reads and checks the request's files; nil with every problem when any is an error.
    static func prepare(_ request: CalculationRequest, loadFile: @escaping PlanParser.FileLoader,
                        planFor: (Plan) -> Plan = { $0 },
                        rosterFor: ((Roster) -> Roster)? = nil,
                        adjust: ((inout Actuals, Plan, Roster, Period) -> Void)? = nil) -> (Prepared?, [Diagnostic], [InputFile]) {
        // The plan is small and read first; then the roster, the actuals and the events,
        // which are independent, are read and checked against it on two threads (the
        // events, the largest, on this one: their reader splits its work over the workers).
        let loaded = loadPlan(request.plan, loadFile: loadFile)
        let planDiagnostics = loaded.diagnostics, planFiles = loaded.files
        let plan = loaded.plan.map(planFor)
        var rosterDiagnostics: [Diagnostic] = [], actualsDiagnostics: [Diagnostic] = [], eventsDiagnostics: [Diagnostic] = []
        var roster: Roster?, actuals: Actuals?, ledger: Ledger?
        let readRoster = {
            var r = RosterReader.read(file: request.roster.path, bytes: request.roster.bytes, diagnostics: &rosterDiagnostics)
            if let rosterFor { r = rosterFor(r) }
            if let plan { rosterDiagnostics += InputChecks.roster(r, plan: plan) }
            roster = r
        }
        let readActuals = {
            let a = ActualsReader.read(file: request.actuals.path, bytes: request.actuals.bytes, diagnostics: &actualsDiagnostics)
            if let plan { actualsDiagnostics += InputChecks.actuals(a, plan: plan, warnUnused: request.warnUnusedKPIs) }
            actuals = a
        }
        if let events = request.events {
            alongside({ readRoster(); readActuals() }, {
                let l = EventsReader.read(file: events.path, bytes: events.bytes, diagnostics: &eventsDiagnostics)
                if let plan { eventsDiagnostics += InputChecks.events(l, plan: plan) }
                ledger = l
            })
        } else {
            alongside(readRoster, readActuals)
        }
        var diagnostics = planDiagnostics + rosterDiagnostics + actualsDiagnostics + eventsDiagnostics
        if let plan, request.events == nil { diagnostics += InputChecks.ledgerNeeded(plan) }
        let period = Period.parse(request.period)
        if period == nil {
            diagnostics.append(.error("--period '\(request.period)' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)", at: nil))
        }
        guard let plan, let roster, var actuals else { return (nil, sorted(diagnostics), planFiles) }
        if let period, !plan.accepts(period) {
            let at = plan.keyLocations["pays"] ?? SourceLocation(file: plan.sourceFile, line: 1, column: 1)
            diagnostics.append(.error("plan '\(plan.id)' pays per \(plan.pays.rawValue), so it cannot be calculated for \(period) (ask for a \(example(plan.pays, period.fiscalYear)) period)", at: at))
        }
        guard let period, !diagnostics.hasErrors else { return (nil, sorted(diagnostics), planFiles) }
        // The ledger first: its derived KPIs are actuals of the run, its holds statuses.
        var outcome: LedgerOutcome?
        if let ledger {
            let o = LedgerAnalysis.run(plan: plan, ledger: ledger, roster: roster, payeeIDs: payeeIDs(roster, plan), period: period)
            if o.diagnostics.hasErrors { return (nil, sorted(diagnostics + o.diagnostics), planFiles) }
            actuals.rows += o.derivedRows
            outcome = o
        }
        adjust?(&actuals, plan, roster, period)
        return (Prepared(plan: plan, roster: roster, actuals: actuals, period: period, ledger: outcome), sorted(diagnostics), planFiles)
    }

    /// The roster's payees on `plan`.
    static func payeeIDs(_ roster: Roster, _ plan: Plan) -> [String] {
        roster.indices(onPlan: plan.id).map { roster.payees[$0].id }
    }

    /// What `audit` needs: the plan, the roster, the events and the period (no actuals).
    public struct AuditRequest: Sendable {
        public var plan: InputFile
        public var roster: InputFile
        public var events: InputFile
        public var period: String
        public init(plan: InputFile, roster: InputFile, events: InputFile, period: String) {
            self.plan = plan; self.roster = roster; self.events = events; self.period = period
        }
    }

    /// The ledger's checks for one period, without calculating payouts.
    public static func audit(_ request: AuditRequest, loadFile: @escaping PlanParser.FileLoader)
        -> (outcome: LedgerOutcome?, roster: Roster?, plan: Plan?, diagnostics: [Diagnostic]) {
        let loaded = loadPlan(request.plan, loadFile: loadFile)
        let plan = loaded.plan, planDiagnostics = loaded.diagnostics
        var rosterDiagnostics: [Diagnostic] = [], eventsDiagnostics: [Diagnostic] = []
        var roster: Roster?, ledger: Ledger?
        alongside({
            roster = RosterReader.read(file: request.roster.path, bytes: request.roster.bytes, diagnostics: &rosterDiagnostics)
        }, {
            let l = EventsReader.read(file: request.events.path, bytes: request.events.bytes, diagnostics: &eventsDiagnostics)
            if let plan { eventsDiagnostics += InputChecks.events(l, plan: plan) }
            ledger = l
        })
        var diagnostics = planDiagnostics + rosterDiagnostics + eventsDiagnostics
        let period = Period.parse(request.period)
        if period == nil {
            diagnostics.append(.error("--period '\(request.period)' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)", at: nil))
        }
        guard let plan, let roster, let ledger, let period, !diagnostics.hasErrors else {
            return (nil, roster, plan, sorted(diagnostics))
        }
        let outcome = LedgerAnalysis.run(plan: plan, ledger: ledger, roster: roster, payeeIDs: payeeIDs(roster, plan), period: period)
        // An event without an amount stops a calculation, not an audit: it is reported as a warning.
        let notes = outcome.diagnostics.map { Diagnostic(.warning, $0.message, at: $0.location, notes: $0.notes) }
        return (outcome, roster, plan, sorted(diagnostics + notes))
    }

    /// The ask calendar as of a date: the plan gives `ask_cap`, `unverified` and
    /// `escalation`, the ledger the asks and escalations. Without an `ask_cap` in the plan
    /// the policy default applies (60 days between asks, 4 a year), without an `escalation`
    /// check the policy's 30 days; `capFromPlan` and `escalationFromPlan` say which.
    public static func advocates(plan planFile: InputFile, events: InputFile, asOf: String, loadFile: @escaping PlanParser.FileLoader)
        -> (entries: [AskCalendar.Entry], policy: AskCalendar.Policy?, diagnostics: [Diagnostic]) {
        let loaded = loadPlan(planFile, loadFile: loadFile)
        let plan = loaded.plan, planDiagnostics = loaded.diagnostics
        var diagnostics = planDiagnostics
        let ledger = EventsReader.read(file: events.path, bytes: events.bytes, diagnostics: &diagnostics)
        let date = CivilDate.parse(asOf)
        if date == nil { diagnostics.append(.error("--as-of '\(asOf)' is not a date (expected YYYY-MM-DD)", at: nil)) }
        guard let plan, let date, !diagnostics.hasErrors else { return ([], nil, sorted(diagnostics)) }
        let policy = AskCalendar.Policy(plan.gaming)
        let entries = AskCalendar.compute(ledger: ledger, policy: policy, asOf: date)
        return (entries, policy, sorted(diagnostics))
    }

    /// The annual true-up of fiscal year `year`: the plan's full year (annual targets, paid
    /// per year) calculated on `request`'s inputs for `YYYY-FY`, less `basis`.
    public static func trueUp(_ request: CalculationRequest, year: Int, basis: TrueUpBasis,
                              loadFile: @escaping PlanParser.FileLoader) -> (result: TrueUpResult?, diagnostics: [Diagnostic]) {
        var request = request
        request.period = "\(year)-FY"
        var missing: Diagnostic?
        let outcome = calculate(request, loadFile: loadFile) { plan in
            if plan.trueUp == nil {
                missing = .error("plan '\(plan.id)' has no true_up section: add one (README, \"The annual true-up\") to true up its year",
                                 at: SourceLocation(file: plan.sourceFile, line: 1, column: 1))
            }
            return plan.fullYear()
        }
        if let missing { return (nil, sorted(outcome.diagnostics + [missing])) }
        guard let full = outcome.result, let t = full.plan.trueUp else { return (nil, outcome.diagnostics) }
        let (result, more) = TrueUpCalculation.run(fullYear: full, year: year, basis: basis, negative: t.negative)
        return (result, outcome.diagnostics + more)
    }

    /// Runs `background` on another thread while `body` runs on this one; returns when
    /// both are done. Not `DispatchQueue.concurrentPerform`: libdispatch runs a
    /// concurrentPerform nested in another one serially, and the events reader and the
    /// CSV reader split their own work (nested, a million-event ledger
    /// was read on one core).
    static func alongside(_ background: @escaping () -> Void, _ body: () -> Void) {
        guard Parallel.workers >= 2 else { background(); body(); return }
        /// The two closures touch different variables; the group's wait orders the rest.
        final class Work: @unchecked Sendable {
            let run: () -> Void
            init(_ run: @escaping () -> Void) { self.run = run }
        }
        let work = Work(background)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { work.run() }
        body()
        group.wait()
    }

    static func example(_ pays: Plan.Pays, _ year: Int) -> String {
        switch pays {
        case .quarter: return "quarter, such as \(year)-Q1,"
        case .half: return "half-year, such as \(year)-H1,"
        case .year: return "full-year, such as \(year)-FY,"
        }
    }

    /// Diagnostics in file order: files in the order they first appear, then by line and
    /// column; unlocated ones last; otherwise stable.
    public static func sorted(_ d: [Diagnostic]) -> [Diagnostic] {
        var rank: [String: Int] = [:]
        for x in d { if let f = x.location?.file, rank[f] == nil { rank[f] = rank.count } }
        func key(_ x: Diagnostic) -> (Int, Int, Int) {
            guard let l = x.location else { return (Int.max, 0, 0) }
            return (rank[l.file] ?? 0, l.line, l.column)
        }
        return d.enumerated().sorted { a, b in
            let ka = key(a.element), kb = key(b.element)
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }
}
