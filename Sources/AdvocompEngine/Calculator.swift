import AdvocompModel
import Dispatch

/// Applies a plan to a roster and the period's actuals (SPEC section 5).
///
/// Pure: it reads no files, no clock and no terminal. Problems found while
/// calculating (a missing actual, a division by zero) are all collected and thrown
/// together as `DiagnosticsError`; no partial result is returned.
public struct Calculator {
    public let plan: Plan
    public let period: Period
    let kpiIndex: [String: Int]
    let formulas: [CompiledExpression?]
    let componentFormulas: [CompiledExpression?]
    let conditions: [CompiledExpression?]
    let objectives: [String: Objective]
    let poolFormula: CompiledExpression?
    /// The actuals (rows of other periods are skipped when indexing).
    let actuals: Actuals
    let actualsFile: String
    // Per-KPI facts as plain arrays, so the hot path copies no KPI struct.
    let kpiScope: [KPI.Scope]
    let kpiMissingIsZero: [Bool]
    let kpiLowerIsBetter: [Bool]
    let firstDay: CivilDate
    let lastDay: CivilDate
    let daysInPeriod: Int
    let compiled: CompiledPlan

    public init(plan: Plan, actuals: Actuals, period: Period) throws {
        self.plan = plan
        self.period = period
        var idx: [String: Int] = [:]
        for (i, k) in plan.kpis.enumerated() { idx[k.id] = i }
        kpiIndex = idx
        func compile(_ e: SourceExpression?) throws -> CompiledExpression? {
            guard let e else { return nil }
            do { return try CompiledExpression(e.tree, index: idx) } catch {
                throw DiagnosticsError([.error("expression '\(e.text)' names an unknown KPI", at: e.location)])
            }
        }
        formulas = try plan.kpis.map { try compile($0.formula) }
        componentFormulas = try plan.components.map {
            if case .formula(let e) = $0.kind { return try compile(e) }
            return nil
        }
        conditions = try plan.modifiers.map {
            switch $0.kind {
            case .multiplier(let when, _, _), .gate(let when, _): return try compile(when)
            default: return nil
            }
        }
        objectives = Dictionary(plan.objectives.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        if case .formula(let e)? = plan.pool?.source { poolFormula = try compile(e) } else { poolFormula = nil }
        self.actuals = actuals
        actualsFile = actuals.file
        kpiScope = plan.kpis.map(\.scope)
        kpiMissingIsZero = plan.kpis.map { $0.missing == .zero }
        kpiLowerIsBetter = plan.kpis.map { $0.better == .lower }
        (firstDay, lastDay) = period.dates(fiscalYearStartMonth: plan.fiscalYearStartMonth)
        daysInPeriod = lastDay.dayNumber - firstDay.dayNumber + 1
        compiled = try CompiledPlan(plan, kpiIndex: idx)
    }

    // MARK: Run

    /// Calculates every payee of the roster that is on this plan. `explain` names the
    /// payees whose derivation is traced.
    /// `held` names the payees whose payout the ledger's checks hold (SPEC section 5
    /// step 8): their amount is still computed, their status is `held`.
    public func run(roster: Roster, explain: Set<String> = [], recordFigures: Bool = false,
                    held: Set<String> = []) throws -> RunResult {
        let onPlan = PayeeOrder.sorted(roster.indices(onPlan: plan.id), ids: roster.payees)
        let payees = onPlan.map { roster.payees[$0] }
        let index = RunIndex(plan: plan, rows: actuals.rows, period: period, kpiIndex: kpiIndex, roster: roster, order: onPlan, payees: payees)

        // The payees in contiguous chunks, one per worker (`Parallel`); each has its own
        // buffers and problems, merged in payee order, so the result does not depend on
        // the split. Each worker writes its payees' results in place; a payee whose
        // calculation failed leaves a partial result, never seen because the run then throws.
        let ranges = Parallel.ranges(payees.count, minimumChunk: 2048)
        var problemsByWorker = [Problems](repeating: Problems(), count: ranges.count)
        var results = [PayeeResult](unsafeUninitializedCapacity: payees.count) { buffer, initialized in
            let out = buffer
            problemsByWorker.withUnsafeMutableBufferPointer { problemSlots in
                let slots = problemSlots
                Parallel.forEach(ranges) { w, range in
                    evaluate(payees, range, explain: explain, record: recordFigures, index, into: out, &slots[w])
                }
            }
            initialized = payees.count
        }
        var problems = Problems()
        for p in problemsByWorker { problems.merge(p) }
        if !held.isEmpty {
            for i in results.indices where results[i].status == .ok && held.contains(results[i].payee.id) {
                results[i].status = .held
            }
        }
        let poolResult = applyPool(&results, index, &problems)
        // The totals, once the payouts are final (a failed payee has none to add).
        var totals = RunTotals()
        if problems.isEmpty {
            var names = [String](repeating: "", count: index.units.count)
            for (name, u) in index.units { names[u] = name }
            let (t, overflows) = RunTotals.of(results, unitNumbers: index.payeeUnits, unitNames: names)
            problems.other += overflows
            if let t { totals = t }
        }
        let diagnostics = problems.diagnostics(plan: plan, period: period, actualsFile: actualsFile)
        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
        return RunResult(plan: plan, period: period, firstDay: firstDay, lastDay: lastDay,
                         payees: results, pool: poolResult, totals: totals, warnings: [], actuals: actuals)
    }

    /// Evaluates payees in order with one set of reusable buffers, initialising
    /// `out[i]` for every `i` in `range`.
    func evaluate(_ payees: [Payee], _ range: Range<Int>, explain: Set<String>, record: Bool, _ index: RunIndex,
                  into out: UnsafeMutableBufferPointer<PayeeResult>, _ problems: inout Problems) {
        var state = PayeeState(kpiCount: plan.kpis.count)
        for i in range {
            let p = payees[i]
            state.begin(payee: p, position: i, index: index, trace: !explain.isEmpty && explain.contains(p.id))
            if record { state.figures = emptyFigures }
            var r = evaluate(p, &state, index, &problems)
            if record { r.figures = figures(r, &state, index) }
            (out.baseAddress! + i).initialize(to: r)
        }
    }

    var emptyFigures: PayeeFigures {
        PayeeFigures(kpis: plan.kpis.count, measures: compiled.measureKPI.count, keyResults: compiled.keyResultKPI.count,
                     components: compiled.componentWeights.count, modifiers: compiled.modifierKinds.count)
    }

    /// The payee's figures beside its payout (`PayeeFigures`), once its payout is worked
    /// out: what the payout read, then the rest read leniently (an absent KPI or a
    /// failing formula leaves its figure out; nothing here is an error of the run).
    func figures(_ r: PayeeResult, _ s: inout PayeeState, _ index: RunIndex) -> PayeeFigures {
        let k = plan.kpis.count
        let scored = (0..<k).map { s.cache[$0] != nil && !s.missing[$0] }
        s.lenient = true
        var ignored = Problems()
        if r.status == .ineligible {
            // Its scores and factors, from its real actuals (its amounts stay 0).
            for c in 0..<compiled.componentWeights.count {
                if let score = try? componentScore(c, &s, index, &ignored) { s.figures?[.score, c] = score }
            }
            for m in 0..<compiled.modifierKinds.count {
                if let f = try? modifierFactor(m, &s, index, &ignored, trace: false) { s.figures?[.factor, m] = f.0 }
            }
        } else {
            for (c, score) in r.componentScores.enumerated() { s.figures?[.score, c] = score }
            for (m, f) in r.modifierFactors.enumerated() { s.figures?[.factor, m] = f }
        }
        var f = s.figures ?? emptyFigures
        for i in 0..<k {
            f.setScored(i, r.status != .ineligible && scored[i])
            var local = Problems()
            let value = try? actual(i, &s, index, &local)
            let absent = !local.missing.isEmpty || s.missing[i]
            f[.actual, i] = absent ? nil : value
            f[.target, i] = target(i, s, index)
            // With no actual the attainment is that of 0, as the workbook's formula over a
            // blank cell gives it (an ineligible payee's scores read it so).
            if f[.target, i] != nil { f[.attainment, i] = try? attainment(i, &s, index, &local) }
        }
        s.lenient = false
        return f
    }

    // MARK: One payee

    func evaluate(_ payee: Payee, _ state: inout PayeeState, _ index: RunIndex,
                  _ problems: inout Problems) -> PayeeResult {
        let trace = state.tracing
        let currency = payee.currency ?? plan.currency
        var result = PayeeResult(
            payee: payee, currency: currency, status: .ok, activeDays: activeDays(payee), daysInPeriod: daysInPeriod,
            proration: .zero, annualTargetValue: .zero, targetIncentiveValue: .zero, componentScores: [], componentAmountValues: [],
            modifierFactors: [], grossBeforeClampValue: .zero, grossValue: .zero, clamp: .none, roundedPayoutValue: .zero,
            payoutValue: .zero, trace: trace ? PayeeTrace() : nil, roundedTargetIncentiveValue: .zero)
        do {
            let incentive = try incentive(payee)
            result.proration = incentive.proration
            result.annualTargetValue = incentive.annual
            guard let ti = incentive.ti else {
                result.status = .ineligible
                return result
            }
            result.targetIncentiveValue = ti
            result.roundedTargetIncentiveValue = try result.targetIncentiveValue.roundedMoney(places: currency.minorDigits, mode: plan.rounding)

            let componentCount = compiled.componentWeights.count
            var amounts: [FixedDecimal] = []
            var scores: [FixedDecimal] = []
            amounts.reserveCapacity(componentCount)
            scores.reserveCapacity(componentCount)
            for c in 0..<componentCount {
                let score = try componentScore(c, &state, index, &problems)
                scores.append(score)
                if trace {  // the amounts as they build up, for the trace; `payout` computes them for the result
                    let weight = compiled.componentWeights[c]
                    let amount = try ti * weight * score
                    amounts.append(amount)
                    result.trace?.components.append(state.lastComponent(id: plan.components[c].id, weight: weight, score: score, amount: amount))
                }
            }
            var factors: [FixedDecimal] = []
            factors.reserveCapacity(compiled.modifierKinds.count)
            for m in 0..<compiled.modifierKinds.count {
                let (factor, reason) = try modifierFactor(m, &state, index, &problems, trace: trace)
                factors.append(factor)
                if trace {
                    let row = m * componentCount
                    for c in 0..<componentCount where compiled.applies[row + c] { amounts[c] = try amounts[c] * factor }
                    let modifier = plan.modifiers[m]
                    let targets = (0..<componentCount).filter { compiled.applies[row + $0] }.map { plan.components[$0].id }
                    result.trace?.modifiers.append(.init(id: modifier.id, type: modifier.kind.typeName, reason: reason,
                                                         factor: factor, appliesTo: targets, amountsAfter: amounts))
                }
            }
            let money = try payout(ti: ti, scores: scores, factors: factors, currency: currency)
            result.grossBeforeClampValue = money.grossBeforeClamp
            result.clamp = money.clamp
            result.grossValue = money.gross
            result.roundedPayoutValue = money.rounded
            result.payoutValue = result.roundedPayoutValue
            result.componentScores = scores
            result.componentAmountValues = money.amounts
            result.modifierFactors = factors
            if trace { result.trace?.kpis = state.kpiLines(self, index) }
            return result
        } catch let e as EvaluationFailure {
            problems.failures.append((payee, e))
            return result
        } catch {
            problems.failures.append((payee, EvaluationFailure(what: "the payout", error: error)))
            return result
        }
    }

    /// Days of the period inside the payee's start and end dates (open ends unbounded).
    func activeDays(_ payee: Payee) -> Int {
        let start = max(firstDay.dayNumber, payee.startDate?.dayNumber ?? Int.min)
        let end = min(lastDay.dayNumber, payee.endDate?.dayNumber ?? Int.max)
        return max(0, end - start + 1)
    }

    /// Steps 2 and 3: proration, the annual target and the target incentive (nil: the
    /// payee is ineligible, too few active days).
    func incentive(_ payee: Payee) throws -> (active: Int, proration: FixedDecimal, annual: FixedDecimal, ti: FixedDecimal?) {
        let active = activeDays(payee)
        let proration = try FixedDecimal(active) / FixedDecimal(daysInPeriod)
        var annual = FixedDecimal.zero
        if let b = payee.targetBonus {
            annual = b
        } else if let base = payee.baseSalary, let pct = payee.targetBonusPct {
            annual = try base * pct
        }
        guard active >= plan.minActiveDays else { return (active, proration, annual, nil) }
        // TI = annual * fraction * active / days, with one division at the end.
        return (active, proration, annual, try (annual * FixedDecimal(active)) / FixedDecimal(daysInPeriod * period.periodsPerYear))
    }

    /// Steps 5 to 9 from the component scores and modifier factors: amounts, gross, cap
    /// and floor, rounding. The one place these are computed, for the run and the
    /// simulation alike, so the two cannot disagree by a cent.
    func payout(ti: FixedDecimal, scores: [FixedDecimal], factors: [FixedDecimal], currency: Currency) throws
        -> (amounts: [FixedDecimal], grossBeforeClamp: FixedDecimal, gross: FixedDecimal, clamp: PayeeResult.Clamp, rounded: FixedDecimal) {
        var amounts: [FixedDecimal] = []
        let m = try payout(ti: ti, scores: scores, factors: factors, currency: currency, amounts: &amounts)
        return (amounts, m.grossBeforeClamp, m.gross, m.clamp, m.rounded)
    }

    /// The same, the amounts written to a buffer the caller reuses (the simulation's
    /// ten million payouts allocate nothing).
    func payout(ti: FixedDecimal, scores: [FixedDecimal], factors: [FixedDecimal], currency: Currency, amounts: inout [FixedDecimal]) throws
        -> (grossBeforeClamp: FixedDecimal, gross: FixedDecimal, clamp: PayeeResult.Clamp, rounded: FixedDecimal) {
        let componentCount = scores.count
        amounts.removeAll(keepingCapacity: true)
        for c in 0..<componentCount { amounts.append(try ti * compiled.componentWeights[c] * scores[c]) }
        for m in 0..<factors.count {
            let row = m * componentCount
            for c in 0..<componentCount where compiled.applies[row + c] { amounts[c] = try amounts[c] * factors[m] }
        }
        var gross = FixedDecimal.zero
        for a in amounts { gross = try gross + a }
        let before = gross
        var clamp = PayeeResult.Clamp.none
        // All amounts are >= 0 (SPEC 2.1): a gross below zero (negative attainments
        // without a curve, a formula below zero) pays nothing.
        if gross.isNegative { gross = .zero; clamp = .zero }
        if let cap = plan.cap, gross > (try cap * ti) { gross = try cap * ti; clamp = .cap }
        if let floor = plan.floor, gross < (try floor * ti) { gross = try floor * ti; clamp = .floor }
        return (before, gross, clamp, try gross.roundedMoney(places: currency.minorDigits, mode: plan.rounding))
    }

    func componentScore(_ c: Int, _ s: inout PayeeState, _ index: RunIndex, _ problems: inout Problems) throws -> FixedDecimal {
        var raw = FixedDecimal.zero
        switch compiled.componentKinds[c] {
        case .measures(let range):
            for i in range {
                let att = try attainment(compiled.measureKPI[i], &s, index, &problems)
                let curve = compiled.measureCurve[i]
                // Without a curve the factor is the attainment itself (SPEC step 5), even
                // below zero; only the payee's gross is held at zero (step 7).
                let factor = curve >= 0 ? try compiled.curves[curve].value(at: att) : att
                s.figures?[.measureFactor, i] = factor
                raw = try raw + compiled.measureWeight[i] * factor
                if s.tracing {
                    s.measureLines.append(.init(kpi: plan.kpis[compiled.measureKPI[i]].id, weight: compiled.measureWeight[i],
                                                attainment: att, curve: curve >= 0 ? compiled.curves[curve].name : nil, factor: factor))
                }
            }
        case .okr(let range, let curve):
            var score = FixedDecimal.zero
            for i in range {
                let a = try actual(compiled.keyResultKPI[i], &s, index, &problems)
                let p = try ((try a - compiled.keyResultStart[i]) / compiled.keyResultSpan[i]).clamped(.zero, compiled.keyResultMax[i])
                s.figures?[.keyResultProgress, i] = p
                score = try score + compiled.keyResultWeight[i] * p
                if s.tracing, case .okr(let oid, _) = plan.components[c].kind,
                   let kr = objectives[oid]?.keyResults[i - range.lowerBound] {
                    s.keyResultLines.append(.init(id: kr.id, kpi: kr.kpi, actual: a, start: kr.start, target: kr.target,
                                                  max: kr.max, progress: p, weight: kr.weight))
                }
            }
            s.figures?[.objectiveScore, c] = score
            raw = curve >= 0 ? try compiled.curves[curve].value(at: score) : score
            if s.tracing, case .okr(let oid, _) = plan.components[c].kind {
                s.objective = (oid, score, curve >= 0 ? compiled.curves[curve].name : nil)
            }
        case .formula:
            guard let formula = componentFormulas[c] else { return .zero }
            do {
                raw = try evaluateExpression(formula, &s, index, &problems).number
            } catch let f as EvaluationFailure { throw f } catch {
                var text = ""
                if case .formula(let e) = plan.components[c].kind { text = " ('\(e.text)')" }
                throw EvaluationFailure(what: "the formula of component '\(plan.components[c].id)'\(text)", error: error)
            }
            if s.tracing, case .formula(let e) = plan.components[c].kind { s.formula = e.text }
        }
        let maxScore = compiled.componentMaxScores[c]
        s.figures?[.rawScore, c] = raw
        if s.tracing {
            s.rawScore = raw
            s.maxScore = maxScore
        }
        if let m = maxScore, raw > m { return m }
        return raw
    }

    func modifierFactor(_ m: Int, _ s: inout PayeeState, _ index: RunIndex, _ problems: inout Problems,
                        trace: Bool) throws -> (FixedDecimal, String) {
        switch compiled.modifierKinds[m] {
        case .multiplier(let factor, let otherwise):
            let holds = try condition(m, &s, index, &problems)
            return (holds ? factor : otherwise, trace ? "when \(conditionText(m)): \(holds ? "true" : "false")" : "")
        case .gate(let otherwise):
            let holds = try condition(m, &s, index, &problems)
            return (holds ? .one : otherwise, trace ? "when \(conditionText(m)): \(holds ? "true (gate open)" : "false (gate closed)")" : "")
        case .accelerator(let k, let above, let rate, let maxExtra):
            let att = try attainment(k, &s, index, &problems)
            var extra = try rate * FixedDecimal.max(.zero, try att - above)
            if let cap = maxExtra { extra = FixedDecimal.min(cap, extra) }
            let reason = !trace ? "" : "attainment(\(plan.kpis[k].id)) = \(att.percentString(maxPlaces: 4)), above \(above.percentString(maxPlaces: 4)); extra = min(\(maxExtra.map { $0.description } ?? "none"), \(rate) x max(0, \(att) - \(above))) = \(extra)"
            return (try .one + extra, reason)
        case .table(let k, let onValue, let rows, let otherwise):
            let v = onValue ? try actual(k, &s, index, &problems) : try attainment(k, &s, index, &problems)
            for i in rows where compiled.tableRows[i].matches(v) {
                let row = compiled.tableRows[i]
                if !trace { return (row.factor, "") }
                var bounds: [String] = []
                if let lo = row.atLeast { bounds.append("at_least \(lo)") }
                if let hi = row.atMost { bounds.append("at_most \(hi)") }
                return (row.factor, "\(tableLabel(k, onValue, v)): row \(i - rows.lowerBound + 1) (\(bounds.joined(separator: ", "))) matches")
            }
            return (otherwise, trace ? "\(tableLabel(k, onValue, v)): no row matches, otherwise" : "")
        }
    }

    func tableLabel(_ k: Int, _ onValue: Bool, _ v: FixedDecimal) -> String {
        onValue ? "\(plan.kpis[k].id) = \(v)" : "attainment(\(plan.kpis[k].id)) = \(v.percentString(maxPlaces: 4))"
    }

    func conditionText(_ m: Int) -> String {
        switch plan.modifiers[m].kind {
        case .multiplier(let when, _, _), .gate(let when, _): return when.text
        default: return ""
        }
    }

    func condition(_ m: Int, _ s: inout PayeeState, _ index: RunIndex, _ problems: inout Problems) throws -> Bool {
        guard let c = conditions[m] else { return false }
        do { return try evaluateExpression(c, &s, index, &problems).boolean } catch let f as EvaluationFailure { throw f } catch {
            throw EvaluationFailure(what: "the condition of modifier '\(plan.modifiers[m].id)' ('\(conditionText(m))')", error: error)
        }
    }

    // MARK: KPIs

    /// The KPI's actual for this payee (SPEC section 5 step 1), memoised.
    func actual(_ k: Int, _ s: inout PayeeState, _ index: RunIndex, _ problems: inout Problems) throws -> FixedDecimal {
        if let v = s.cache[k] {
            if s.lenient && s.missing[k] { problems.missing.append(.init(kpi: k, scope: scope(k, s), payee: s.payee?.id)) }
            return v
        }
        var value = FixedDecimal.zero
        if let f = formulas[k] {
            if s.evaluating[k] { throw EvaluationFailure(what: "KPI '\(plan.kpis[k].id)'", error: FormulaCycle(kpi: plan.kpis[k].id)) }
            s.evaluating[k] = true
            do { value = try evaluateExpression(f, &s, index, &problems).number } catch let e as EvaluationFailure { throw e } catch {
                throw EvaluationFailure(what: "the formula of KPI '\(plan.kpis[k].id)' ('\(plan.kpis[k].formula?.text ?? "")')", error: error)
            }
            s.evaluating[k] = false
            if s.tracing { s.sources[k] = "formula \(plan.kpis[k].formula?.text ?? "")" }
        } else {
            let entry: RunIndex.Entry?
            switch kpiScope[k] {
            case .company:
                entry = index.company[k]
            case .unit:
                guard s.hasPayee else { throw EvaluationFailure(what: "KPI '\(plan.kpis[k].id)'", error: ScopeError(kpi: plan.kpis[k].id, scope: .unit)) }
                entry = s.unit >= 0 ? index.unit[s.unit * index.kpiCount + k] : nil
            case .payee:
                guard s.hasPayee else { throw EvaluationFailure(what: "KPI '\(plan.kpis[k].id)'", error: ScopeError(kpi: plan.kpis[k].id, scope: .payee)) }
                let column = index.payeeColumn[k]
                entry = s.position >= 0 && column >= 0 ? index.payee[s.position * index.payeeColumns + column] : nil
            }
            if let e = entry {
                value = e.value
                if s.tracing {
                    s.sources[k] = e.line == 0 ? "the event ledger (\(scope(k, s)))" : "\(actualsFile):\(e.line) (\(scope(k, s)))"
                }
            } else if kpiMissingIsZero[k] {
                if s.tracing { s.sources[k] = "no row at \(scope(k, s)): missing: zero" }
            } else {
                problems.missing.append(.init(kpi: k, scope: scope(k, s), payee: s.payee?.id))
                s.hadMissing = true
                s.missing[k] = true
            }
        }
        s.cache[k] = value
        return value
    }

    /// The scope a KPI is read at for this payee, for messages.
    func scope(_ k: Int, _ s: PayeeState) -> ActualScope {
        switch kpiScope[k] {
        case .company: return .company
        case .unit: return .unit(s.payee?.unit ?? "")
        case .payee: return .payee(s.payee?.id ?? "")
        }
    }

    /// The target for this payee: `targets[unit]` if present, else `target`.
    func target(_ k: Int, _ s: PayeeState, _ index: RunIndex) -> FixedDecimal? {
        s.unit >= 0 ? index.unitTargets[s.unit * index.kpiCount + k] : index.defaultTargets[k]
    }

    func attainment(_ k: Int, _ s: inout PayeeState, _ index: RunIndex, _ problems: inout Problems) throws -> FixedDecimal {
        let a = try actual(k, &s, index, &problems)
        guard let t = target(k, s, index) else {
            throw EvaluationFailure(what: "KPI '\(plan.kpis[k].id)'", error: NoTarget(kpi: plan.kpis[k].id, unit: s.payee?.unit))
        }
        do {
            let ratio = try a / t
            return kpiLowerIsBetter[k] ? try FixedDecimal(2) - ratio : ratio
        } catch {
            throw EvaluationFailure(what: "the attainment of KPI '\(plan.kpis[k].id)'", error: error)
        }
    }

    // MARK: Expressions

    func evaluateExpression(_ e: CompiledExpression, _ s: inout PayeeState, _ index: RunIndex, _ problems: inout Problems) throws -> CompiledExpression.Value {
        switch e {
        case .number(let v): return .number(v)
        case .boolean(let b): return .boolean(b)
        case .actual(let k): return .number(try actual(k, &s, index, &problems))
        case .attainment(let k): return .number(try attainment(k, &s, index, &problems))
        case .target(let k):
            guard let t = target(k, s, index) else {
                throw EvaluationFailure(what: "KPI '\(plan.kpis[k].id)'", error: NoTarget(kpi: plan.kpis[k].id, unit: s.payee?.unit))
            }
            return .number(t)
        case .negate(let x): return .number(try -(evaluateExpression(x, &s, index, &problems).number))
        case .not(let x): return .boolean(!(try evaluateExpression(x, &s, index, &problems).boolean))
        case .round(let x, let places):
            return .number(try evaluateExpression(x, &s, index, &problems).number.rounded(places: places, mode: .halfEven))
        case .binary(let op, let a, let b):
            switch op {
            case .and:
                // Short-circuit, so `b > 0 and a / b > 1` is safe when b is 0.
                guard try evaluateExpression(a, &s, index, &problems).boolean else { return .boolean(false) }
                return .boolean(try evaluateExpression(b, &s, index, &problems).boolean)
            case .or:
                if try evaluateExpression(a, &s, index, &problems).boolean { return .boolean(true) }
                return .boolean(try evaluateExpression(b, &s, index, &problems).boolean)
            default: break
            }
            let l = try evaluateExpression(a, &s, index, &problems)
            let r = try evaluateExpression(b, &s, index, &problems)
            switch op {
            case .plus: return .number(try l.number + r.number)
            case .minus: return .number(try l.number - r.number)
            case .times: return .number(try l.number * r.number)
            case .divide: return .number(try l.number / r.number)
            case .less: return .boolean(l.number < r.number)
            case .lessEqual: return .boolean(l.number <= r.number)
            case .greater: return .boolean(l.number > r.number)
            case .greaterEqual: return .boolean(l.number >= r.number)
            case .equal, .notEqual:
                let same: Bool
                switch (l, r) {
                case (.number(let x), .number(let y)): same = x == y
                case (.boolean(let x), .boolean(let y)): same = x == y
                default: same = false
                }
                return .boolean(op == .equal ? same : !same)
            case .and, .or: return .boolean(false)
            }
        case .call(.if, let args):
            // Only the branch taken is evaluated, so `if(x > 0, y / x, 0)` is safe.
            let holds = try evaluateExpression(args[0], &s, index, &problems).boolean
            return try evaluateExpression(holds ? args[1] : args[2], &s, index, &problems)
        case .call(let f, let args):
            let values = try args.map { try evaluateExpression($0, &s, index, &problems) }
            switch f {
            case .min: return .number(values.map(\.number).min() ?? .zero)
            case .max: return .number(values.map(\.number).max() ?? .zero)
            case .clamp:
                let x = values[0].number, lo = values[1].number, hi = values[2].number
                return .number(FixedDecimal.min(FixedDecimal.max(x, lo), hi))
            case .abs: return .number(values[0].number.magnitude)
            case .if: return values[0].boolean ? values[1] : values[2]
            case .round, .attainment, .target: return .number(.zero)  // compiled to their own cases
            }
        }
    }
}
