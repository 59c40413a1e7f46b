import AdvocompEngine
import AdvocompModel
import AdvocompParser

/// A KPI actual set on the command line (`--set`): `KPI=VALUE`, `unit:NAME/KPI=VALUE` or
/// `payee:ID/KPI=VALUE`. Without a scope, the value is set at every instance of the
/// KPI's own scope among the run's payees (the company; each unit; each payee).
public struct ActualOverride: Sendable, Equatable {
    public var scope: ActualScope?
    public var kpi: String
    public var value: FixedDecimal
    /// As typed, for messages.
    public var text: String

    public init(scope: ActualScope?, kpi: String, value: FixedDecimal, text: String) {
        self.scope = scope; self.kpi = kpi; self.value = value; self.text = text
    }

    /// Reads one `--set`; a problem is described in words.
    public static func parse(_ text: String) -> Result<ActualOverride, ScenarioError> {
        guard let eq = text.lastIndex(of: "=") else {
            return .failure(ScenarioError("--set '\(text)' must be KPI=VALUE, unit:NAME/KPI=VALUE or payee:ID/KPI=VALUE"))
        }
        let target = String(text[..<eq]), valueText = String(text[text.index(after: eq)...])
        var scope: ActualScope?
        var kpi = target
        if let slash = target.firstIndex(of: "/") {
            let head = target[..<slash]
            kpi = String(target[target.index(after: slash)...])
            if head.hasPrefix("unit:"), head.count > 5 {
                scope = .unit(String(head.dropFirst(5)))
            } else if head.hasPrefix("payee:"), head.count > 6 {
                scope = .payee(String(head.dropFirst(6)))
            } else {
                return .failure(ScenarioError("--set '\(text)': '\(head)' must be unit:NAME or payee:ID"))
            }
        }
        guard !kpi.isEmpty else { return .failure(ScenarioError("--set '\(text)' names no KPI")) }
        guard case .success(let value) = FixedDecimal.parse(valueText) else {
            return .failure(ScenarioError("--set '\(text)': '\(valueText)' is not a number (such as 42, 0.93 or 105%)"))
        }
        return .success(ActualOverride(scope: scope, kpi: kpi, value: value, text: text))
    }
}

