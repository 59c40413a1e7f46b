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
        let onPlan = roster.indices(onPlan: plan.id).map { roster.payees[$0] }
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

    /// Rows for KPIs the plan derives (errors) and, when `warnUnused`, the warning about
    /// KPIs the plan does not define (`UnusedKPIs`; a run of several plans warns about
    /// those no plan of the run defines, once).
    static func actuals(_ actuals: Actuals, plan: Plan, warnUnused: Bool = true) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let kpis = Dictionary(plan.kpis.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        if warnUnused { out += UnusedKPIs.warnings(actuals, used: Set(kpis.keys), plans: [plan.id]) }
        var last: (id: String, kpi: KPI?)?  // rows usually come grouped by KPI
        for row in actuals.rows {
            if last?.id != row.kpi { last = (row.kpi, kpis[row.kpi]) }
            guard let kpi = last?.kpi else { continue }
            if kpi.formula != nil {
                out.append(.error("KPI '\(row.kpi)' is derived by a formula in the plan, so it cannot also have actuals",
                                  at: actuals.location(row), notes: [.init("formula defined here", at: kpi.formula?.location)]))
            } else if let d = kpi.fromEvents {
                out.append(.error("KPI '\(row.kpi)' is derived from the event ledger (from_events), so it cannot also have actuals",
                                  at: actuals.location(row), notes: [.init("from_events defined here", at: d.location)]))
            }
        }
        return out
    }

    /// A plan that derives KPIs from events, or checks the ledger, cannot run without it.
    static func ledgerNeeded(_ plan: Plan) -> [Diagnostic] {
        if let k = plan.kpis.first(where: { $0.fromEvents != nil }) {
            return [.error("KPI '\(k.id)' is derived from the advocacy event ledger: give the events file with --events FILE",
                           at: k.fromEvents?.location ?? k.location)]
        }
        if let g = plan.gaming, !g.isEmpty {
            let at = g.locations.sorted { $0.key < $1.key }.first?.value ?? SourceLocation(file: plan.sourceFile, line: 1, column: 1)
            return [.error("the plan's gaming checks read the advocacy event ledger: give the events file with --events FILE", at: at)]
        }
        return []
    }

    /// Event types the plan names (from_events, consent) that never occur in the ledger:
    /// most likely a misspelling, so a warning with a did-you-mean.
    static func events(_ ledger: Ledger, plan: Plan) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let present = Set(ledger.types)
        var named: [(type: String, what: String, at: SourceLocation)] = []
        for k in plan.kpis { for t in k.fromEvents?.types ?? [] { named.append((t, "KPI '\(k.id)'", k.fromEvents?.location ?? k.location)) } }
        if let c = plan.gaming?.consent {
            for t in c.types { named.append((t, "the consent check", plan.gaming?.locations[.consent] ?? SourceLocation(file: plan.sourceFile, line: 1, column: 1))) }
        }
        if let e = plan.economics {
            for t in e.revenueTypes { named.append((t, "the economics section", e.location)) }
        }
        var warned = Set<String>()
        for n in named where !present.contains(n.type) && warned.insert(n.type + "|" + n.what).inserted {
            out.append(.warning("event type '\(n.type)' named by \(n.what) never occurs in \(ledger.file)"
                                + Suggest.didYouMean(n.type, in: ledger.types.sorted()), at: n.at))
        }
        return out
    }
}
