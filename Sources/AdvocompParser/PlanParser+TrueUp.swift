import AdvocompModel
import Yams

/// The plan's `true_up:` section: annual targets and what a negative true-up does.
///
/// ```yaml
/// true_up:
///   negative: carry                 # clawback (default) | carry | forgive
///   targets:                        # annual targets; other KPIs keep their plan target
///     review_velocity: 600
///     nrr: { target: 105%, targets: { enterprise: 110% } }
/// ```
extension PlanBuilder {
    func parseTrueUp(_ node: Node, kpis: [KPI], pays: Plan.Pays) -> TrueUp? {
        guard let f = r.fields(node, "true_up", allowed: ["targets", "negative"]) else { return nil }
        var t = TrueUp(location: r.location(node))
        if pays == .year {
            r.error("a plan that pays per year has nothing to true up: its payout is already the full year's (remove true_up, or pay per quarter or half)", node)
        }
        if let n = f["negative"], let v = r.choice(n, "negative of true_up", TrueUp.Negative.self) { t.negative = v }
        guard let n = f["targets"] else { return t }
        guard case .mapping(let m) = n else {
            r.error("targets of true_up must be a mapping of KPI id to its annual target, such as { review_velocity: 600 }", n)
            return t
        }
        for (k, v) in m {
            guard let id = r.string(k, "KPI id") else { continue }
            guard let kpi = kpis.first(where: { $0.id == id }) else {
                r.error("true_up names KPI '\(id)', which the plan does not define" + Suggest.didYouMean(id, in: kpis.map(\.id)), k)
                continue
            }
            var annual = TrueUp.Target()
            if case .mapping = v {
                guard let tf = r.fields(v, "annual target of \(id)", allowed: ["target", "targets"]) else { continue }
                if let x = tf["target"], let a = r.number(x, "annual target of \(id)"), checkTarget(a, kpi.better, x, id) { annual.target = a }
                if let x = tf["targets"] {
                    if case .mapping(let um) = x {
                        for (uk, uv) in um {
                            guard let unit = r.string(uk, "unit name"), let a = r.number(uv, "annual target of \(id) for \(unit)") else { continue }
                            if checkTarget(a, kpi.better, uv, id) { annual.targets[unit] = a }
                        }
                    } else {
                        r.error("targets must be a mapping of unit name to target, such as { enterprise: 100, smb: 240 }", x)
                    }
                }
            } else if let a = r.number(v, "annual target of \(id)"), checkTarget(a, kpi.better, v, id) {
                annual.target = a
            }
            t.targets[id] = annual
        }
        return t
    }
}
