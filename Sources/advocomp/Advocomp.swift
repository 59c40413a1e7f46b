import AdvocompKit
import ArgumentParser

@main
struct Advocomp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advocomp",
        abstract: "Calculates leadership bonuses tied to customer-advocacy outcomes.",
        discussion: """
        Plans are YAML (see README, "Writing a plan"); the roster and actuals are CSV.
        Every problem in an input is reported as FILE:LINE:COLUMN: error: message.
        """,
        version: AdvocompVersion.string,
        subcommands: [Validate.self, Calculate.self, Explain.self]
    )
}
