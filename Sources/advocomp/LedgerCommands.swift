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

    @Option(help: "The plan file (YAML); its gaming section names the checks.")
    var plan: String
    @Option(help: "The roster CSV (names the payees; units for unit-scope credit).")
    var roster: String
    @Option(help: "The advocacy event ledger CSV.")
    var events: String
    @Option(help: "The period: 2026-Q1..Q4, 2026-H1, 2026-H2 or 2026-FY.")
    var period: String
    @Option(help: "Output format: table or json.")
    var format: AuditFormat = .table
    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?
    @Flag(name: .shortAndLong, help: "Do not print warnings (errors are always printed).")
    var quiet = false

    enum AuditFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() throws {
        let outputs = try FileIO.output(output, inputs: [("--plan", plan), ("--roster", roster), ("--events", events)])
        let files = try FileIO.readAll([(plan, .plan), (roster, .roster), (events, .events)])
        let request = Pipeline.AuditRequest(plan: files[0], roster: files[1], events: files[2], period: period)
        let (outcome, roster, plan, diagnostics) = Pipeline.audit(request, loadFile: FileIO.loader)
        Output.report(diagnostics, quiet: quiet)
        guard let outcome, let roster, let plan, let period = Period.parse(period) else { throw ExitCode(1) }
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

    @Option(help: "The plan file (YAML); its gaming.ask_cap sets the limits (default: 60 days, 4 a year).")
    var plan: String
    @Option(help: "The advocacy event ledger CSV.")
    var events: String
    @Option(name: .customLong("as-of"), help: "The date to look from (YYYY-MM-DD).")
    var asOf: String
    @Option(help: "Show only this advocate.")
    var advocate: String?
    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table
    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?
    @Flag(name: .shortAndLong, help: "Do not print warnings (errors are always printed).")
    var quiet = false

    func run() throws {
        let outputs = try FileIO.output(output, inputs: [("--plan", plan), ("--events", events)])
        let files = try FileIO.readAll([(plan, .plan), (events, .events)])
        let (all, policy, diagnostics) = Pipeline.advocates(plan: files[0], events: files[1], asOf: asOf, loadFile: FileIO.loader)
        Output.report(diagnostics, quiet: quiet)
        guard let policy, let date = CivilDate.parse(asOf) else { throw ExitCode(1) }
        var entries = all
        if let advocate {
            entries = all.filter { $0.advocate == advocate }
            if entries.isEmpty {
                Output.stderr("\(events): error: advocate '\(advocate)' has no event on or before \(asOf)"
                              + Suggestions.didYouMean(advocate, in: all.map(\.advocate)))
                throw ExitCode(1)
            }
        }
        let text: String
        switch format {
        case .table: text = AdvocatesReport.table(entries, policy: policy, asOf: date)
        case .csv: text = AdvocatesReport.csv(entries)
        case .json: text = AdvocatesReport.json(entries, policy: policy, asOf: date)
        }
        try Output.emit(text, to: outputs)
    }
}
