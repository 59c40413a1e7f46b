import AdvocompModel

/// A problem working out the programme's economics (a figure beyond the range).
public struct EconomicsError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The figures of one line of the economics report (a unit of a plan in a period) or of
/// a total over lines. Money is exact; costs are per currency (never added across them);
/// contribution and return exist only when every cost is in the revenue's currency.
public struct EconomicsFigures: Sendable {
    /// Payees paid (status ok) and their payouts, per currency.
    public var paidPayees = 0
    public var payout: [Money] = []
    /// The payout attributed to the advocacy components, per currency.
    public var cost: [Money] = []
    /// Referred revenue (sum of the counted events' amounts), in the revenue currency.
    public var referred: Money
    /// referred x (1 - baseline share), exact.
    public var incremental: Money
    /// incremental x margin - cost; nil when some cost is in another currency.
    public var contribution: Money?
    /// contribution / cost, as a ratio (1 = 100%); nil without a contribution or a cost.
    public var returnOnSpend: FixedDecimal?
    /// The events counted (ids), the events of those types credited to the payees but
    /// excluded by the run's gaming checks, and those without an amount (not counted).
    public var events: [String] = []
    public var excludedEvents: [String] = []
    public var eventsWithoutAmount: [String] = []
    /// The recorded runs behind the figures.
    public var runs: [Int64] = []

    public init(revenueCurrency: Currency) {
        referred = .zero(revenueCurrency); incremental = .zero(revenueCurrency)
        contribution = .zero(revenueCurrency)
    }

    public var revenueCurrency: Currency { referred.currency }

    /// Cost in the revenue currency (zero when none).
    public var costInRevenueCurrency: Money { cost.first { $0.currency == revenueCurrency } ?? .zero(revenueCurrency) }

    /// Currencies of the cost other than the revenue's (why there is no contribution).
    public var foreignCostCurrencies: [Currency] { cost.filter { $0.currency != revenueCurrency && !$0.isZero }.map(\.currency) }

    static func add(_ m: Money, to list: inout [Money]) throws {
        if let i = list.firstIndex(where: { $0.currency == m.currency }) { list[i] = try list[i] + m } else {
            list.append(m)
            list.sort { $0.currency.code < $1.currency.code }
        }
    }

    /// Works out contribution and return from the rest, for a line.
    mutating func settle(baselineShare: FixedDecimal, margin: FixedDecimal) throws {
        incremental = try referred.times(FixedDecimal.one - baselineShare)
        guard foreignCostCurrencies.isEmpty else { contribution = nil; returnOnSpend = nil; return }
        let c = try incremental.times(margin) - costInRevenueCurrency
        contribution = c
        returnOnSpend = costInRevenueCurrency.isZero ? nil : try c.amount / costInRevenueCurrency.amount
    }

    /// The sum of lines with one revenue currency: every money figure added (costs per
    /// currency), contribution the sum of the lines' (none when one line has none), return
    /// that contribution over the cost.
    public static func total(_ lines: [EconomicsFigures], revenueCurrency: Currency) throws -> EconomicsFigures {
        var t = EconomicsFigures(revenueCurrency: revenueCurrency)
        for l in lines {
            precondition(l.revenueCurrency == revenueCurrency)
            t.paidPayees += l.paidPayees
            for m in l.payout { try add(m, to: &t.payout) }
            for m in l.cost { try add(m, to: &t.cost) }
            t.referred = try t.referred + l.referred
            t.incremental = try t.incremental + l.incremental
            if let c = l.contribution, let tc = t.contribution { t.contribution = try tc + c } else { t.contribution = nil }
            t.events += l.events; t.excludedEvents += l.excludedEvents; t.eventsWithoutAmount += l.eventsWithoutAmount
            for r in l.runs where !t.runs.contains(r) { t.runs.append(r) }
        }
        if !t.foreignCostCurrencies.isEmpty { t.contribution = nil }
        let cost = t.costInRevenueCurrency
        t.returnOnSpend = (t.contribution == nil || cost.isZero) ? nil : try t.contribution!.amount / cost.amount
        t.runs.sort()
        return t
    }
}

/// The advocacy programme's economics for one run (README, "Programme economics"): per
/// unit, the payout attributed to the plan's advocacy components, the referred revenue
/// credited to the unit's payees, and what follows from it. Pure: no files or clock.
public enum ProgrammeEconomics {
    /// One line: a unit of the run's plan.
    public struct Line: Sendable {
        public var unit: String
        public var figures: EconomicsFigures
    }

