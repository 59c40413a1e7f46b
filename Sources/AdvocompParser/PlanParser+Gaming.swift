import AdvocompModel
import Yams

/// `from_events:` on a KPI and the plan's `gaming:` section (SPEC section 6).
extension PlanBuilder {
    static let fromEventsKeys = ["types", "value", "unsolicited_weight"]
    static let gamingKeys = GamingChecks.Check.allCases.sorted().map(\.rawValue)
    static let checkKeys: [GamingChecks.Check: [String]] = [
        .askCap: ["min_days_between", "max_per_year", "action"],
        .unverified: ["within_days", "action"],
        .consent: ["types", "action"],
        .escalation: ["within_days", "action"],
        .periodEndSpike: ["last_days", "share_above", "min_events", "action"],
        .concentration: ["share_above", "min_events", "action"],
    ]

    func parseFromEvents(_ node: Node, kpi: String) -> EventDerivation? {
        guard let f = r.fields(node, "from_events of \(kpi)", allowed: PlanBuilder.fromEventsKeys) else { return nil }
        var d = EventDerivation(types: [], location: r.location(node))
        if let n = f["types"], let types = r.names(n, "types") {
            if types.isEmpty || types.contains(where: \.isEmpty) {
                r.error("types must name at least one event type, such as [review]", n)
            }
            d.types = types
            warnAboutSignals(types, n, "it adds nothing to KPI '\(kpi)'")
        } else if f["types"] == nil {
            r.error("from_events of \(kpi) needs 'types': the event types it counts, such as [review]", node)
        }
        if let n = f["value"], let v = r.choice(n, "value", EventDerivation.Value.self) { d.value = v }
        if let n = f["unsolicited_weight"], let w = r.nonNegative(n, "unsolicited_weight") { d.unsolicitedWeight = w }
        return d
    }

    /// Escalation rows are signals, not advocacy (SPEC section 6): naming one as a type
    /// that earns credit or needs consent does nothing, which is surely not meant.
    private func warnAboutSignals(_ types: [String], _ node: Node, _ consequence: String) {
        for t in types where AdvocacyEvent.Signal(type: t) != .none {
            r.warning("event type '\(t)' is a signal row (an account's escalation), not advocacy: it earns no credit and no check judges it, so \(consequence)",
                      at: r.location(node))
        }
    }

    func parseGaming(_ node: Node) -> GamingChecks? {
        guard let f = r.fields(node, "gaming", allowed: PlanBuilder.gamingKeys) else { return nil }
        var g = GamingChecks()
        // In file order, so diagnostics come in the order of the lines.
        for pair in f.pairs {
            guard let check = GamingChecks.Check(rawValue: pair.key) else { continue }
            let n = pair.value
            guard let c = r.fields(n, "gaming check \(check.rawValue)", allowed: PlanBuilder.checkKeys[check] ?? []) else { continue }
            g.locations[check] = r.location(pair.keyNode)
            var action = GamingAction.flag
            if let a = c["action"], let v = r.choice(a, "action of \(check.rawValue)", GamingAction.self) {
                if check.judgesPayees && v == .exclude {
                    r.error("\(check.rawValue) judges a payee, not an event: its action must be flag or hold", a)
                } else {
                    action = v
                }
            }
            func int(_ key: String, _ range: ClosedRange<Int>, _ fallback: Int) -> Int {
                guard let x = c[key] else { return fallback }
                return r.integer(x, "\(key) of \(check.rawValue)", range: range) ?? fallback
            }
            func share(_ fallback: FixedDecimal) -> FixedDecimal {
                guard let x = c["share_above"], let v = r.number(x, "share_above of \(check.rawValue)") else { return fallback }
                if v.isNegative || v > .one {
                    r.error("share_above of \(check.rawValue) must be a share from 0% to 100%, found \(v)", x)
                    return fallback
                }
                return v
            }
            let half = FixedDecimal(raw: Int128(FixedDecimal.one.raw / 2))  // 50%
            switch check {
            case .askCap:
                g.askCap = .init(minDaysBetween: int("min_days_between", 0...3660, 60), maxPerYear: int("max_per_year", 1...366, 4), action: action)
            case .unverified:
                g.unverified = .init(withinDays: int("within_days", 0...366, 7), action: action)
            case .consent:
                var types: [String] = []
                if let t = c["types"], let list = r.names(t, "types of consent") {
                    if list.isEmpty { r.error("types of consent must name at least one event type, such as [reference_call]", t) }
                    types = list
                    warnAboutSignals(list, t, "the consent check never judges it")
                } else if c["types"] == nil {
                    r.error("consent needs 'types': the event types that need the advocate's consent, such as [reference_call, case_study]", n)
                }
                g.consent = .init(types: types, action: action)
            case .escalation:
                g.escalation = .init(withinDays: int("within_days", 1...3660, 30), action: action)
            case .periodEndSpike:
                g.periodEndSpike = .init(lastDays: int("last_days", 1...366, 14), shareAbove: share(half),
                                         minEvents: int("min_events", 1...1_000_000, 5), action: action)
            case .concentration:
                g.concentration = .init(shareAbove: share(half), minEvents: int("min_events", 1...1_000_000, 4), action: action)
            }
        }
        return g
    }
}
