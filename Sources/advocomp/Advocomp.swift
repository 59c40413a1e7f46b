import AdvocompKit
import AdvocompModel
import ArgumentParser
import CAllocatorTuning
import Foundation

@main
struct Advocomp: ParsableCommand {
    static func main() {
        advocomp_tune_allocator()
        // Outputs hold salaries and payouts: whatever advocomp creates is private.
        umask(0o077)
        // One error path: every failure reaches here as diagnostics, printed once
        // (FILE:LINE:COLUMN: error: message, then a count) with exit 1; usage mistakes
        // are swift-argument-parser's (exit 64).
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
            if let (message, path) = RepeatedOptions.problem(Array(CommandLine.arguments.dropFirst()), tool: Advocomp.self) {
                let name = (["advocomp"] + path).joined(separator: " ")
                Output.stderr("Error: \(message)\n  See '\(name) --help' for more information.")
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            try command.run()
        } catch let e as DiagnosticsError {
            Output.report(e.diagnostics)
            Foundation.exit(1)
        } catch let d as Diagnostic {
            Output.report([d])
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "advocomp",
        abstract: "Calculates leadership bonuses tied to customer-advocacy outcomes.",
        discussion: """
        Plans are YAML (see README, "Writing a plan"); the roster and actuals are CSV.
        Every problem in an input is reported as FILE:LINE:COLUMN: error: message.
        """,
        version: AdvocompVersion.string,
        subcommands: [Validate.self, Calculate.self, Explain.self, Audit.self, Advocates.self,
                      Runs.self, Show.self, Statements.self, Approve.self, Revoke.self, Close.self, PayrollCommand.self, Diff.self, Replay.self, Check.self, Plans.self, TrueUpCommand.self,
                      WhatIf.self, CurveCommand.self, Compare.self, Simulate.self, EconomicsCommand.self, PilotCommand.self, Serve.self, Users.self]
    )
}

