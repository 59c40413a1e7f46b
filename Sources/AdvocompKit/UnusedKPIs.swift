import AdvocompModel
import AdvocompParser

/// The warning about KPIs in the actuals that no plan of the run defines (their rows are
/// ignored: SPEC section 3). One actuals file usually serves several plans, so listing
/// each other plan's KPI on its own line buried the warnings that matter: they are one
/// line, at the actuals file. A KPI whose id is close to one a plan defines is likely a
/// misspelling and keeps a warning of its own, with a did-you-mean.
///
/// One function, given the KPIs in use: a run of one plan passes that plan's KPIs
/// (`Pipeline.calculate` does, unless `CalculationRequest.warnUnusedKPIs` is false); a
/// run of several plans on one actuals file passes the union of their KPIs, once.
public enum UnusedKPIs {
    /// How many unused KPIs the summary names before saying how many more there are.
    public static let named = 5

    /// The warnings for `actuals`' rows whose KPI is not in `used`: one per likely
    /// misspelling, then one for all the others (none when every KPI is used). `plans` are
    /// the ids of the run's plans, for the message.
    public static func warnings(_ actuals: Actuals, used: Set<String>, plans: [String]) -> [Diagnostic] {
        // Each unused KPI once, at its first row, in file order.
        var first: [(kpi: String, row: ActualRow)] = []
        var seen = Set<String>()
        var last = ""  // rows usually come grouped by KPI
        for row in actuals.rows where row.kpi != last {
            last = row.kpi
            if !used.contains(row.kpi) && seen.insert(row.kpi).inserted { first.append((row.kpi, row)) }
        }
        guard !first.isEmpty else { return [] }
        let candidates = used.sorted()
        let byPlans = plans.count == 1 ? "plan '\(plans[0])'" : "any plan of the run (\(plans.map { "'\($0)'" }.joined(separator: ", ")))"
        var out: [Diagnostic] = []
        var others: [(kpi: String, row: ActualRow)] = []
        for u in first {
            let hint = Suggest.didYouMean(u.kpi, in: candidates)
            if hint.isEmpty { others.append(u); continue }
            out.append(.warning("KPI '\(u.kpi)' is not defined by \(byPlans); its rows are ignored\(hint)", at: actuals.location(u.row)))
        }
        if others.count == 1, let u = others.first {
            out.append(.warning("KPI '\(u.kpi)' is not defined by \(byPlans); its rows are ignored", at: actuals.location(u.row)))
        } else if let u = others.first {
            let shown = others.prefix(named).map(\.kpi).joined(separator: ", ")
            let more = others.count > named ? " and \(others.count - named) more" : ""
            out.append(.warning("\(others.count) KPIs in the actuals are not defined by \(byPlans); their rows are ignored: \(shown)\(more)",
                                at: actuals.location(u.row)))
        }
        return out
    }
}