/// A problem with a scenario given on the command line (no file location).
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Pipeline {
    /// What `whatif` gives: the run as it is and with the overrides.
    public struct WhatIf: Sendable {
        public var before: RunResult
        public var after: RunResult
        public var overrides: [ActualOverride]
    }

    /// `calculate` twice: as the inputs are, and with `overrides` in place of the
    /// period's actuals they name. Both on the same engine as `calculate`.
    public static func whatIf(_ request: CalculationRequest, overrides: [ActualOverride],
                              loadFile: @escaping PlanParser.FileLoader) -> (result: WhatIf?, diagnostics: [Diagnostic]) {
        let before = calculate(request, loadFile: loadFile)
        guard let b = before.result else { return (nil, before.diagnostics) }
        let (after, problems) = calculate(request, overrides: overrides, loadFile: loadFile)
        let errors = problems.map { Diagnostic.error($0.message, at: nil) }
        guard errors.isEmpty, let a = after.result else { return (nil, sorted(after.diagnostics) + errors) }
        return (WhatIf(before: b, after: a, overrides: overrides), before.diagnostics)
    }

    /// `calculate` with `overrides` in place of the actuals they name, and their problems.
    static func calculate(_ request: CalculationRequest, overrides: [ActualOverride],
                          loadFile: @escaping PlanParser.FileLoader) -> (CalculationOutcome, [ScenarioError]) {
        var problems: [ScenarioError] = []
        let outcome = calculate(request, loadFile: loadFile, planFor: { $0 }, adjust: { actuals, plan, roster, period in
            problems = apply(overrides, to: &actuals, plan: plan, roster: roster, period: period)
        })
        return (outcome, problems)
    }

    /// Puts `overrides` in the period's actuals: each replaces the rows of its KPI and
    /// scope (added when there is none). Returns the problems: an unknown KPI, unit or
    /// payee, a KPI computed by a formula, a scope that is not the KPI's.
    static func apply(_ overrides: [ActualOverride], to actuals: inout Actuals, plan: Plan, roster: Roster, period: Period) -> [ScenarioError] {
        var problems: [ScenarioError] = []
        let payees = roster.indices(onPlan: plan.id).map { roster.payees[$0] }
        let units = Set(payees.map(\.unit)).sorted(), ids = payees.map(\.id)
        var rows = actuals.rows
        for o in overrides {
            guard let kpi = plan.kpi(o.kpi) else {
                problems.append(ScenarioError("--set '\(o.text)': the plan has no KPI '\(o.kpi)'" + Suggest.didYouMean(o.kpi, in: plan.kpis.map(\.id))))
                continue
            }
            if kpi.formula != nil {
                problems.append(ScenarioError("--set '\(o.text)': KPI '\(o.kpi)' is computed by its formula; set the KPIs the formula reads"))
                continue
            }
            // A percent KPI given as a bare number of 2 or more was meant as a percentage
            // (95 for 95%): taken literally it would be 9,500%. Say so rather than guess.
            if kpi.unit == "percent", !o.text.hasSuffix("%"), o.value >= FixedDecimal(2) {
                let typed = o.text.split(separator: "=").last.map(String.init) ?? "\(o.value)"
                problems.append(ScenarioError("--set '\(o.text)': KPI '\(o.kpi)' is a percent, so \(typed) would be \(o.value.percentString()); write \(typed)% (or \(FixedDecimal(raw: o.value.raw / 100)))"))
                continue
            }
            let scopes: [ActualScope]
            switch (o.scope, kpi.scope) {
            case (nil, .company): scopes = [.company]
            case (nil, .unit): scopes = units.map { .unit($0) }
            case (nil, .payee): scopes = ids.map { .payee($0) }
            case (.unit(let u)?, .unit):
                guard units.contains(u) else {
                    problems.append(ScenarioError("--set '\(o.text)': no payee of the plan is in unit '\(u)'" + Suggest.didYouMean(u, in: units)))
                    continue
                }
                scopes = [.unit(u)]
            case (.payee(let p)?, .payee):
                guard ids.contains(p) else {
                    problems.append(ScenarioError("--set '\(o.text)': '\(p)' is not a payee of plan '\(plan.id)'" + Suggest.didYouMean(p, in: ids)))
                    continue
                }
                scopes = [.payee(p)]
            case (let given?, let own):
                problems.append(ScenarioError("--set '\(o.text)': KPI '\(o.kpi)' has \(own.rawValue) scope, so it cannot be set for \(given)"
                                              + (own == .company ? "; write \(o.kpi)=VALUE" : "")))
                continue
            }
            let replaced = Set(scopes)
            rows.removeAll { $0.period == period && $0.kpi == o.kpi && replaced.contains($0.scope) }
            for s in scopes { rows.append(ActualRow(period: period, scope: s, kpi: o.kpi, value: o.value, line: 0)) }
        }
        actuals.rows = rows
        return problems
    }

    /// One point of a payout curve.
    public struct CurvePoint: Sendable {
        public var attainment: FixedDecimal
        public var actual: FixedDecimal
        /// Before the pool: the payee's own payout at that attainment.
        public var payout: Money
        public var status: PayeeResult.Status
    }

    /// What `curve` gives: the payee, the KPI, its target for the payee, and the payout at
    /// each attainment from `from` to `to` (inclusive) by `step`.
    public struct PayoutCurve: Sendable {
        public var run: RunResult
        public var payee: PayeeResult
        public var kpi: KPI
        public var target: FixedDecimal
        public var points: [CurvePoint]
    }

    /// The payee's payout across one KPI's attainment, everything else held: the KPI's
    /// actual at the payee's scope is set to the attainment's actual (`target x a`, or
    /// `target x (2 - a)` when lower is better) and the run is calculated again. The
    /// payout is before the pool: the curve is the payee's own.
    public static func curve(_ request: CalculationRequest, payee id: String, kpi kpiID: String,
                             from: FixedDecimal, to: FixedDecimal, step: FixedDecimal,
                             loadFile: @escaping PlanParser.FileLoader) -> (result: PayoutCurve?, diagnostics: [Diagnostic]) {
        guard step > .zero, from <= to else {
            return (nil, [.error("--step must be above 0 and --from at most --to", at: nil)])
        }
        let base = calculate(request, loadFile: loadFile)
        guard let run = base.result else { return (nil, base.diagnostics) }
        func fail(_ m: String) -> (PayoutCurve?, [Diagnostic]) { (nil, base.diagnostics + [.error(m, at: nil)]) }
        guard let payee = run.payees.first(where: { $0.payee.id == id }) else {
            return fail("payee '\(id)' is not on plan '\(run.plan.id)'" + Suggest.didYouMean(id, in: run.payees.map(\.payee.id)))
        }
        guard let kpi = run.plan.kpi(kpiID) else {
            return fail("the plan has no KPI '\(kpiID)'" + Suggest.didYouMean(kpiID, in: run.plan.kpis.map(\.id)))
        }
        guard kpi.formula == nil else { return fail("KPI '\(kpiID)' is computed by its formula; draw the curve of a KPI it reads") }
        guard let target = kpi.targets[payee.payee.unit] ?? kpi.target else {
            return fail("KPI '\(kpiID)' has no target, so it has no attainment")
        }
        let scope: ActualScope? = kpi.scope == .company ? nil : kpi.scope == .unit ? .unit(payee.payee.unit) : .payee(id)
        var points: [CurvePoint] = []
        var a = from
        var count = 0
        while a <= to {
            count += 1
            if count > 1_000 { return fail("--from, --to and --step give more than 1,000 points") }
            guard let actual = try? (kpi.better == .lower ? (FixedDecimal(2) - a) * target : a * target) else {
                return fail("attainment \(a.percentString()) of \(kpiID) gives an actual beyond the range of exact decimals")
            }
            let o = ActualOverride(scope: scope, kpi: kpiID, value: actual, text: "\(kpiID) at \(a.percentString())")
            let (outcome, problems) = calculate(request, overrides: [o], loadFile: loadFile)
            guard problems.isEmpty, let r = outcome.result, let p = r.payees.first(where: { $0.payee.id == id }) else {
                return (nil, outcome.diagnostics + problems.map { .error($0.message, at: nil) })
            }
            points.append(CurvePoint(attainment: a, actual: actual, payout: p.roundedPayout, status: p.status))
            guard let next = try? a + step else { break }
            a = next
        }
        return (PayoutCurve(run: run, payee: payee, kpi: kpi, target: target, points: points), base.diagnostics)
    }
}

