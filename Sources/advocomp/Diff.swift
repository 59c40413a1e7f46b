import AdvocompHistory
import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

/// `advocomp diff A B`: per-payee differences between two recorded runs (or two run sets,
/// plan by plan), and where each comes from (`RunDiff` works them out; this prints them).
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show per-payee differences between two recorded runs (or run sets, plan by plan), and whether each comes from the plan or the inputs.")

    @OptionGroup var history: HistoryOption

    @Argument(help: ArgumentHelp("The earlier run, or run set (S<n>).", valueName: "run-a"))
    var a: RunRef

    @Argument(help: ArgumentHelp("The later run, or run set (S<n>).", valueName: "run-b"))
    var b: RunRef

    @Option(help: "Output format: table or csv.")
    var format: DiffFormat = .table

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case table, csv }

    func validate() throws {
        switch (a, b) {
        case (.run, .run), (.set, .set): return
        default: throw ValidationError("compare a run with a run, or a run set with a run set (plan by plan)")
        }
    }

    func run() throws {
        let store = try history.open()
        let runsA = try history.runs(a, in: store), runsB = try history.runs(b, in: store)
        // Plan by plan, in the order of A then the plans only B has.
        var pairs: [(plan: String, a: RunSummary?, b: RunSummary?)] = runsA.map { r in (r.planID, r, runsB.first { $0.planID == r.planID }) }
        pairs += runsB.filter { r in !runsA.contains { $0.planID == r.planID } }.map { ($0.planID, nil, $0) }
        let sets: Bool
        if case .set = a { sets = true } else { sets = false }
        var diffs: [(plan: String, diff: RunDiff?, only: String?)] = []
        do {
            for p in pairs {
                if let x = p.a, let y = p.b {
                    diffs.append((p.plan, try RunDiff.compare(store, x, y), nil))
                } else {
                    diffs.append((p.plan, nil, p.a != nil ? "only in \(a) (run \(p.a?.id ?? 0))" : "only in \(b) (run \(p.b?.id ?? 0))"))
                }
            }
        } catch { throw History.diagnostics(history.path, error) }
        func amount(_ p: StoredPayee?) -> String { p?.payout.plain ?? "" }
        switch format {
        case .csv:
            var text = (sets ? "plan_id," : "") + "payee_id,run_a_status,run_a_currency,run_a_payout,run_b_status,run_b_currency,run_b_payout,difference,cause\n"
            for d in diffs {
                for r in d.diff?.rows ?? [] {
                    // Text through CSVField (quoting, formula safety); amounts with their currency's digits.
                    let e = CSVField.escape
                    let fields = [e(r.payeeID), e(r.a?.status.rawValue ?? ""), e(r.a?.currency.code ?? ""), amount(r.a),
                                  e(r.b?.status.rawValue ?? ""), e(r.b?.currency.code ?? ""), amount(r.b),
                                  r.difference.map(RunDiff.signed) ?? "", e(r.cause.description)]
                    text += (sets ? e(d.plan) + "," : "") + fields.joined(separator: ",") + "\n"
                }
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        case .table:
            var blocks: [String] = []
            for d in diffs {
                guard let diff = d.diff else {
                    blocks.append(Display.text("plan \(d.plan): \(d.only ?? "")"))
                    continue
                }
                blocks.append(table(diff, plan: sets ? d.plan : nil))
            }
            print(blocks.joined(separator: "\n\n"))
        }
    }

    /// One pair of runs' differences as a table under a line saying what changed.
    func table(_ diff: RunDiff, plan: String?) -> String {
        let a = diff.a, b = diff.b, changed = diff.changedInputs, rows = diff.rows
        var lines = [Display.text((plan.map { "plan \($0): " } ?? "") + "run \(a.id) -> run \(b.id): plan \(diff.planChanged ? "changed (\(a.planVersion) -> \(b.planVersion))" : "unchanged"); inputs \(changed.isEmpty ? "unchanged" : "changed: " + changed.joined(separator: ", "))")]
        lines.append("\(rows.count) payee\(rows.count == 1 ? "" : "s") differ, \(diff.unchanged) unchanged")
        guard !rows.isEmpty else { return lines.joined(separator: "\n") }
        let header = ["payee_id", "run \(a.id)", "run \(b.id)", "difference", "cause"]
        func shown(_ p: StoredPayee?) -> String { p.map { "\($0.payout.plain) \($0.currency.code) \($0.status.rawValue)" } ?? "-" }
        let cells = rows.map { r in [r.payeeID, shown(r.a), shown(r.b), r.difference.map(RunDiff.signed) ?? "-", r.cause.description] }
        lines.append(TextTable.render(header, cells))
        return lines.joined(separator: "\n")
    }
}
