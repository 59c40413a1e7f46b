import AdvocompKit
import AdvocompStore

/// Per-payee differences between two recorded runs, and where each comes from.
///
/// When only the plan (with its OKR sets) changed, every difference comes from the plan;
/// when only the inputs changed, from the inputs. When both changed, run B's inputs are
/// calculated under run A's plan: A to that is the inputs' part, that to B the plan's.
public struct RunDiff: Sendable {
    /// Why a payee's payout, currency or status differs.
    public enum Cause: Sendable, Equatable, CustomStringConvertible {
        case plan
        /// The inputs that changed (roster, actuals, events, period).
        case inputs([String])
        /// Same plan and inputs: the advocomp versions differ.
        case neither(String, String)
        /// Both changed: the difference split exactly into the inputs' part and the plan's.
        case split(inputs: Money, plan: Money)
        /// Both changed, and the split could not be worked out.
        case planAndInputs

        public var description: String {
            switch self {
            case .plan: return "plan"
            case .inputs(let names): return "inputs (\(names.joined(separator: ", ")))"
            case .neither(let a, let b): return "neither: same plan and inputs (advocomp \(a) and \(b))"
            case .split(let i, let p): return "inputs \(RunDiff.signed(i)), plan \(RunDiff.signed(p))"
            case .planAndInputs: return "plan and inputs"
            }
        }
    }

    public struct Row: Sendable, Equatable {
        public var payeeID: String
        public var a: StoredPayee?
        public var b: StoredPayee?
        /// B minus A, exactly, when both are in one currency (a payee added or gone counts
        /// from zero); nil for a change of currency.
        public var difference: Money?
        public var cause: Cause
    }

    public var a: RunSummary
    public var b: RunSummary
    /// The plan file or an OKR set it reads differs (by SHA-256).
    public var planChanged: Bool
    /// roster, actuals, events, period: those that differ.
    public var changedInputs: [String]
    /// The payees whose payout, currency or status differ, by payee_id.
    public var rows: [Row]
    /// The payees of either run that do not differ.
    public var unchanged: Int

    /// `+12.50`, `-3`, `0.00`: an amount with the currency's minor digits and its sign.
    public static func signed(_ m: Money) -> String { (m.amount > .zero ? "+" : "") + m.plain }

    /// Compares run `a` with run `b` of `store`. A stored payout that cannot be read is an
    /// error naming the run and the payee, never a difference from a made-up zero.
    public static func compare(_ store: RunStore, _ a: RunSummary, _ b: RunSummary) throws -> RunDiff {
        let filesA = try store.files(a.id), filesB = try store.files(b.id)
        func hashes(_ files: [StoredFile], _ roles: Set<StoredFile.Role>) -> [String] {
            files.filter { roles.contains($0.role) }.map { "\($0.role.rawValue):\($0.sha256)" }.sorted()
        }
        let planChanged = hashes(filesA, [.plan, .okr]) != hashes(filesB, [.plan, .okr])
        let changedInputs = [StoredFile.Role.roster, .actuals, .events].filter { hashes(filesA, [$0]) != hashes(filesB, [$0]) }
            .map(\.rawValue) + (a.period != b.period ? ["period"] : [])
        let payeesA = Dictionary(try store.payees(a.id, json: false).map { ($0.payeeID, $0) }, uniquingKeysWith: { x, _ in x })
        let payeesB = Dictionary(try store.payees(b.id, json: false).map { ($0.payeeID, $0) }, uniquingKeysWith: { x, _ in x })

        // Both changed: B's inputs under A's plan separate the two parts.
        var mixed: [String: Money]?
        if planChanged && !changedInputs.isEmpty {
            mixed = hybrid(planFrom: a, filesA, inputsFrom: b, filesB)
        }
        var rows: [Row] = []
        let ids = Set(payeesA.keys).union(payeesB.keys)
        for id in ids.sorted() {
            let x = payeesA[id], y = payeesB[id]
            guard x?.payout != y?.payout || x?.status != y?.status else { continue }
            let cause: Cause
            if x == nil || y == nil {
                cause = .inputs(changedInputs.isEmpty ? ["roster"] : changedInputs)
            } else if planChanged && changedInputs.isEmpty {
                cause = .plan
            } else if !planChanged && !changedInputs.isEmpty {
                cause = .inputs(changedInputs)
            } else if !planChanged {
                cause = .neither(a.advocompVersion, b.advocompVersion)
            } else if let h = mixed?[id], let x, let y, let i = try? h - x.payout, let p = try? y.payout - h {
                cause = .split(inputs: i, plan: p)
            } else {
                cause = .planAndInputs
            }
            rows.append(Row(payeeID: id, a: x, b: y, difference: difference(x, y), cause: cause))
        }
        return RunDiff(a: a, b: b, planChanged: planChanged, changedInputs: changedInputs, rows: rows, unchanged: ids.count - rows.count)
    }

    /// B minus A. A payee added is its payout; a payee gone, its payout taken away. nil
    /// when the two are in different currencies (money is never subtracted across
    /// currencies) or the difference is beyond the range of exact decimals.
    static func difference(_ a: StoredPayee?, _ b: StoredPayee?) -> Money? {
        switch (a, b) {
        case (nil, nil): return nil
        case (nil, let b?): return b.payout
        case (let a?, nil): return try? -a.payout
        case (let a?, let b?): return a.currency == b.currency ? try? b.payout - a.payout : nil
        }
    }

    /// Run B's inputs calculated under run A's plan: each payee's payout; nil when that
    /// does not calculate.
    static func hybrid(planFrom a: RunSummary, _ filesA: [StoredFile], inputsFrom b: RunSummary, _ filesB: [StoredFile]) -> [String: Money]? {
        guard let plan = StoredInputs.input(.plan, in: filesA), let roster = StoredInputs.input(.roster, in: filesB),
              let actuals = StoredInputs.input(.actuals, in: filesB) else { return nil }
        let request = CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: b.period.description,
                                         events: StoredInputs.input(.events, in: filesB))
        guard let result = Pipeline.calculate(request, loadFile: StoredInputs.loader(filesA, owner: "run \(a.id)")).result else { return nil }
        return Dictionary(result.payees.map { ($0.payee.id, Recording.payee($0, json: nil).payout) }, uniquingKeysWith: { x, _ in x })
    }
}
