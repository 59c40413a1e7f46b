/// A plan's annual true-up (`true_up:`): the full year calculated on full-year actuals
/// against annual targets, less what the year's closed periods paid. See README,
/// "The annual true-up".
public struct TrueUp: Sendable {
    /// What a negative true-up (the periods paid more than the full year earns) does.
    public enum Negative: String, Sendable, CaseIterable {
        /// The payee owes it: the true-up is negative.
        case clawback
        /// Nothing is paid or recovered now; it is set against next year's true-up.
        case carry
        /// Nothing is paid or recovered, ever.
        case forgive
    }

    /// An annual target for one KPI: a default and per-unit targets, as on the KPI.
    public struct Target: Sendable {
        public var target: FixedDecimal?
        public var targets: [String: FixedDecimal]
        public init(target: FixedDecimal? = nil, targets: [String: FixedDecimal] = [:]) {
            self.target = target; self.targets = targets
        }
    }

    /// Annual targets by KPI id; a KPI not listed keeps its plan target (a rate such as
    /// NRR is the same for a quarter and a year).
    public var targets: [String: Target]
    public var negative: Negative
    public var location: SourceLocation

    public init(targets: [String: Target] = [:], negative: Negative = .clawback, location: SourceLocation) {
        self.targets = targets; self.negative = negative; self.location = location
    }
}

extension Plan {
    /// The plan as it calculates a full year for its true-up: paid per year, with the
    /// annual targets in place of the period ones.
    public func fullYear() -> Plan {
        var p = self
        p.pays = .year
        if let t = trueUp {
            for k in p.kpis.indices {
                guard let annual = t.targets[p.kpis[k].id] else { continue }
                if let target = annual.target { p.kpis[k].target = target }
                if !annual.targets.isEmpty { p.kpis[k].targets = annual.targets }
            }
        }
        return p
    }

    /// The periods this plan pays in fiscal year `year`, in order (none for a yearly plan).
    public func periods(ofYear year: Int) -> [Period] {
        switch pays {
        case .quarter: return (1...4).compactMap { Period.parse("\(year)-Q\($0)") }
        case .half: return (1...2).compactMap { Period.parse("\(year)-H\($0)") }
        case .year: return []
        }
    }
}