    /// The share of `payout` attributed to the components marked in `advocacy`, in proportion
    /// to the components' amounts after modifiers (a negative amount counts as 0), rounded
    /// once to the currency's minor units with `mode`. When no component has an amount above
    /// zero (a floor paid on nothing), the shares are the components' weights. Worked out in
    /// integer arithmetic on the exact figures: payout (minor units) x advocacy amount /
    /// all amounts.
    public static func attribute(payout: Money, amounts: [FixedDecimal], weights: [FixedDecimal],
                                 advocacy: [Bool], mode: RoundingMode) throws -> Money {
        guard let units = payout.minorUnits else { throw EconomicsError("payout \(payout) is not rounded to minor units") }
        if units == 0 { return .zero(payout.currency) }
        func sums(_ xs: [FixedDecimal]) -> (Int128, Int128)? {
            var a: Int128 = 0, s: Int128 = 0
            for (i, x) in xs.enumerated() where x.raw > 0 {
                var o = false
                (s, o) = s.addingReportingOverflow(x.raw); if o { return nil }
                if i < advocacy.count && advocacy[i] { (a, o) = a.addingReportingOverflow(x.raw); if o { return nil } }
            }
            return (a, s)
        }
        guard var (a, s) = sums(amounts) else { throw EconomicsError("component amounts beyond the range") }
        if s == 0 {
            guard let w = sums(weights) else { throw EconomicsError("component weights beyond the range") }
            (a, s) = w
        }
        if s == 0 || a == 0 { return .zero(payout.currency) }
        let (num, o) = units.multipliedReportingOverflow(by: a)
        if o { throw EconomicsError("the attribution of \(payout) is beyond the range of exact arithmetic") }
        let negative = num < 0
        let mag = num.magnitude, den = UInt128(s)
        var q = mag / den
        let r = mag % den
        switch mode {
        case .halfEven: if 2 * r > den || (2 * r == den && q % 2 == 1) { q += 1 }
        case .halfUp: if 2 * r >= den { q += 1 }
        case .down: if negative && r != 0 { q += 1 }
        }
        return try Money(minorUnits: negative ? -Int128(q) : Int128(q), payout.currency)
    }

    /// The run's lines, one per unit of its payees (name order). `ledger` is the events to
    /// count when the run had none of its own; with the run's own ledger, an event the
    /// plan's gaming checks excluded is listed, not counted.
    public static func lines(_ run: RunResult, economics e: Economics, ledger given: Ledger? = nil,
                             runID: Int64? = nil) throws -> [Line] {
        let plan = run.plan
        let advocacy = plan.components.map { e.components.contains($0.id) }
        let weights = plan.components.map(\.weight)
        var byUnit: [String: EconomicsFigures] = [:]
        var unitOf: [String: String] = [:]
        for p in run.payees {
            unitOf[p.payee.id] = p.payee.unit
            var f = byUnit[p.payee.unit] ?? EconomicsFigures(revenueCurrency: plan.currency)
            if p.status == .ok {
                f.paidPayees += 1
                try EconomicsFigures.add(p.payout, to: &f.payout)
                let amounts = (0..<p.componentAmountCount).map { p.componentAmount($0).amount }
                let cost = try attribute(payout: p.payout, amounts: amounts, weights: weights, advocacy: advocacy, mode: plan.rounding)
                try EconomicsFigures.add(cost, to: &f.cost)
            }
            byUnit[p.payee.unit] = f
        }
        let ledger = run.ledger?.ledger ?? given
        if let ledger {
            let first = run.firstDay, last = run.lastDay
            let wanted = Set(e.revenueTypes.compactMap { ledger.types.firstIndex(of: $0).map(Int32.init) })
            for (i, ev) in ledger.events.enumerated() where wanted.contains(ev.type) && ev.date >= first && ev.date <= last {
                guard let who = ledger.creditedTo(ev), let unit = unitOf[who], var f = byUnit[unit] else { continue }
                if let o = run.ledger, !o.events[i].credited {
                    f.excludedEvents.append(ev.id)
                } else if let amount = ev.amount {
                    f.referred = try f.referred + Money(amount, plan.currency)
                    f.events.append(ev.id)
                } else {
                    f.eventsWithoutAmount.append(ev.id)
                }
                byUnit[unit] = f
            }
        }
        var out: [Line] = []
        for unit in byUnit.keys.sorted() {
            var f = byUnit[unit]!
            try f.settle(baselineShare: e.baselineShare, margin: e.margin)
            if let runID { f.runs = [runID] }
            out.append(Line(unit: unit, figures: f))
        }
        return out
    }
}