extension Pipeline {
    /// Two plans calculated on the same roster, actuals, events and period.
    public static func compare(_ request: CalculationRequest, planB: InputFile,
                               loadFile: @escaping PlanParser.FileLoader) -> (result: PlanComparison?, diagnostics: [Diagnostic]) {
        let a = calculate(request, loadFile: loadFile)
        var other = request
        other.plan = planB
        let b = calculate(other, loadFile: loadFile)
        return comparison(a, b)
    }

    /// The comparison of two calculations, with their diagnostics (the shared inputs'
    /// problems once); `relabel` may change B before it is compared (its plan's id).
    static func comparison(_ a: CalculationOutcome, _ b: CalculationOutcome,
                           relabel: (inout RunResult) -> Void = { _ in }) -> (result: PlanComparison?, diagnostics: [Diagnostic]) {
        let seen = Set(a.diagnostics.map(\.description))
        let all = sorted(a.diagnostics + b.diagnostics.filter { !seen.contains($0.description) })
        guard let ra = a.result, var rb = b.result else { return (nil, all) }
        relabel(&rb)
        do {
            return (try PlanComparison(a: ra, b: rb), all)
        } catch let e as DiagnosticsError {
            return (nil, sorted(all + e.diagnostics))
        } catch {
            return (nil, all + [.error("\(error)", at: nil)])
        }
    }
}

