import AdvocompFiles
import AdvocompKit
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

    @Option(help: "The plan file (YAML).")
    var plan: String?

    @Option(name: .customLong("plan-id"), help: "Instead of --plan: the stored version in effect on the fiscal year's last day.")
    var planID: String?

    @Option(help: "The roster CSV.")
    var roster: String

    @Option(help: "The actuals CSV, with the full year's rows (period YYYY-FY).")
    var actuals: String

    @Option(help: "The advocacy event ledger CSV (when the plan reads it).")
    var events: String?

    @Option(help: "The fiscal year's label (2026 for 2026-FY).")
    var year: Int

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("Also write a workbook: the full-year calculation as live formulas, and a True-up sheet.",
                               discussion: "As calculate's workbook for the period YYYY-FY, with a True-up sheet whose full-year payouts are the Payouts sheet's formulas and whose true-ups are formulas over what each period paid."))
    var xlsx: String?

    @Option(help: ArgumentHelp("Also write a payroll CSV of the true-ups to pay or recover.",
                               discussion: "Columns payee_id,name,currency,amount,earning_code,period: each payee with a true-up other than zero (a clawback is a negative amount); held payees are left out."))
    var payroll: String?

    @Option(help: "The run history (SQLite). Default: advocomp.db in the working directory.")
    var db: String?

    @Flag(name: .customLong("no-db"), help: "Do not record the true-up run.")
    var noDB = false

    @Flag(name: .shortAndLong, help: "Do not print warnings (errors are always printed).")
    var quiet = false

    func validate() throws {
        if (plan == nil) == (planID == nil) { throw ValidationError("give the plan as --plan FILE or as --plan-id ID (a stored version), one of them") }
        if noDB && db != nil { throw ValidationError("--db and --no-db cannot be given together") }
        if payroll == "-" && (output == nil || output == "-") {
            throw ValidationError("--payroll - writes the payroll to standard output, where the report goes too: give the report a file with --output FILE")
        }
        guard (1...9999).contains(year) else { throw ValidationError("--year must be a fiscal year's label, such as 2026") }
    }

    func run() throws {
        let dbPath = db ?? History.defaultPath
        let outputs = try FileIO.outputs([("--output", output, true), ("--xlsx", xlsx, false), ("--payroll", payroll, true)],
                                         inputs: (plan.map { [("--plan", $0)] } ?? []) + [("--roster", roster), ("--actuals", actuals)]
                                             + (events.map { [("--events", $0)] } ?? []), history: dbPath)
        let files = try FileIO.readAll((plan.map { [($0, .plan)] } ?? []) + [(roster, .roster), (actuals, .actuals)]
                                       + (events.map { [($0, .events)] } ?? []))
        var rest = files[...]
        let planFile: InputFile, loader: PlanParser.FileLoader
        if let planID {
            (planFile, loader) = try PlanVersionInput.inEffect(planID: planID, period: "\(year)-FY", db: dbPath, onLastDay: true)
        } else {
            planFile = rest.removeFirst()
            loader = FileIO.loader
        }
        var request = CalculationRequest(plan: planFile, roster: rest.removeFirst(), actuals: rest.removeFirst(),
                                         period: "\(year)-FY", events: rest.first)
        request.recordFigures = xlsx != nil
        // The plan says which periods the year has; the history says what they paid.
        let (parsed, planDiagnostics) = Pipeline.loadPlan(planFile, loadFile: loader)
        guard let parsed else {
            Output.report(planDiagnostics, quiet: quiet)
            throw ExitCode(1)
        }
        let database = try DatabaseOption.parse(["--db", dbPath])
        let store = try database.open()
        let basis: TrueUpBasis
        do { basis = try TrueUpHistory.basis(store, plan: parsed, year: year) } catch { throw History.fail(dbPath, error) }

        let (result, diagnostics) = Pipeline.trueUp(request, year: year, basis: basis, loadFile: loader)
        Output.report(diagnostics, quiet: quiet)
        guard let result else { throw ExitCode(1) }
        let json = TrueUpReport.json(result)
        let text: String
        switch format {
        case .table: text = TrueUpReport.table(result)
        case .csv: text = TrueUpReport.csv(result)
        case .json: text = json
        }
        var recorded: RunSummary?
        do {
            try outputs.checkAgainst(inputs: FileIO.loaded.map { ("the plan's okrs", $0.path) })
            if let xlsx {
                let staging = try outputs.stagingPath("--xlsx")
                try WorkbookExport.write(result.fullYear, request: request, to: staging, reportAs: xlsx, trueUp: result)
                try outputs.flushStaged("--xlsx")
            }
            if output != nil { try outputs.stage(text, for: "--output") }
            if payroll != nil { try outputs.stage(PayrollReport.render(result), for: "--payroll") }
            FileIO.testHoldExport?()
            if noDB {
                try outputs.commit()
            } else {
                do {
                    try outputs.commit { putInPlace in
                        recorded = try store.record(TrueUpHistory.newRun(result, request: request, json: json), inside: putInPlace)
                    }
                } catch let e as StoreError {
                    throw CLIError("\(dbPath): error: the true-up could not be recorded: \(e.message); no output was written")
                }
            }
        } catch {
            outputs.discard()
            Output.fail(error)
            throw ExitCode(1)
        }
        if let run = recorded { History.sayRecorded(run, in: dbPath) }
        if output == nil { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}

/// What a true-up reads from the history and records in it.
enum TrueUpHistory {
    /// The year's periods must all be closed; each is paid by its standing run (status
    /// ok only: held and ineligible payees were paid nothing). The previous year's
    /// true-up (final, else latest approved) gives what was carried forward.
    static func basis(_ store: RunStore, plan: Plan, year: Int) throws -> TrueUpBasis {
        let periods = plan.periods(ofYear: year).map(\.description)
        var standing: [(period: String, run: Int64)] = [], open: [String] = []
        for p in periods {
            if let run = try store.standingRun(period: p, planID: plan.id) { standing.append((p, run)) } else { open.append(p) }
        }
        guard open.isEmpty else {
            throw StoreError("plan \(plan.id) has not closed \(open.joined(separator: ", ")): a true-up needs every period of fiscal year \(year) closed (advocomp approve RUN, then advocomp close --period P)")
        }
        var paid: [String: [String: TrueUpBasis.Paid]] = [:]
        for (period, run) in standing {
            for p in try store.payees(run) {
                // Held and ineligible payees were paid nothing; a stored payout that cannot
                // be read is an error, never a zero (it would be paid again).
                var amount = FixedDecimal.zero
                if p.status == "ok" {
                    guard case .success(let v) = FixedDecimal.parse(p.payout) else {
                        throw StoreError("run \(run) stores payout '\(p.payout)' for payee \(p.payeeID), which is not an amount: the history is damaged (advocomp check --db names what else is)")
                    }
                    amount = v
                }
                paid[p.payeeID, default: [:]][period] = TrueUpBasis.Paid(currency: p.currency, amount: amount)
            }
        }
        let previous = try store.runs(period: "\(year - 1)-FY").filter { $0.purpose == .trueUp && $0.planID == plan.id }
        let source = previous.last(where: \.isFinal) ?? previous.last(where: { $0.approvedAt != nil })
        var carried: [String: FixedDecimal] = [:]
        if let source {
            for p in try store.payees(source.id) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(p.json.utf8)) as? [String: Any],
                      let text = object["carry_forward"] as? String, let amount = try? FixedDecimal.parse(text).get() else {
                    throw StoreError("run \(source.id) (the \(year - 1) true-up) has an unreadable result for payee \(p.payeeID)")
                }
                if !amount.isZero { carried[p.payeeID] = amount }
            }
        }
        return TrueUpBasis(periods: standing, paid: paid, carriedIn: carried, carriedFrom: source?.id)
    }

    /// The basis a recorded true-up used, read back from its JSON (for replay and show).
    static func basis(fromJSON json: String) throws -> (year: Int, basis: TrueUpBasis) {
        guard let o = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let year = o["year"] as? Int, let periods = o["periods"] as? [[String: Any]], let payees = o["payees"] as? [[String: Any]] else {
            throw StoreError("the stored true-up result cannot be read")
        }
        func amount(_ any: Any?) throws -> FixedDecimal {
            guard let s = any as? String, let v = try? FixedDecimal.parse(s).get() else { throw StoreError("the stored true-up result has an unreadable amount") }
            return v
        }
        var basis = TrueUpBasis(periods: try periods.map { p in
            guard let period = p["period"] as? String, let run = p["run"] as? Int else { throw StoreError("the stored true-up result cannot be read") }
            return (period, Int64(run))
        }, paid: [:], carriedFrom: (o["carried_from_run"] as? Int).map(Int64.init))
        for p in payees {
            guard let id = p["payee_id"] as? String, let currency = p["currency"] as? String,
                  let byPeriod = p["paid_by_period"] as? [String: Any] else { throw StoreError("the stored true-up result cannot be read") }
            for (period, v) in byPeriod { basis.paid[id, default: [:]][period] = TrueUpBasis.Paid(currency: currency, amount: try amount(v)) }
            let carried = try amount(p["carried_in"])
            if !carried.isZero { basis.carriedIn[id] = carried }
        }
        return (year, basis)
    }

    static func newRun(_ t: TrueUpResult, request: CalculationRequest, json: String) -> NewRun {
        var run = History.newRun(t.fullYear, request: request, json: json, payees: t.lines.map(StoredPayee.init))
        run.purpose = .trueUp
        return run
    }
}
