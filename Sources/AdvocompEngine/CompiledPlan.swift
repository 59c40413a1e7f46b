import AdvocompModel

/// The plan's components and modifiers as flat arrays of plain values, so the per-payee
/// loop copies no strings or nested arrays (no reference counting on the hot path).
/// Names for messages and traces are read from the `Plan` only when needed.
struct CompiledPlan {
    enum ComponentKind {
        case measures(Range<Int>)
        /// Key results range, curve index or -1.
        case okr(Range<Int>, curve: Int)
        case formula
    }
    enum ModifierKind {
        case multiplier(factor: FixedDecimal, otherwise: FixedDecimal)
        case gate(otherwise: FixedDecimal)
        case accelerator(kpi: Int, above: FixedDecimal, rate: FixedDecimal, maxExtra: FixedDecimal?)
        case table(kpi: Int, onValue: Bool, rows: Range<Int>, otherwise: FixedDecimal)
    }

    var componentKinds: [ComponentKind] = []
    var componentWeights: [FixedDecimal] = []
    var componentMaxScores: [FixedDecimal?] = []
    var measureKPI: [Int] = []
    var measureWeight: [FixedDecimal] = []
    var measureCurve: [Int] = []
    var keyResultKPI: [Int] = []
    var keyResultStart: [FixedDecimal] = []
    /// target - start (never zero: checked when the plan is read).
    var keyResultSpan: [FixedDecimal] = []
    var keyResultWeight: [FixedDecimal] = []
    var keyResultMax: [FixedDecimal] = []
    var curves: [Curve] = []
    var modifierKinds: [ModifierKind] = []
    var tableRows: [Modifier.TableRow] = []
    /// [modifier * componentCount + component]
    var applies: [Bool] = []

    init(_ plan: Plan, kpiIndex: [String: Int]) throws {
        func curve(_ c: Curve?) -> Int {
            guard let c else { return -1 }
            curves.append(c)
            return curves.count - 1
        }
        for component in plan.components {
            componentWeights.append(component.weight)
            componentMaxScores.append(component.maxScore)
            switch component.kind {
            case .measures(let ms):
                let start = measureKPI.count
                for m in ms {
                    measureKPI.append(kpiIndex[m.kpi] ?? -1)
                    measureWeight.append(m.weight)
                    measureCurve.append(curve(m.curve))
                }
                componentKinds.append(.measures(start..<measureKPI.count))
            case .okr(let oid, let c):
                let start = keyResultKPI.count
                for kr in plan.objectives.first(where: { $0.id == oid })?.keyResults ?? [] {
                    keyResultKPI.append(kpiIndex[kr.kpi] ?? -1)
                    keyResultStart.append(kr.start)
                    keyResultSpan.append(try kr.target - kr.start)
                    keyResultWeight.append(kr.weight)
                    keyResultMax.append(kr.max)
                }
                componentKinds.append(.okr(start..<keyResultKPI.count, curve: curve(c)))
            case .formula:
                componentKinds.append(.formula)
            }
        }
        for m in plan.modifiers {
            switch m.kind {
            case .multiplier(_, let factor, let otherwise):
                modifierKinds.append(.multiplier(factor: factor, otherwise: otherwise))
            case .gate(_, let otherwise):
                modifierKinds.append(.gate(otherwise: otherwise))
            case .accelerator(let k, let above, let rate, let maxExtra):
                modifierKinds.append(.accelerator(kpi: kpiIndex[k] ?? -1, above: above, rate: rate, maxExtra: maxExtra))
            case .table(let k, let on, let rows, let otherwise):
                let start = tableRows.count
                tableRows += rows
                modifierKinds.append(.table(kpi: kpiIndex[k] ?? -1, onValue: on == .value,
                                            rows: start..<tableRows.count, otherwise: otherwise))
            }
            for c in plan.components { applies.append(m.applies(to: c.id)) }
        }
    }
}
