import AdvocompEngine
import AdvocompModel
import AdvocompParser

/// One payee's statement in plain figures, every one read from the engine's result (its
/// trace): what the web app's executive view shows. Nothing here is worked out again
/// except the ratios shown beside the engine's amounts (the payout as a share of target,
/// a measure's share of the target incentive).
public struct PayeeStatement: Sendable {
    public struct KPIFigure: Sendable {
        public var id: String
        public var name: String
        /// The plan's unit (`percent`, `count`, `money`, `months`...), or "".
        public var unit: String
        public var scope: KPI.Scope
        public var better: KPI.Better
        public var actual: FixedDecimal
        public var target: FixedDecimal?
        public var attainment: FixedDecimal?
        /// Computed by a formula of other KPIs (no control of its own in a what-if).
        public var derived: Bool
        /// Each measure reading it: the component, the measure's weight, the curve's factor
        /// and what it adds to the payout before modifiers, as a share of the target
        /// incentive (component weight x measure weight x factor).
        public var contributions: [Contribution]
    }
    public struct Contribution: Sendable {
        public var component: String
        public var weight: FixedDecimal
        public var factor: FixedDecimal
        public var shareOfTarget: FixedDecimal
    }
    public struct ComponentFigure: Sendable {
        public var id: String
        public var weight: FixedDecimal
        public var score: FixedDecimal
        /// After modifiers, before cap, floor and rounding.
        public var amount: Money
    }
    public struct ModifierFigure: Sendable {
        public var id: String
        public var type: String
        public var reason: String
        public var factor: FixedDecimal
    }
    public struct PoolFigure: Sendable {
        /// Whether the pool bound (payouts scaled down).
        public var applied: Bool
        public var ratio: FixedDecimal?
        public var amount: Money
        public var totalBefore: Money
        /// What the pool took from this payee (payout before the pool minus after).
        public var trim: Money
    }

    public var payeeID: String
    public var name: String
    public var title: String
    public var unit: String
    public var planID: String
    public var planVersion: String
    public var period: String
    public var status: PayeeResult.Status
    public var clamp: PayeeResult.Clamp
    public var currency: Currency
    /// The payout (after the pool), as `calculate` gives it.
    public var payout: Money
    /// Rounded, before the pool.
    public var beforePool: Money
    public var targetIncentive: Money
    /// Payout over the target incentive; nil without a target.
    public var percentOfTarget: FixedDecimal?
    public var kpis: [KPIFigure]
    public var components: [ComponentFigure]
    public var modifiers: [ModifierFigure]
    public var pool: PoolFigure?

    /// The statement of `payeeID` in `run`, which must have been calculated with the
    /// payee in `explain` (its trace); nil when the payee is not in the run.
    public init?(_ run: RunResult, payee payeeID: String) {
        guard let p = run.payees.first(where: { $0.payee.id == payeeID }) else { return nil }
        let plan = run.plan
        self.payeeID = p.payee.id; name = p.payee.name; title = p.payee.title; unit = p.payee.unit
        planID = plan.id; planVersion = plan.version; period = run.period.description
        status = p.status; clamp = p.clamp; currency = p.currency
        payout = p.payout; beforePool = p.roundedPayout; targetIncentive = p.roundedTargetIncentive
        percentOfTarget = p.roundedTargetIncentive.isZero ? nil : try? p.payout.amount / p.roundedTargetIncentive.amount
        let traceKPIs = p.trace?.kpis ?? [], traceComponents = p.trace?.components ?? [], traceModifiers = p.trace?.modifiers ?? []
        var contributions: [String: [Contribution]] = [:]
        for c in traceComponents {
            for m in c.measures {
                let share = (try? c.weight * m.weight * m.factor) ?? .zero
                contributions[m.kpi, default: []].append(Contribution(component: c.id, weight: m.weight, factor: m.factor, shareOfTarget: share))
            }
        }
        kpis = traceKPIs.map { k in
            let def = plan.kpi(k.id)
            return KPIFigure(id: k.id, name: def?.name ?? k.id, unit: def?.unit ?? "", scope: def?.scope ?? .company, better: k.better,
                             actual: k.actual, target: k.target, attainment: k.attainment, derived: def?.isDerived ?? false,
                             contributions: contributions[k.id] ?? [])
        }
        components = traceComponents.map {
            ComponentFigure(id: $0.id, weight: $0.weight, score: $0.score, amount: Money($0.amount, p.currency))
        }
        modifiers = traceModifiers.map { ModifierFigure(id: $0.id, type: $0.type, reason: $0.reason, factor: $0.factor) }
        if let pr = run.pool {
            pool = PoolFigure(applied: pr.applied, ratio: pr.ratio, amount: pr.amount, totalBefore: pr.totalBefore,
                              trim: (try? p.roundedPayout - p.payout) ?? .zero(p.currency))
        } else {
            pool = nil
        }
    }