extension Pipeline {
    /// `simulate`: the scenario file read and checked against the plan and roster (every
    /// problem located in it), then `runs` drawn runs on the compiled plan.
    public static func simulate(_ request: CalculationRequest, scenario file: InputFile, runs: Int, seed: UInt64,
                                loadFile: @escaping PlanParser.FileLoader,
                                progress: (@Sendable (Int) -> Void)? = nil) -> (result: SimulationResult?, diagnostics: [Diagnostic]) {
        let (scenario, scenarioDiagnostics) = ScenarioParser.parse(bytes: file.bytes, file: file.path)
        var diagnostics = scenarioDiagnostics
        let (prepared, prepDiagnostics, _) = prepare(request, loadFile: loadFile)
        diagnostics += prepDiagnostics
        guard let p = prepared, let scenario, !diagnostics.hasErrors else { return (nil, sorted(diagnostics)) }
        diagnostics += check(scenario, plan: p.plan, roster: p.roster)
        guard !diagnostics.hasErrors else { return (nil, sorted(diagnostics)) }
        let input = SimulationInput(draws: scenario.kpis.map { .init(kpi: $0.kpi, distribution: $0.distribution, units: $0.units,
                                                                     location: $0.location, unitLocations: $0.unitLocations) },
                                    correlations: scenario.correlations.map { ($0.a, $0.b, $0.rho) })
        do {
            let calculator = try Calculator(plan: p.plan, actuals: p.actuals, period: p.period)
            let result = try calculator.simulate(roster: p.roster, held: p.ledger?.held ?? [], input: input, runs: runs, seed: seed, progress: progress)
            return (result, sorted(diagnostics))
        } catch let e as CorrelationError {
            let at = scenario.correlations.first { e.kpis.contains($0.a) }?.location ?? SourceLocation(file: file.path, line: 1, column: 1)
            return (nil, sorted(diagnostics + [.error("the correlations of \(e.kpis.joined(separator: ", ")) are not consistent (the matrix is not positive definite): no joint distribution has them", at: at)]))
        } catch let e as DiagnosticsError {
            return (nil, sorted(diagnostics + e.diagnostics))
        } catch {
            return (nil, sorted(diagnostics + [.error("\(error)", at: nil)]))
        }
    }

    /// The scenario against the plan and roster: its KPIs exist and are not computed by a
    /// formula, its units have payees, `units:` is on unit-scope KPIs only, correlated KPIs
    /// are both drawn and share a scope, and no KPI or pair is given twice.
    static func check(_ s: Scenario, plan: Plan, roster: Roster) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let units = Set(roster.indices(onPlan: plan.id).map { roster.payees[$0].unit }).sorted()
        var seen = Set<String>()
        for d in s.kpis {
            guard let kpi = plan.kpi(d.kpi) else {
                out.append(.error("the plan has no KPI '\(d.kpi)'" + Suggest.didYouMean(d.kpi, in: plan.kpis.map(\.id)), at: d.location))
                continue
            }
            if !seen.insert(d.kpi).inserted { out.append(.error("KPI '\(d.kpi)' is given twice", at: d.location)) }
            if kpi.formula != nil {
                out.append(.error("KPI '\(d.kpi)' is computed by its formula; draw the KPIs it reads", at: d.location))
            }
            if !d.units.isEmpty && kpi.scope != .unit {
                out.append(.error("KPI '\(d.kpi)' has \(kpi.scope.rawValue) scope: 'units' is for unit-scope KPIs", at: d.location))
            }
            for (u, at) in d.unitLocations.sorted(by: { $0.value.line < $1.value.line }) where !units.contains(u) {
                out.append(.error("no payee of plan '\(plan.id)' is in unit '\(u)'" + Suggest.didYouMean(u, in: units), at: at))
            }
        }
        var pairs = Set<String>()
        for c in s.correlations {
            for k in [c.a, c.b] where !s.kpis.contains(where: { $0.kpi == k }) {
                out.append(.error("the correlation names KPI '\(k)', which the scenario does not draw", at: c.location))
            }
            if let a = plan.kpi(c.a), let b = plan.kpi(c.b), a.scope != b.scope {
                out.append(.error("KPIs '\(c.a)' (\(a.scope.rawValue) scope) and '\(c.b)' (\(b.scope.rawValue) scope) cannot be correlated: correlations link KPIs of one scope", at: c.location))
            }
            if !pairs.insert([c.a, c.b].sorted().joined(separator: "\u{0}")).inserted {
                out.append(.error("the correlation of \(c.a) and \(c.b) is given twice", at: c.location))
            }
        }
        return out
    }
}
