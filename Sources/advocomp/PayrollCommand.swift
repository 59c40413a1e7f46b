import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

/// `advocomp payroll RUN`: the payroll of a recorded run or run set.
struct PayrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payroll",
        abstract: "Write the payroll CSV of a recorded run (or run set), never paying twice.",
        discussion: """
        A first payment lists each payee with status ok: payee_id,name,currency,amount,earning_code,period. \
        For a period already paid (an adjustment of a closed period), it lists only what changed since \
        the run paid before (the latest approved adjustment, else the final run): \
        payee_id,name,currency,paid_before,now_due,difference,earning_code,period. \
        Standard error says which it is, and when the run is a draft, that it is not approved for paying.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: ArgumentHelp("The run id, or a run set as S<n> (advocomp runs lists them).", valueName: "run"))
    var which: RunRef

    @OptionGroup var outputOption: OutputOption

    func run() throws {
        let store = try history.open()
        let runs = try history.runs(which, in: store)
        let outputs = try FileIO.output(outputOption.output, inputs: [], history: history.path)
        let text = try PayrollOutput.recorded(store, runs, history: history.path, to: outputOption.output)
        try Output.emit(text, to: outputs)
    }
}

/// The payroll file of one or more runs (a run set's plans) and what standard error says
/// about it: a first payment or an adjustment (and of which run), and a draft as a draft.
enum PayrollOutput {
    /// `--payroll -` and the report both on standard output cannot be told apart.
    static func checkStandardOutput(_ payroll: String?, report: String?) throws {
        if payroll == "-" && (report == nil || report == "-") {
            throw ValidationError("--payroll - writes the payroll to standard output, where the report goes too: give the report a file with --output FILE")
        }
    }

    /// The payroll of recorded runs, from their stored payees.
    static func recorded(_ store: RunStore, _ runs: [RunSummary], history: String, to target: String?) throws -> String {
        var parts: [(payroll: Payroll, earningCode: String, run: RunSummary, paidBefore: Int64?)] = []
        do {
            for run in runs {
                let p = try PayrollHistory.recorded(store, run)
                parts.append((p.payroll, p.earningCode, run, p.paidBefore))
            }
        } catch { throw History.diagnostics(history, error) }
        return render(parts, to: target)
    }

    /// Renders the parts as one file (an adjustment's columns when any part adjusts) and
    /// says on standard error what it is.
    static func render(_ parts: [(payroll: Payroll, earningCode: String, run: RunSummary, paidBefore: Int64?)], to target: String?) -> String {
        guard let period = parts.first?.run.period else { return PayrollReport.header + "\n" }
        let text = PayrollReport.render(parts.map { ($0.payroll, $0.earningCode) }, period: period)
        say(parts.map { ($0.payroll, $0.run.id, $0.run.state, $0.paidBefore) }, to: target)
        return text
    }

    /// Standard error, even with --quiet (these are not warnings: they say what the file is).
    /// `run` nil: a calculation that was not recorded (--no-db).
    static func say(_ parts: [(payroll: Payroll, run: Int64?, state: String, paidBefore: Int64?)], to target: String?) {
        let shown = target == nil || target == "-" ? "standard output" : target ?? ""
        for p in parts {
            let run = p.run.map { "run \($0)" } ?? "this calculation"
            Output.stderr(PayrollReport.summary(p.payroll, to: shown) + (parts.count > 1 ? " (\(run))" : ""))
            if let before = p.paidBefore {
                Output.stderr("payroll: \(run) adjusts a period already paid: only the difference from run \(before), which was paid, is listed (paid_before, now_due, difference)")
            }
            if let id = p.run, p.state == "draft" {
                Output.stderr("payroll: run \(id) is a DRAFT, not approved: this file is for review, not for paying (advocomp approve \(id))")
            } else if p.run == nil {
                Output.stderr("payroll: this calculation was not recorded (--no-db): the file is a preview for review, not for paying")
            }
        }
    }
}
