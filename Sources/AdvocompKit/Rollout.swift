import AdvocompEngine
import AdvocompModel
import AdvocompParser

extension Pipeline {
    /// What rolling a pilot's candidate plan out to everyone would have cost: the current
    /// plan and the candidate calculated on the same stored inputs for every payee of
    /// either (the roster rows naming the candidate are put on the current plan, and the
    /// candidate is calculated under the current plan's id, so both cover the same
    /// people), compared by the `compare` engine.
    public static func rollout(_ request: CalculationRequest, current currentID: String, candidate: InputFile, candidateID: String,
                               loadFile: @escaping PlanParser.FileLoader) -> (result: PlanComparison?, diagnostics: [Diagnostic]) {
        let everyone: (Roster) -> Roster = { r in
            var out = r
            out.payees = r.payees.map { p in
                guard p.plan == candidateID else { return p }
                return Payee(id: p.id, name: p.name, title: p.title, unit: p.unit, plan: currentID, currency: p.currency,
                             baseSalary: p.baseSalary, targetBonusPct: p.targetBonusPct, targetBonus: p.targetBonus,
                             startDate: p.startDate, endDate: p.endDate, location: p.location)
            }
            return out
        }
        var quiet = request
        quiet.warnUnusedKPIs = false
        let a = calculate(quiet, loadFile: loadFile, planFor: { $0 }, rosterFor: everyone)
        var other = quiet
        other.plan = candidate
        let b = calculate(other, loadFile: loadFile, planFor: { p in var p = p; p.id = currentID; return p }, rosterFor: everyone)
        // Shown under its own id.
        return comparison(a, b) { $0.plan.id = candidateID }
    }
}
