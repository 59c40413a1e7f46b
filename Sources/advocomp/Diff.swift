import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

/// `advocomp diff A B`: per-payee differences between two recorded runs, and where each
/// comes from.
///
/// When only the plan (with its OKR sets) changed, every difference comes from the plan;
/// when only the inputs changed, from the inputs. When both changed, run B's inputs are
/// calculated under run A's plan: A to that is the inputs' part, that to B the plan's.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show per-payee differences between two recorded runs, and whether each comes from the plan or the inputs.")

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The earlier run.")
    var runA: Int64

    @Argument(help: "The later run.")
    var runB: Int64

    @Option(help: "Output format: table or csv.")
    var format: DiffFormat = .table

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case table, csv }

    struct Row {
        var payeeID: String
        var a: StoredPayee?
        var b: StoredPayee?
        var cause: String
    }

    func run() throws {
        let store = try database.open()
        guard let a = try? store.summary(runA) else { throw missing(runA) }
        guard let b = try? store.summary(runB) else { throw missing(runB) }
        let filesA = try store.files(runA), filesB = try store.files(runB)
        func hashes(_ files: [StoredFile], _ roles: Set<StoredFile.Role>) -> [String] {
            files.filter { roles.contains($0.role) }.map { "\($0.role.rawValue):\($0.sha256)" }.sorted()
        }
        let planChanged = hashes(filesA, [.plan, .okr]) != hashes(filesB, [.plan, .okr])
        let changedInputs = [StoredFile.Role.roster, .actuals, .events].filter { hashes(filesA, [$0]) != hashes(filesB, [$0]) }
            .map(\.rawValue) + (a.period != b.period ? ["period"] : [])
        let payeesA = Dictionary(try store.payees(runA).map { ($0.payeeID, $0) }, uniquingKeysWith: { x, _ in x })
        let payeesB = Dictionary(try store.payees(runB).map { ($0.payeeID, $0) }, uniquingKeysWith: { x, _ in x })

        // Both changed: B's inputs under A's plan separate the two parts.
        var mixed: [String: StoredPayee]?
        if planChanged && !changedInputs.isEmpty {
            mixed = hybrid(store, planFrom: a, inputsFrom: b)
        }
        var rows: [Row] = []
        for id in Set(payeesA.keys).union(payeesB.keys).sorted() {
            let x = payeesA[id], y = payeesB[id]
            guard x?.payout != y?.payout || x?.status != y?.status || x?.currency != y?.currency else { continue }
            let cause: String
            if x == nil || y == nil {
                cause = "inputs (\(changedInputs.isEmpty ? "roster" : changedInputs.joined(separator: ", ")))"
            } else if planChanged && changedInputs.isEmpty {
                cause = "plan"
            } else if !planChanged && !changedInputs.isEmpty {
                cause = "inputs (\(changedInputs.joined(separator: ", ")))"
            } else if !planChanged {
                cause = "neither: same plan and inputs (advocomp \(a.advocompVersion) and \(b.advocompVersion))"
            } else if let h = mixed?[id], let x, let y, let split = parts(x, h, y) {
                cause = "inputs \(split.inputs), plan \(split.plan)"
            } else {
                cause = "plan and inputs"
            }
            rows.append(Row(payeeID: id, a: x, b: y, cause: cause))
        }
        let same = Set(payeesA.keys).union(payeesB.keys).count - rows.count
        switch format {
        case .csv:
            var text = "payee_id,run_a_status,run_a_currency,run_a_payout,run_b_status,run_b_currency,run_b_payout,difference,cause\n"
            for r in rows {
                // Text through CSVField (quoting, formula safety); amounts as written by FixedDecimal.
                let e = CSVField.escape
                let fields = [e(r.payeeID), e(r.a?.status ?? ""), e(r.a?.currency ?? ""), r.a?.payout ?? "", e(r.b?.status ?? ""),
                              e(r.b?.currency ?? ""), r.b?.payout ?? "", difference(r.a, r.b) ?? "", e(r.cause)]
                text += fields.joined(separator: ",") + "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        case .table:
            print(Display.text("run \(runA) -> run \(runB): plan \(planChanged ? "changed (\(a.planVersion) -> \(b.planVersion))" : "unchanged"); inputs \(changedInputs.isEmpty ? "unchanged" : "changed: " + changedInputs.joined(separator: ", "))"))
            print("\(rows.count) payee\(rows.count == 1 ? "" : "s") differ, \(same) unchanged")
            guard !rows.isEmpty else { return }
            let header = ["payee_id", "run \(runA)", "run \(runB)", "difference", "cause"]
            let cells = rows.map { r in
                [r.payeeID, r.a.map { "\($0.payout) \($0.currency) \($0.status)" } ?? "-",
                 r.b.map { "\($0.payout) \($0.currency) \($0.status)" } ?? "-", difference(r.a, r.b) ?? "-", r.cause]
            }
            print(TextTable.render(header, cells))
        }
    }

    private func missing(_ id: Int64) -> ExitCode {
        Output.stderr("\(database.db): error: there is no run \(id) (advocomp runs lists them)")
        return ExitCode(1)
    }

    /// B minus A, exactly, when both are paid in one currency (nil, shown as "-", when a
    /// stored payout cannot be read: never a difference from a made-up 0).
    private func difference(_ a: StoredPayee?, _ b: StoredPayee?) -> String? {
        if let a, let b, a.currency != b.currency { return nil }
        guard let x = a.map({ amount($0.payout) }) ?? .zero, let y = b.map({ amount($0.payout) }) ?? .zero,
              let d = try? y - x else { return nil }
        return signed(d, places: places(a ?? b))
    }

    private func parts(_ a: StoredPayee, _ mixed: StoredPayee, _ b: StoredPayee) -> (inputs: String, plan: String)? {
        guard a.currency == mixed.currency, mixed.currency == b.currency,
              let pa = amount(a.payout), let pm = amount(mixed.payout), let pb = amount(b.payout),
              let i = try? pm - pa, let p = try? pb - pm else { return nil }
        return (signed(i, places: places(a)), signed(p, places: places(a)))
    }

    /// A stored payout, nil when unreadable.
    private func amount(_ text: String) -> FixedDecimal? {
        guard case .success(let v) = FixedDecimal.parse(text) else { return nil }
        return v
    }

    private func places(_ p: StoredPayee?) -> Int {
        guard let p, let dot = p.payout.firstIndex(of: ".") else { return 0 }
        return p.payout.distance(from: dot, to: p.payout.endIndex) - 1
    }

    private func signed(_ d: FixedDecimal, places: Int) -> String {
        (d > .zero ? "+" : "") + d.formatted(places: places)
    }

    /// Run B's inputs calculated under run A's plan; nil when that does not calculate.
    private func hybrid(_ store: RunStore, planFrom a: RunSummary, inputsFrom b: RunSummary) -> [String: StoredPayee]? {
        guard let filesA = try? store.files(a.id), let filesB = try? store.files(b.id) else { return nil }
        guard let plan = History.input(.plan, in: filesA), let roster = History.input(.roster, in: filesB),
              let actuals = History.input(.actuals, in: filesB) else { return nil }
        let request = CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: b.period, events: History.input(.events, in: filesB))
        guard let result = Pipeline.calculate(request, loadFile: History.loader(filesA, owner: "run \(a.id)")).result else { return nil }
        return Dictionary(result.payees.map { ($0.payee.id, StoredPayee($0, json: "")) }, uniquingKeysWith: { x, _ in x })
    }
}