    /// The KPIs a what-if can set for this payee: those read from the actuals (not
    /// computed by a formula or from the event ledger), in plan order.
    public var settableKPIs: [KPIFigure] { kpis.filter { !$0.derived } }
}

/// A stored run's inputs held in memory for one payee's previews: the statement, what-ifs
/// and payout curves, each on `calculate`'s engine (`Pipeline.whatIf`'s and
/// `Pipeline.curve`'s own calculations), so a preview never disagrees with the CLI.
public final class PayeePreview: @unchecked Sendable {  // immutable; the loader reads stored files only
    public let request: CalculationRequest
    let loader: PlanParser.FileLoader
    /// The run as it stands, with every payee's trace.
    public let base: RunResult

    /// The inputs read and checked once (what-ifs apply their overrides to a copy).
    let prepared: Pipeline.Prepared
    let diagnostics: [Diagnostic]

    /// Reads the inputs and calculates the run once (every payee traced); nil with the
    /// diagnostics when they have errors.
    public static func make(_ request: CalculationRequest, loadFile: @escaping PlanParser.FileLoader) -> (PayeePreview?, [Diagnostic]) {
        let (prepared, diagnostics, planFiles) = Pipeline.prepare(request, loadFile: loadFile)
        guard let prepared else { return (nil, diagnostics) }
        let all = Set(Pipeline.payeeIDs(prepared.roster, prepared.plan))
        var r = request
        r.explain = all
        let outcome = Pipeline.run(prepared, explain: all, recordFigures: false, diagnostics: diagnostics, planFiles: planFiles)
        guard let result = outcome.result else { return (nil, outcome.diagnostics) }
        return (PayeePreview(request: r, loader: loadFile, base: result, prepared: prepared, diagnostics: diagnostics), outcome.diagnostics)
    }

    init(request: CalculationRequest, loader: @escaping PlanParser.FileLoader, base: RunResult, prepared: Pipeline.Prepared, diagnostics: [Diagnostic]) {
        self.request = request; self.loader = loader; self.base = base; self.prepared = prepared; self.diagnostics = diagnostics
    }

    public func statement(_ payeeID: String) -> PayeeStatement? { PayeeStatement(base, payee: payeeID) }

    /// The override that sets `kpi` for `payeeID` at the KPI's own scope (the company,
    /// the payee's unit, the payee), as `whatif --set` would write it.
    public func override(_ payeeID: String, kpi: String, value: FixedDecimal) -> ActualOverride? {
        guard let payee = base.payees.first(where: { $0.payee.id == payeeID }), let def = base.plan.kpi(kpi) else { return nil }
        let scope: ActualScope?
        let prefix: String
        switch def.scope {
        case .company: scope = nil; prefix = ""
        case .unit: scope = .unit(payee.payee.unit); prefix = "unit:\(payee.payee.unit)/"
        case .payee: scope = .payee(payeeID); prefix = "payee:\(payeeID)/"
        }
        return ActualOverride(scope: scope, kpi: kpi, value: value, text: "\(prefix)\(kpi)=\(value)")
    }

    /// What a what-if gives one payee: the statement as it is and with the changes, the
    /// difference, and the reasons in words.
    public struct WhatIf: Sendable {
        public var before: PayeeStatement
        public var after: PayeeStatement
        public var overrides: [ActualOverride]
        public var difference: Money
        public var explanation: [String]
    }

