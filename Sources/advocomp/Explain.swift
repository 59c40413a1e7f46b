import AdvocompKit
import ArgumentParser

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Derive one payout step by step, from the inputs to the rounded amount.",
        discussion: "Money is shown rounded to the currency's minor units with the plan's rounding, as it is paid; --exact shows every digit the calculation keeps.")

    @OptionGroup var inputs: RunInputs

    @Option(help: "The payee_id to explain.")
    var payee: String

    @Flag(help: "Show money amounts exact, with every digit the calculation keeps, instead of rounded as paid.")
    var exact = false

    @OptionGroup var outputOption: OutputOption

    func run() throws {
        let outputs = try FileIO.output(outputOption.output, inputs: inputs.inputPaths, history: inputs.history.db)
        let (request, loader) = try inputs.request(explain: [payee])
        let outcome = Pipeline.calculate(request, loadFile: loader)
        let result = try Output.required(outcome.result, outcome.diagnostics, quiet: inputs.quiet)
        guard let p = result.payees.first(where: { $0.payee.id == payee }) else {
            throw DiagnosticsError([.error("payee '\(payee)' is not on plan '\(result.plan.id)' in \(inputs.roster)"
                                           + Suggestions.didYouMean(payee, in: result.payees.map(\.payee.id)), at: nil)])
        }
        try Output.emit(ExplainReport.render(result, payee: p, exact: exact), to: outputs)
    }
}
