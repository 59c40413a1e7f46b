import AdvocompFiles
import AdvocompKit
import AdvocompModel
import AdvocompReports
import ArgumentParser
import Foundation

/// `advocomp audit`: the advocacy ledger's findings for one period, grouped by payee,
/// with their evidence. Findings are not errors: the exit status is 0 unless an input is bad.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the gaming findings of a period, grouped by payee, with their evidence.",
        discussion: "Runs the plan's gaming checks on the event ledger (SPEC section 6) without calculating payouts. Exits 0 whatever is found.")

    @OptionGroup var planOption: PlanOption

    @Option(help: "The roster CSV (names the payees; units for unit-scope credit).")
    var roster: String

    @Option(help: "The advocacy event ledger CSV.")
    var events: String

    @OptionGroup var periodOption: PeriodOption

    @Option(help: "Output format: table or json.")
    var format: AuditFormat = .table

    @OptionGroup var outputOption: OutputOption
    @OptionGroup var quietFlag: QuietFlag
    @OptionGroup var history: HistoryOption

    enum AuditFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() throws {
        let period = periodOption.period
        let outputs = try FileIO.output(outputOption.output, inputs: planOption.inputPaths + [("--roster", roster), ("--events", events)],
                                        history: history.db)
        let (planFile, loader) = try planOption.load(for: period, history: history.path)
        let files = try FileIO.readAll([(roster, .roster), (events, .events)])
        let request = Pipeline.AuditRequest(plan: planFile, roster: files[0], events: files[1], period: period.description)
        let (audited, rosterRead, planRead, diagnostics) = Pipeline.audit(request, loadFile: loader)
        let (outcome, roster, plan) = try Output.required(audited.flatMap { o in rosterRead.flatMap { r in planRead.map { (o, r, $0) } } },
                                                          diagnostics, quiet: quietFlag.quiet)
        let text = format == .json ? AuditReport.json(outcome, plan: plan, period: period)
            : AuditReport.render(outcome, plan: plan, roster: roster, period: period)
        try Output.emit(text, to: outputs)
    }
}

/// `advocomp advocates`: the central ask calendar.
struct Advocates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each advocate's asks and the first date a new ask is allowed.",
        discussion: """
        Reads the ledger up to --as-of as the plan's ask_cap check does: solicited events in \
        date order, over-cap asks not accepted, self-reports verified by a system event \
        counted once. States: available, cooling down (too soon after the last accepted \
        ask), at yearly cap (max_per_year accepted asks in the 365 days ending on the date), \
        do not ask (one of the advocate's accounts is escalated on the date: the plan's \
        escalation check, or 30 days after an escalation opens until it is resolved).
        """)

    @OptionGroup var planOption: PlanOption

    @Option(help: "The advocacy event ledger CSV.")
    var events: String

    @Option(name: .customLong("as-of"), help: "The date to look from (YYYY-MM-DD).", transform: ArgumentValue.date)
    var asOf: CivilDate

    @Option(help: "Show only this advocate.")
    var advocate: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption
    @OptionGroup var quietFlag: QuietFlag
    @OptionGroup var history: HistoryOption

    func validate() throws {
        if planOption.planID != nil { throw ValidationError("advocates reads the plan file given with --plan (its gaming section); --plan-id is for a period") }
    }

    func run() throws {
        let outputs = try FileIO.output(outputOption.output, inputs: planOption.inputPaths + [("--events", events)], history: history.db)
        let files = try FileIO.readAll([(planOption.plan ?? "", .plan), (events, .events)])
        let (planFile, eventsFile, loader) = (files[0], files[1], FileIO.loader)
        let (all, found, diagnostics) = Pipeline.advocates(plan: planFile, events: eventsFile, asOf: asOf.description, loadFile: loader)
        let policy = try Output.required(found, diagnostics, quiet: quietFlag.quiet)
        var entries = all
        if let advocate {
            entries = all.filter { $0.advocate == advocate }
            if entries.isEmpty {
                throw Output.error("advocate '\(advocate)' has no event on or before \(asOf)"
                                   + Suggestions.didYouMean(advocate, in: all.map { (e: AskCalendar.Entry) in e.advocate }), file: events)
            }
        }
        let text: String
        switch format {
        case .table: text = AdvocatesReport.table(entries, policy: policy, asOf: asOf)
        case .csv: text = AdvocatesReport.csv(entries)
        case .json: text = AdvocatesReport.json(entries, policy: policy, asOf: asOf)
        }
        try Output.emit(text, to: outputs)
    }
}