    /// The run with `overrides` (at the KPIs' own scopes), on `calculate`'s engine.
    public func whatIf(_ payeeID: String, overrides: [ActualOverride]) -> (WhatIf?, [Diagnostic]) {
        guard let before = statement(payeeID) else { return (nil, [.error("payee '\(payeeID)' is not in the run", at: nil)]) }
        // `whatif`'s calculation (`Pipeline.calculate(_:overrides:)`: the overrides applied
        // to the checked actuals, then the engine), on the inputs read once.
        var p = prepared
        let problems = Pipeline.apply(overrides, to: &p.actuals, plan: p.plan, roster: p.roster, period: p.period)
        let outcome = Pipeline.run(p, explain: [payeeID], recordFigures: false, diagnostics: diagnostics, planFiles: [])
        guard problems.isEmpty, let result = outcome.result, let after = PayeeStatement(result, payee: payeeID) else {
            return (nil, outcome.diagnostics.filter { $0.severity == .error } + problems.map { .error($0.message, at: nil) })
        }
        let difference: Money
        do { difference = try after.payout - before.payout } catch {
            return (nil, [.error("payee '\(payeeID)': the payout before and after cannot be compared (\(error))", at: nil)])
        }
        return (WhatIf(before: before, after: after, overrides: overrides, difference: difference,
                       explanation: PayeePreview.explain(before, after, overrides)), [])
    }

    /// The reasons a what-if's payout differs, in words: each KPI set (actual and
    /// attainment), each component, modifier, the cap, the pool.
    static func explain(_ a: PayeeStatement, _ b: PayeeStatement, _ overrides: [ActualOverride]) -> [String] {
        var out: [String] = []
        let set = Set(overrides.map(\.kpi))
        for (k, l) in zip(a.kpis, b.kpis) where k.actual != l.actual || k.attainment != l.attainment || set.contains(k.id) {
            let unit = k.unit
            var s = "\(k.id): actual \(PayeePreview.show(k.actual, unit)) → \(PayeePreview.show(l.actual, unit))"
            if let x = k.attainment, let y = l.attainment, x != y { s += ", attainment \(x.percentString()) → \(y.percentString())" }
            out.append(s)
        }
        for (c, d) in zip(a.components, b.components) where c.amount != d.amount {
            out.append("component \(c.id): score \(c.score.percentString()) → \(d.score.percentString()), amount \(c.amount.grouped) → \(d.amount.grouped) \(a.currency.code)")
        }
        for (m, n) in zip(a.modifiers, b.modifiers) where m.factor != n.factor {
            out.append("modifier \(m.id): factor \(m.factor.shown()) → \(n.factor.shown())")
        }
        if a.clamp != b.clamp { out.append("cap/floor: \(a.clamp.rawValue) → \(b.clamp.rawValue)") }
        if a.beforePool != b.beforePool { out.append("payout before the pool: \(a.beforePool.grouped) → \(b.beforePool.grouped) \(a.currency.code)") }
        if let p = a.pool, let q = b.pool, p.ratio != q.ratio || p.applied != q.applied {
            out.append("the pool: " + PayeePreview.poolWords(p) + " → " + PayeePreview.poolWords(q))
        }
        if out.isEmpty { out.append("no figure of this payee's payout changes") }
        return out
    }

    public static func poolWords(_ p: PayeeStatement.PoolFigure) -> String {
        guard p.applied, let r = p.ratio else { return "does not bind" }
        return "binds, payouts scaled to \(r.percentString())"
    }

    /// A KPI value in its own unit: a percent as a percent.
    public static func show(_ v: FixedDecimal, _ unit: String) -> String {
        unit == "percent" ? v.percentString() : "\(v)"
    }

    /// The payee's payout across one KPI's attainment (`Pipeline.curve`), with the payee's
    /// position today and the pool's ratio as it stands.
    public struct Curve: Sendable {
        public var curve: Pipeline.PayoutCurve
        public var today: PayeeStatement
        public var todayAttainment: FixedDecimal?
    }

    public func curve(_ payeeID: String, kpi: String, from: FixedDecimal, to: FixedDecimal, step: FixedDecimal) -> (Curve?, [Diagnostic]) {
        guard let today = statement(payeeID) else { return (nil, [.error("payee '\(payeeID)' is not in the run", at: nil)]) }
        var r = request
        r.explain = []
        let (c, d) = Pipeline.curve(r, payee: payeeID, kpi: kpi, from: from, to: to, step: step, loadFile: loader)
        guard let c else { return (nil, d.filter { $0.severity == .error }) }
        return (Curve(curve: c, today: today, todayAttainment: today.kpis.first { $0.id == kpi }?.attainment), [])
    }
}

extension Pipeline {
    /// `calculate` with `overrides` in place of the actuals they name (what `whatif`
    /// calculates for its "after"), and the problems with the overrides.
    public static func calculate(_ request: CalculationRequest, overriding overrides: [ActualOverride],
                                 loadFile: @escaping PlanParser.FileLoader) -> (CalculationOutcome, [ScenarioError]) {
        calculate(request, overrides: overrides, loadFile: loadFile)
    }
}
