import AdvocompKit
import ArgumentParser
import Foundation

/// The inputs shared by `calculate` and `explain`.
struct RunInputs: ParsableArguments {
    @Option(help: "The plan file (YAML).")
    var plan: String

    @Option(help: "The roster CSV.")
    var roster: String

    @Option(help: "The actuals CSV (period,scope,kpi,value).")
    var actuals: String

    @Option(help: ArgumentHelp("The advocacy event ledger CSV.",
                               discussion: "Needed when the plan derives KPIs from events (from_events) or runs gaming checks."))
    var events: String?

    @Option(help: "The period: 2026-Q1..Q4, 2026-H1, 2026-H2 or 2026-FY (the fiscal year's label).")
    var period: String

    @Flag(name: .shortAndLong, help: "Do not print warnings (errors are always printed).")
    var quiet = false

    func request(explain: Set<String> = []) throws -> CalculationRequest {
        let files = try FileIO.readAll([plan, roster, actuals] + (events.map { [$0] } ?? []))
        return CalculationRequest(plan: files[0], roster: files[1], actuals: files[2], period: period, explain: explain,
                                  events: files.count > 3 ? files[3] : nil)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

struct Calculate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calculate every payout of a plan for one period.",
        discussion: """
        table is for a terminal; csv is SPEC section 7 exactly; json carries components,
        modifiers and totals. Amounts are exact decimals, rounded once per payee.
        """)

    @OptionGroup var inputs: RunInputs

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("Also write a workbook for finance and HR (.xlsx).",
                               discussion: "Every payout is a live formula chain from the inputs and the plan's parameters, carrying the engine's value as its cached result. Sheets: Summary, Payouts, Inputs, Plan, Statements, Findings, Audit."))
    var xlsx: String?

    @Option(help: ArgumentHelp("Also write a payroll CSV of the payees with status ok.",
                               discussion: "Columns payee_id,name,currency,amount,earning_code,period; held and ineligible payees are left out and counted on standard error."))
    var payroll: String?

    func run() throws {
        var request = try inputs.request()
        request.recordKPIActuals = xlsx != nil
        let outcome = Pipeline.calculate(request, loadFile: FileIO.loader)
        Output.report(outcome.diagnostics, quiet: inputs.quiet)
        guard let result = outcome.result else { throw ExitCode(1) }
        // Every file output is staged first and renamed together: all of them or none.
        // The workbook goes first, before the report text is held in memory.
        let outputs = StagedOutputs()
        var text = ""
        do {
            if let xlsx {
                let staging = outputs.temporaryPath(for: xlsx)
                try WorkbookExport.write(result, request: request, to: staging, reportAs: xlsx)
                outputs.record(temporary: staging, target: xlsx)
            }
            switch format {
            case .table: text = TableReport.render(result)
            case .csv: text = CSVReport.render(result)
            case .json: text = JSONReport.render(result)
            }
            if let payroll { try outputs.stage(PayrollReport.render(result), to: payroll) }
            if let output { try outputs.stage(text, to: output) }
            try outputs.commit()
        } catch {
            outputs.discard()
            if let e = error as? CLIError { Output.stderr(e.description) }
            throw ExitCode(1)
        }
        if let payroll {
            let (held, ineligible) = PayrollReport.leftOut(result)
            let written = result.payees.count - held - ineligible
            Output.stderr("payroll: \(written) payee\(written == 1 ? "" : "s") written to \(payroll); left out: \(held) held, \(ineligible) ineligible")
        }
        if output == nil { FileHandle.standardOutput.write(Data(text.utf8)) }
        // Everything is written; skip tearing down 100,000 payees' worth of objects.
        Foundation.exit(0)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Derive one payout step by step, from the inputs to the rounded amount.")

    @OptionGroup var inputs: RunInputs

    @Option(help: "The payee_id to explain.")
    var payee: String

    @Option(help: "Write to this file (created private, mode 0600) instead of standard output.")
    var output: String?

    func run() throws {
        let outcome = Pipeline.calculate(try inputs.request(explain: [payee]), loadFile: FileIO.loader)
        Output.report(outcome.diagnostics, quiet: inputs.quiet)
        guard let result = outcome.result else { throw ExitCode(1) }
        guard let p = result.payees.first(where: { $0.payee.id == payee }) else {
            let ids = result.payees.map(\.payee.id)
            Output.stderr("advocomp: error: payee '\(payee)' is not on plan '\(result.plan.id)' in \(inputs.roster)"
                          + Suggestions.didYouMean(payee, in: ids))
            throw ExitCode(1)
        }
        try Output.emit(ExplainReport.render(result, payee: p), to: output)
    }
}
