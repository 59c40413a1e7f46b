import AdvocompEngine
import AdvocompModel
import AdvocompParser

/// Several plans calculated together on the same roster, actuals and events for one
/// period: a quarter's close in one run (`calculate --plan A --plan B ...`).
public struct PlanSetOutcome: Sendable {
    /// One per plan, in the order given; empty when any plan has an error (nothing of a
    /// close is recorded unless all of it is).
    public var outcomes: [CalculationOutcome]
    /// The company's figures over the plans; nil when any plan has an error.
    public var summary: CompanySummary?
    /// Every plan's errors and warnings, each once (a warning about a shared input file
    /// is not repeated per plan), in file order.
    public var diagnostics: [Diagnostic]

    /// Each plan's result, in the order given (empty unless every plan calculated).
    public var results: [RunResult] { outcomes.compactMap(\.result) }
}

extension Pipeline {
    /// Calculates each plan's request (the same roster, actuals, events and period, each
    /// with the loader of the OKR sets its plan reads). Two plan files with the same plan
    /// id are an error: one close has one run per plan.
    public static func calculate(plans: [(request: CalculationRequest, loadFile: PlanParser.FileLoader)]) -> PlanSetOutcome {
        var outcomes: [CalculationOutcome] = [], diagnostics: [Diagnostic] = []
        var seen: [String: String] = [:]
        // The actuals' KPIs that no plan of the run defines are one warning, over the union
        // of the plans' KPIs (below), not one per plan naming the others' KPIs.
        let several = plans.count > 1
        for (planRequest, loader) in plans {
            var request = planRequest
            if several { request.warnUnusedKPIs = false }
            let file = request.plan
            let outcome = calculate(request, loadFile: loader)
            diagnostics += outcome.diagnostics
            if let plan = outcome.result?.plan {
                if let other = seen[plan.id] {
                    diagnostics.append(.error("plan '\(plan.id)' is also in \(other): a run calculates each plan once",
                                              at: plan.keyLocations["plan"] ?? SourceLocation(file: file.path, line: 1, column: 1)))
                }
                seen[plan.id] = seen[plan.id] ?? file.path
            }
            outcomes.append(outcome)
        }
        let calculated = outcomes.compactMap(\.result)
        if several, calculated.count == outcomes.count, let actuals = calculated.first?.actuals {
            diagnostics += UnusedKPIs.warnings(actuals, used: Set(calculated.flatMap { $0.plan.kpis.map(\.id) }), plans: calculated.map(\.plan.id))
        }
        var once = Set<Diagnostic>()
        diagnostics = sorted(diagnostics.filter { once.insert($0).inserted })
        guard !diagnostics.hasErrors, outcomes.allSatisfy({ $0.result != nil }) else {
            return PlanSetOutcome(outcomes: [], summary: nil, diagnostics: diagnostics)
        }
        let (summary, problems) = CompanySummary.of(outcomes.compactMap(\.result))
        guard let summary else { return PlanSetOutcome(outcomes: [], summary: nil, diagnostics: sorted(diagnostics + problems)) }
        return PlanSetOutcome(outcomes: outcomes, summary: summary, diagnostics: diagnostics)
    }
}
