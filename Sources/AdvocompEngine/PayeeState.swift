import AdvocompModel

/// Per-payee working state: memoised KPI actuals and, when tracing, the lines of the
/// derivation being built.
struct PayeeState {
    /// nil for the company-scope evaluation of the pool formula.
    private(set) var payee: Payee?
    var hasPayee: Bool { payee != nil }
    /// The payee's unit number in the run index, or -1.
    private(set) var unit = -1
    /// The payee's position in the run (its row among payee-scope actuals), or -1.
    private(set) var position = -1
    var cache: [FixedDecimal?]
    var evaluating: [Bool]
    var hadMissing = false
    /// KPIs found missing for this payee (their cached value is a stand-in 0).
    var missing: [Bool]
    /// Reading figures beside the payout (`PayeeFigures`): a missing KPI read again from
    /// the cache is reported again, so the figure is left out rather than shown as 0.
    var lenient = false
    /// The figures being recorded, when the run records them.
    var figures: PayeeFigures?
    private(set) var tracing = false
    var sources: [Int: String] = [:]
    // The component being built (tracing only).
    var measureLines: [PayeeTrace.MeasureLine] = []
    var keyResultLines: [PayeeTrace.KeyResultLine] = []
    var objective: (id: String, score: FixedDecimal, curve: String?)?
    var formula: String?
    var rawScore = FixedDecimal.zero
    var maxScore: FixedDecimal?

    /// Buffers sized for the plan; reused for every payee of a worker.
    init(kpiCount: Int) {
        cache = Array(repeating: nil, count: kpiCount)
        evaluating = Array(repeating: false, count: kpiCount)
        missing = Array(repeating: false, count: kpiCount)
    }

    /// Resets the buffers for the next payee (nil: company scope, for the pool).
    mutating func begin(payee: Payee?, position: Int, index: RunIndex, trace: Bool) {
        self.payee = payee
        self.position = position
        unit = position >= 0 ? Int(index.payeeUnits[position]) : -1
        for i in cache.indices { cache[i] = nil; evaluating[i] = false; missing[i] = false }
        hadMissing = false
        lenient = false
        figures = nil
        tracing = trace
        if trace { sources = [:] }
    }

    /// Closes the trace of the component just scored and resets the builders.
    mutating func lastComponent(id: String, weight: FixedDecimal, score: FixedDecimal, amount: FixedDecimal) -> PayeeTrace.ComponentLine {
        var line = PayeeTrace.ComponentLine(id: id, weight: weight, rawScore: rawScore, maxScore: maxScore, score: score, amount: amount)
        line.measures = measureLines
        line.keyResults = keyResultLines
        line.objective = objective?.id
        line.objectiveScore = objective?.score
        line.curve = objective?.curve
        line.formula = formula
        measureLines = []; keyResultLines = []; objective = nil; formula = nil
        return line
    }

    /// Every KPI this payee's calculation read, in plan order.
    func kpiLines(_ calc: Calculator, _ index: RunIndex) -> [PayeeTrace.KPILine] {
        var lines: [PayeeTrace.KPILine] = []
        for (k, kpi) in calc.plan.kpis.enumerated() {
            guard let a = cache[k] else { continue }
            let t = calc.target(k, self, index)
            var targetSource: String?
            if t != nil {
                if let p = payee, kpi.targets[p.unit] != nil { targetSource = "targets.\(p.unit)" } else { targetSource = "target" }
            }
            var att: FixedDecimal?
            if let t {
                att = try? (kpi.better == .higher ? a / t : FixedDecimal(2) - (try a / t))
            }
            lines.append(.init(id: kpi.id, actual: a, source: sources[k] ?? "", target: t, targetSource: targetSource,
                               attainment: att, better: kpi.better))
        }
        return lines
    }
}

/// Why a payee's calculation stopped: what was being computed and the arithmetic error.
struct EvaluationFailure: Error {
    let what: String
    let error: Error
}

struct ScopeError: Error, CustomStringConvertible {
    let kpi: String
    let scope: KPI.Scope
    var description: String { "KPI '\(kpi)' has \(scope.rawValue) scope, so it has no company-wide value" }
}

struct FormulaCycle: Error, CustomStringConvertible {
    let kpi: String
    var description: String { "its formula depends on itself" }
}

struct NoTarget: Error, CustomStringConvertible {
    let kpi: String
    let unit: String?
    var description: String { "KPI '\(kpi)' has no target" + (unit.map { " for unit '\($0)'" } ?? "") }
}

/// Problems collected across all payees, turned into diagnostics at the end of a run.
struct Problems {
    struct Missing: Hashable {
        let kpi: Int
        let scope: ActualScope
        let payee: String?
    }
    var missing: [Missing] = []
    var failures: [(Payee?, EvaluationFailure)] = []
    var other: [Diagnostic] = []

    var isEmpty: Bool { missing.isEmpty && failures.isEmpty && other.isEmpty }

    mutating func merge(_ o: Problems) {
        missing += o.missing
        failures += o.failures
        other += o.other
    }

    func diagnostics(plan: Plan, period: Period, actualsFile: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        // One error per missing (KPI, scope), naming the payees who need it.
        var groups: [(key: String, kpi: Int, scope: ActualScope, payees: [String])] = []
        var position: [String: Int] = [:]
        for m in missing {
            let key = "\(m.kpi)|\(m.scope)"
            if let i = position[key] {
                if let p = m.payee, groups[i].payees.last != p { groups[i].payees.append(p) }
            } else {
                position[key] = groups.count
                groups.append((key, m.kpi, m.scope, m.payee.map { [$0] } ?? []))
            }
        }
        for g in groups {
            let kpi = plan.kpis[g.kpi]
            var names = g.payees.prefix(10).joined(separator: ", ")
            if g.payees.count > 10 { names += " and \(g.payees.count - 10) more" }
            let who = g.payees.isEmpty ? "the pool formula" : "payee\(g.payees.count == 1 ? "" : "s") \(names)"
            out.append(.error("no actual for KPI '\(kpi.id)' at \(g.scope) in \(period), needed by \(who)",
                              at: kpi.location,
                              notes: [.init("add a row '\(period),\(g.scope),\(kpi.id),VALUE' to \(actualsFile), or set 'missing: zero' on the KPI")]))
        }
        for (payee, f) in failures {
            let who = payee.map { "payee \($0.id)" } ?? "the pool"
            out.append(.error("cannot calculate \(who): \(f.what): \(f.error)", at: payee?.location ?? plan.pool?.location))
        }
        return out + other
    }
}
