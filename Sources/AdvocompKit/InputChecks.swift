import AdvocompModel
import AdvocompParser

/// Checks that need both the plan and an input file (SPEC sections 3 and 5).
/// Plain functions returning diagnostics.
enum InputChecks {
    static func roster(_ roster: Roster, plan: Plan) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let header = SourceLocation(file: roster.file, line: 1, column: 1)
        let cols = roster.columns
        guard cols.contains("payee_id") else { return out }  // already reported
        let hasPct = cols.contains("base_salary") && cols.contains("target_bonus_pct")
        if !hasPct && !cols.contains("target_bonus") {
            out.append(.error("the roster needs 'target_bonus', or 'base_salary' and 'target_bonus_pct', to compute target incentives", at: header))
            return out
        }
        let needsUnit = plan.kpis.contains { ($0.scope == .unit && $0.formula == nil) || !$0.targets.isEmpty }
        if needsUnit && !cols.contains("unit") {
            let k = plan.kpis.first { $0.scope == .unit || !$0.targets.isEmpty }
            out.append(.error("the roster has no 'unit' column, and KPI '\(k?.id ?? "")' is measured or targeted per unit", at: header,
                              notes: k.map { [.init("KPI defined here", at: $0.location)] } ?? []))
        }
        let onPlan = roster.payees.filter { cols.contains("plan") ? $0.plan == plan.id : true }
        if onPlan.isEmpty {
            out.append(.warning("no roster row is on plan '\(plan.id)'" + (cols.contains("plan") ? " (column 'plan')" : ""), at: header))
        }
        for p in onPlan {
            if p.targetBonus == nil && (p.baseSalary == nil || p.targetBonusPct == nil) {
                out.append(.error("payee \(p.id) has no target bonus: give target_bonus, or base_salary and target_bonus_pct", at: p.location))
            }
            if needsUnit && cols.contains("unit") && p.unit.isEmpty {
                out.append(.error("payee \(p.id) has no unit, and the plan measures KPIs per unit", at: p.location))
            }
        }
        return out
    }

    static func actuals(_ actuals: Actuals, plan: Plan) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var warned = Set<String>()
        let kpis = Dictionary(plan.kpis.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var last: (id: String, kpi: KPI?)?  // rows usually come grouped by KPI
        for row in actuals.rows {
            if last?.id != row.kpi { last = (row.kpi, kpis[row.kpi]) }
            guard let kpi = last?.kpi else {
                if warned.insert(row.kpi).inserted {
                    out.append(.warning("KPI '\(row.kpi)' is not defined by plan '\(plan.id)'; its rows are ignored"
                                        + Suggest.didYouMean(row.kpi, in: kpis.keys.sorted()), at: actuals.location(row)))
                }
                continue
            }
            if kpi.formula != nil {
                out.append(.error("KPI '\(row.kpi)' is derived by a formula in the plan, so it cannot also have actuals",
                                  at: actuals.location(row), notes: [.init("formula defined here", at: kpi.formula?.location)]))
            }
        }
        return out
    }
}
