import AdvocompModel
import Yams

/// The plan's `economics:` section: which components' payout is advocacy incentive cost,
/// and how referred revenue is counted (event types, baseline share, margin).
///
/// ```yaml
/// economics:
///   advocacy_components: [ledger-scorecard]
///   revenue: { types: [referral], baseline_share: 30%, margin: 70% }
/// ```
extension PlanBuilder {
    static let economicsKeys = ["advocacy_components", "revenue"]
    static let economicsRevenueKeys = ["types", "baseline_share", "margin"]

    func parseEconomics(_ node: Node, components: [Component]) -> Economics? {
        guard let f = r.fields(node, "economics", allowed: PlanBuilder.economicsKeys) else { return nil }
        let at = r.location(node)
        var ok = true
        var ids: [String] = []
        if let n = f["advocacy_components"] {
            if let names = r.names(n, "advocacy_components") {
                let known = components.map(\.id)
                var seen = Set<String>()
                let items: [Node]
                if case .sequence(let s) = n { items = Array(s) } else { items = [n] }
                for (i, name) in names.enumerated() {
                    let itemNode = i < items.count ? items[i] : n
                    if !known.contains(name) {
                        r.error("economics names component '\(name)', which the plan does not define" + Suggest.didYouMean(name, in: known)
                                + (known.isEmpty ? "" : " (components: \(known.joined(separator: ", ")))"), itemNode)
                        ok = false
                    } else if !seen.insert(name).inserted {
                        r.error("component '\(name)' is named twice in advocacy_components", itemNode)
                        ok = false
                    } else {
                        ids.append(name)
                    }
                }
                if names.isEmpty { r.error("advocacy_components must name at least one component of the plan", n); ok = false }
            } else { ok = false }
        } else {
            r.error("economics has no 'advocacy_components' (required): the components whose share of the payout is advocacy incentive cost", at: at)
            ok = false
        }
        var types: [String] = [], baseline = FixedDecimal.zero, margin = FixedDecimal.one
        if let n = f["revenue"] {
            if let rf = r.fields(n, "revenue of economics", allowed: PlanBuilder.economicsRevenueKeys) {
                if let t = rf["types"] {
                    if let names = r.names(t, "revenue types") {
                        for name in names {
                            if AdvocacyEvent.Signal(type: name) != .none {
                                r.error("revenue type '\(name)' is a signal row about an account, which carries no revenue", t)
                                ok = false
                            } else if !types.contains(name) { types.append(name) }
                        }
                        if names.isEmpty { r.error("revenue types must name at least one event type, such as [referral]", t); ok = false }
                    } else { ok = false }
                } else {
                    r.error("revenue has no 'types' (required): the event types whose amount is referred revenue, such as [referral]", n)
                    ok = false
                }
                func share(_ key: String, _ what: String) -> FixedDecimal? {
                    guard let x = rf[key] else { return nil }
                    guard let v = r.number(x, what) else { ok = false; return nil }
                    if v.isNegative || FixedDecimal.one < v {
                        r.error("\(what) must be from 0% to 100%, found \(v.percentString(maxPlaces: 4))", x)
                        ok = false
                        return nil
                    }
                    return v
                }
                if let v = share("baseline_share", "baseline_share") { baseline = v }
                if let v = share("margin", "margin") { margin = v }
                if rf["margin"] == nil {
                    r.error("revenue has no 'margin' (required): the contribution margin on incremental revenue, such as 70%", n)
                    ok = false
                }
            } else { ok = false }
        } else {
            r.error("economics has no 'revenue' (required): { types: [referral], baseline_share: 30%, margin: 70% }", at: at)
            ok = false
        }
        return ok ? Economics(components: ids, revenueTypes: types, baselineShare: baseline, margin: margin, location: at) : nil
    }
}
