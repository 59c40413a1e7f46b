import AdvocompHistory
import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

/// `advocomp diff A B`: per-payee differences between two recorded runs, and where each
/// comes from (`RunDiff` works them out; this prints them).
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show per-payee differences between two recorded runs, and whether each comes from the plan or the inputs.")

    @OptionGroup var history: HistoryOption

    @Argument(help: "The earlier run.")
    var runA: Int64

    @Argument(help: "The later run.")
    var runB: Int64

    @Option(help: "Output format: table or csv.")
    var format: DiffFormat = .table

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case table, csv }

    func run() throws {
        let store = try history.open()
        let diff: RunDiff
        do {
            guard let a = try store.summary(runA) else { throw missing(runA) }
            guard let b = try store.summary(runB) else { throw missing(runB) }
            diff = try RunDiff.compare(store, a, b)
        } catch { throw History.diagnostics(history.path, error) }
        let rows = diff.rows
        func amount(_ p: StoredPayee?) -> String { p?.payout.plain ?? "" }
        switch format {
        case .csv:
            var text = "payee_id,run_a_status,run_a_currency,run_a_payout,run_b_status,run_b_currency,run_b_payout,difference,cause\n"
            for r in rows {
                // Text through CSVField (quoting, formula safety); amounts with their currency's digits.
                let e = CSVField.escape
                let fields = [e(r.payeeID), e(r.a?.status.rawValue ?? ""), e(r.a?.currency.code ?? ""), amount(r.a),
                              e(r.b?.status.rawValue ?? ""), e(r.b?.currency.code ?? ""), amount(r.b),
                              r.difference.map(RunDiff.signed) ?? "", e(r.cause.description)]
                text += fields.joined(separator: ",") + "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        case .table:
            let a = diff.a, b = diff.b, changed = diff.changedInputs
            print(Display.text("run \(runA) -> run \(runB): plan \(diff.planChanged ? "changed (\(a.planVersion) -> \(b.planVersion))" : "unchanged"); inputs \(changed.isEmpty ? "unchanged" : "changed: " + changed.joined(separator: ", "))"))
            print("\(rows.count) payee\(rows.count == 1 ? "" : "s") differ, \(diff.unchanged) unchanged")
            guard !rows.isEmpty else { return }
            let header = ["payee_id", "run \(runA)", "run \(runB)", "difference", "cause"]
            func shown(_ p: StoredPayee?) -> String { p.map { "\($0.payout.plain) \($0.currency.code) \($0.status.rawValue)" } ?? "-" }
            let cells = rows.map { r in
                [r.payeeID, shown(r.a), shown(r.b), r.difference.map(RunDiff.signed) ?? "-", r.cause.description]
            }
            print(TextTable.render(header, cells))
        }
    }

    private func missing(_ id: Int64) -> Error {
        Output.error("there is no run \(id) (advocomp runs lists them)", file: history.path)
    }
}
