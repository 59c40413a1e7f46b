import AdvocompModel
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a simulation draws (the scenario, resolved against the plan by the caller).
public struct SimulationInput: Sendable {
    public struct Draw: Sendable {
        public var kpi: String
        public var distribution: Scenario.Distribution
        /// By unit name.
        public var units: [String: Scenario.Distribution]
        /// Where the scenario gives the draw, and each unit's own (for messages).
        public var location: SourceLocation?
        public var unitLocations: [String: SourceLocation]
        public init(kpi: String, distribution: Scenario.Distribution, units: [String: Scenario.Distribution] = [:],
                    location: SourceLocation? = nil, unitLocations: [String: SourceLocation] = [:]) {
            self.kpi = kpi; self.distribution = distribution; self.units = units
            self.location = location; self.unitLocations = unitLocations
        }
    }
    public var draws: [Draw]
    public var correlations: [(a: String, b: String, rho: FixedDecimal)]
    public init(draws: [Draw], correlations: [(a: String, b: String, rho: FixedDecimal)] = []) {
        self.draws = draws; self.correlations = correlations
    }
}

/// The distribution of a plan's cost over many drawn outcomes.
public struct SimulationResult: Sendable {
    public struct Cost: Sendable {
        public var currency: Currency
        /// Each run's total payout, in minor units, in run order (each within the range
        /// of exact decimals: a run whose total is not stops the simulation).
        public var totals: [Int128]
        public var mean: Money
        public var p5: Money
        public var p50: Money
        public var p95: Money
        public var max: Money
        /// The 90th and 99th percentiles (nearest rank), as p5, p50 and p95.
        public var p90: Money
        public var p99: Money
    }
    public struct Gate: Sendable {
        public var id: String
        /// Closed payee evaluations over all eligible payee evaluations.
        public var closedShare: FixedDecimal
        /// Runs in which it was closed for every eligible payee.
        public var runsClosedForAll: Int
    }
    public struct PayeeLine: Sendable {
        public var payee: Payee
        public var currency: Currency
        public var status: PayeeResult.Status
        /// The expected payout (the mean over the runs, rounded as the plan rounds).
        public var mean: Money
        public var p90: Money
    }
    public var plan: Plan
    public var period: Period
    public var runs: Int
    public var seed: UInt64
    public var costs: [Cost]
    /// Runs in which the pool bound (nil: the plan has no pool).
    public var poolBinds: Int?
    public var gates: [Gate]
    public var payees: [PayeeLine]
}

/// A correlation matrix that is not positive definite (no joint distribution has it).
public struct CorrelationError: Error, Sendable {
    public let kpis: [String]
}

extension Calculator {
    /// Runs the plan `runs` times on drawn KPI actuals (SPEC section 5 each time, on the
    /// compiled plan, by the machine's workers). Each run has its own random stream derived from
    /// `seed` and the run number, so a seed gives the same numbers however the runs are
    /// split. KPIs not drawn keep their actuals.
    ///
    /// A score or factor reading no drawn KPI is worked out once per payee; one reading
    /// drawn company and unit KPIs only, once per unit and run (the payees of a unit read
    /// the same actuals and targets); one reading a payee-scope KPI, per payee and run.
    /// Each payee's amounts, cap, floor and rounding then go through `payout`, the
    /// function `run` uses, so a payout here is the calculation's to the cent.
    public func simulate(roster: Roster, held: Set<String>, input: SimulationInput, runs: Int, seed: UInt64,
                         progress: (@Sendable (Int) -> Void)? = nil) throws -> SimulationResult {
        let onPlan = PayeeOrder.sorted(roster.indices(onPlan: plan.id), ids: roster.payees)
        let payees = onPlan.map { roster.payees[$0] }
        let base = RunIndex(plan: plan, rows: actuals.rows, period: period, kpiIndex: kpiIndex, roster: roster, order: onPlan, payees: payees)
        let n = plan.kpis.count

        // Each payee's target incentive and currency, once.
        var ti: [FixedDecimal?] = [], currencies: [Currency] = []
        var problems = Problems()
        for p in payees {
            currencies.append(p.currency ?? plan.currency)
            do { ti.append(try incentive(p).ti) } catch {
                problems.failures.append((p, EvaluationFailure(what: "the target incentive", error: error)))
                ti.append(nil)
            }
        }
        let currencyList = Array(Set(currencies)).sorted { $0.code < $1.code }
        let currencyOf = currencies.map { c in currencyList.firstIndex(of: c) ?? 0 }

        // Groups: the payees of one unit read the same company and unit actuals and targets.
        var members: [[Int]] = []
        var byUnit: [Int32: Int] = [:]
        for i in payees.indices {
            let u = base.payeeUnits[i]
            if let g = byUnit[u] { members[g].append(i) } else {
                byUnit[u] = members.count; members.append([i])
            }
        }
        // Which scores and factors can change from run to run, and at what level: an item
        // reading no drawn KPI (through formulas too) is worked out once per payee; one
        // reading drawn KPIs of company and unit scope only, once per unit and run; one
        // also reading a payee-scope KPI, per payee and run.
        let drawnKPIs = Set(input.draws.compactMap { kpiIndex[$0.kpi] })
        let levels = SimulationLevels(self, drawn: drawnKPIs)
        // Draw slots: (KPI, instance) -> where its value goes in the index.
        let sampler = try Sampler(plan: plan, kpiIndex: kpiIndex, input: input, index: base, payeeCount: payees.count)

        // A pool needs its payees in the plan currency, as in `run`.
        if let problem = poolCurrencyProblem(Set(payees.indices.filter { ti[$0] != nil }.map { currencies[$0] })) {
            problems.other.append(problem)
        }
        let C = compiled.componentWeights.count, M = compiled.modifierKinds.count
        var constScores = [FixedDecimal](repeating: .zero, count: payees.count * C)
        var constFactors = [FixedDecimal](repeating: .one, count: payees.count * M)
        do {
            var state = PayeeState(kpiCount: n)
            for i in payees.indices where ti[i] != nil {
                state.begin(payee: payees[i], position: i, index: base, trace: false)
                for c in levels.constantScores { constScores[i * C + c] = try componentScore(c, &state, base, &problems) }
                for m in levels.constantFactors { constFactors[i * M + m] = try modifierFactor(m, &state, base, &problems, trace: false).0 }
            }
        } catch let e as EvaluationFailure {
            problems.failures.append((nil, e))
        } catch {
            problems.failures.append((nil, EvaluationFailure(what: "the payout", error: error)))
        }
        if !problems.isEmpty {
            throw DiagnosticsError(problems.diagnostics(plan: plan, period: period, actualsFile: actualsFile))
        }
        let gateModifiers = plan.modifiers.indices.filter { if case .gate = compiled.modifierKinds[$0] { return true }; return false }
        let payeeCount = payees.count
        // Every payout of every run, in minor units: 8 bytes each, for the per-payee P90.
        // A payout beyond Int64 (above 92,233,720,368,547,758.07 at 2 decimals) is kept
        // exactly in its worker's `wide` list, its slot marked `Sampler.wideMark`.
        var payouts = [Int64](repeating: 0, count: runs * payeeCount)
        // The runs in contiguous chunks, one per worker (`Parallel`); each run draws from its
        // own seeded stream, so the numbers do not depend on the split.
        let ranges = Parallel.ranges(runs)
        let workers = max(1, ranges.count)
        var wide = [[(slot: Int, units: Int128)]](repeating: [], count: workers)
        var totals = [Int128](repeating: 0, count: runs * currencyList.count)
        let limits = currencyList.map { FixedDecimal.largestUnits(places: $0.minorDigits) }
        var bound = [Bool](repeating: false, count: runs)
        var gateClosed = [[Int]](repeating: [Int](repeating: 0, count: plan.modifiers.count), count: workers)
        var gateAll = [[Int]](repeating: [Int](repeating: 0, count: plan.modifiers.count), count: workers)
        var problemsByWorker = [Problems](repeating: Problems(), count: workers)
        var failedRun = [Int](repeating: -1, count: workers)
        var done = [Int](repeating: 0, count: workers)
        let eligibleCount = ti.filter { $0 != nil }.count
        if !problems.failures.isEmpty {
            throw DiagnosticsError(problems.diagnostics(plan: plan, period: period, actualsFile: actualsFile))
        }

        payouts.withUnsafeMutableBufferPointer { payoutsOut in
            totals.withUnsafeMutableBufferPointer { totalsOut in
                bound.withUnsafeMutableBufferPointer { boundOut in
                    done.withUnsafeMutableBufferPointer { doneOut in
                        gateClosed.withUnsafeMutableBufferPointer { gc in
                            gateAll.withUnsafeMutableBufferPointer { ga in
                                problemsByWorker.withUnsafeMutableBufferPointer { pw in
                                    failedRun.withUnsafeMutableBufferPointer { fr in
                                      wide.withUnsafeMutableBufferPointer { wideOut in
                                        let (payoutsOut, totalsOut, boundOut, doneOut, gc, ga, pw, fr, wideOut) = (payoutsOut, totalsOut, boundOut, doneOut, gc, ga, pw, fr, wideOut)
                                        Parallel.forEach(ranges) { w, range in
                                            var index = base
                                            var state = PayeeState(kpiCount: n)
                                            var random = Sampler.Stream(seed: 0)
                                            var scores = [FixedDecimal](repeating: .zero, count: compiled.componentWeights.count)
                                            var factors = [FixedDecimal](repeating: .one, count: compiled.modifierKinds.count)
                                            var amounts: [FixedDecimal] = []
                                            var unitScores = [FixedDecimal](repeating: .zero, count: C)
                                            var unitFactors = [FixedDecimal](repeating: .one, count: M)
                                            var units = [Int128](repeating: 0, count: payeeCount)
                                            runLoop: for r in range {
                                                random = Sampler.Stream(seed: Sampler.mix(seed &+ UInt64(r) &* 0x9e37_79b9_7f4a_7c15))
                                                if let bad = sampler.draw(into: &index, &random) {
                                                    pw[w].other.append(sampler.diagnostic(bad, payees: payees, kpis: plan.kpis))
                                                    fr[w] = r
                                                    break runLoop
                                                }
                                                var closedHere = [Int](repeating: 0, count: factors.count)
                                                // Each unit's variable scores and factors, then its payees' (the
                                                // constant ones come from the table), then the money.
                                                for list in members {
                                                    if levels.hasUnitItems {
                                                        let rep = list[0]
                                                        state.begin(payee: payees[rep], position: rep, index: index, trace: false)
                                                        do {
                                                            for c in levels.unitScores { unitScores[c] = try componentScore(c, &state, index, &pw[w]) }
                                                            for m in levels.unitFactors { unitFactors[m] = try modifierFactor(m, &state, index, &pw[w], trace: false).0 }
                                                        } catch let e as EvaluationFailure {
                                                            pw[w].failures.append((payees[rep], e))
                                                        } catch {
                                                            pw[w].failures.append((payees[rep], EvaluationFailure(what: "the payout", error: error)))
                                                        }
                                                    }
                                                    for i in list {
                                                        guard let t = ti[i] else { units[i] = 0; continue }
                                                        for c in 0..<C { scores[c] = constScores[i * C + c] }
                                                        for m in 0..<M { factors[m] = constFactors[i * M + m] }
                                                        for c in levels.unitScores { scores[c] = unitScores[c] }
                                                        for m in levels.unitFactors { factors[m] = unitFactors[m] }
                                                        if levels.hasPayeeItems {
                                                            state.begin(payee: payees[i], position: i, index: index, trace: false)
                                                            do {
                                                                for c in levels.payeeScores { scores[c] = try componentScore(c, &state, index, &pw[w]) }
                                                                for m in levels.payeeFactors { factors[m] = try modifierFactor(m, &state, index, &pw[w], trace: false).0 }
                                                            } catch let e as EvaluationFailure {
                                                                pw[w].failures.append((payees[i], e))
                                                            } catch {
                                                                pw[w].failures.append((payees[i], EvaluationFailure(what: "the payout", error: error)))
                                                            }
                                                        }
                                                        if !pw[w].isEmpty { fr[w] = r; break runLoop }
                                                        do {
                                                            let money = try payout(ti: t, scores: scores, factors: factors, currency: currencies[i], amounts: &amounts)
                                                            units[i] = try money.rounded.units(places: currencies[i].minorDigits)
                                                        } catch {
                                                            pw[w].failures.append((payees[i], EvaluationFailure(what: "the payout", error: error)))
                                                            fr[w] = r
                                                            break runLoop
                                                        }
                                                        for m in gateModifiers where factors[m] != .one { closedHere[m] += 1 }
                                                    }
                                                    if !pw[w].isEmpty { fr[w] = r; break runLoop }
                                                }
                                                var runTotals = [Int128](repeating: 0, count: currencyList.count)
                                                // The pool: payouts of status ok or held, in payee order, by
                                                // the run's own functions (amount, sum, split).
                                                if plan.pool != nil {
                                                    guard let (_, P) = poolAmount(index, &state, &pw[w]) else { fr[w] = r; break runLoop }
                                                    let members = (0..<payeeCount).filter { ti[$0] != nil }
                                                    let memberUnits = members.map { units[$0] }
                                                    guard let total = poolTotal(memberUnits, members.map { payees[$0] }, &pw[w]) else { fr[w] = r; break runLoop }
                                                    if total > P {
                                                        let split = Calculator.poolShares(memberUnits, pool: P, total: total)
                                                        for (k, i) in members.enumerated() { units[i] = split.paid(k) }
                                                        boundOut[r] = true
                                                    }
                                                }
                                                for i in 0..<payeeCount {
                                                    let u = units[i], slot = r * payeeCount + i
                                                    if let small = Int64(exactly: u), small != Sampler.wideMark {
                                                        payoutsOut[slot] = small
                                                    } else {
                                                        payoutsOut[slot] = Sampler.wideMark
                                                        wideOut[w].append((slot, u))
                                                    }
                                                    // The run's total per currency, as `calculate`'s: within
                                                    // the range of exact decimals, or the run stops.
                                                    let c = currencyOf[i]
                                                    runTotals[c] += u
                                                    if runTotals[c] > limits[c] {
                                                        let p = payees[i], cur = currencyList[c]
                                                        pw[w].other.append(.totalOverflow(
                                                            "payee \(p.id)'s payout", Sampler.money(u, cur.minorDigits), places: cur.minorDigits,
                                                            totals: ["the run's payout total in \(cur.code)"], currency: cur.code, at: p.location))
                                                        fr[w] = r
                                                        break runLoop
                                                    }
                                                }
                                                for (c, t) in runTotals.enumerated() { totalsOut[r * currencyList.count + c] = t }
                                                for m in gateModifiers {
                                                    gc[w][m] += closedHere[m]
                                                    if eligibleCount > 0 && closedHere[m] == eligibleCount { ga[w][m] += 1 }
                                                }
                                                doneOut[w] += 1
                                                if w == 0, let progress, (r - range.lowerBound) % 50 == 0 {
                                                    progress(doneOut.reduce(0, +))
                                                }
                                            }
                                        }
                                      }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for (w, r) in failedRun.enumerated() where r >= 0 {
            let d = problemsByWorker[w].diagnostics(plan: plan, period: period, actualsFile: actualsFile)
            throw DiagnosticsError(d.map { Diagnostic($0.severity, "in simulation run \(r + 1): \($0.message)", at: $0.location, notes: $0.notes) })
        }
        progress?(runs)

        // Statistics, exact: sums in minor units, percentiles by nearest rank, means
        // divided and rounded as integers (every value fits: totals were checked).
        func rank<T: BinaryInteger>(_ sorted: [T], _ p: Int) -> T {
            guard !sorted.isEmpty else { return 0 }
            let k = (p * sorted.count + 99) / 100  // ceil(p% of n), at least 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, k - 1))]
        }
        func mean<C: Collection>(_ values: C, _ c: Currency) -> Money where C.Element: BinaryInteger {
            var sum: Int128 = 0
            for v in values { sum += Int128(v) }
            return Sampler.money(Sampler.divide(sum, by: Int128(Swift.max(1, values.count)), plan.rounding), c)
        }
        var costs: [SimulationResult.Cost] = []
        for (c, currency) in currencyList.enumerated() {
            let column = (0..<runs).map { totals[$0 * currencyList.count + c] }
            let sorted = column.sorted()
            costs.append(.init(currency: currency, totals: column, mean: mean(column, currency), p5: Sampler.money(rank(sorted, 5), currency),
                               p50: Sampler.money(rank(sorted, 50), currency), p95: Sampler.money(rank(sorted, 95), currency),
                               max: Sampler.money(sorted.last ?? 0, currency), p90: Sampler.money(rank(sorted, 90), currency),
                               p99: Sampler.money(rank(sorted, 99), currency)))
        }
        let evaluations = eligibleCount * runs
        let gates = try gateModifiers.map { m -> SimulationResult.Gate in
            let closed = gateClosed.reduce(0) { $0 + $1[m] }
            // closed <= evaluations: a share from 0 to 1.
            let share = evaluations > 0 ? try FixedDecimal(closed) / FixedDecimal(evaluations) : .zero
            return .init(id: plan.modifiers[m].id, closedShare: share, runsClosedForAll: gateAll.reduce(0) { $0 + $1[m] })
        }
        var lines: [SimulationResult.PayeeLine] = []
        var column = [Int64](repeating: 0, count: runs)
        // The payouts kept beyond Int64, by slot, and which payees have any.
        var wideUnits: [Int: Int128] = [:]
        var hasWide = [Bool](repeating: false, count: payeeCount)
        for list in wide { for (slot, u) in list { wideUnits[slot] = u; hasWide[slot % payeeCount] = true } }
        for (i, p) in payees.enumerated() {
            let status: PayeeResult.Status = ti[i] == nil ? .ineligible : held.contains(p.id) ? .held : .ok
            if hasWide[i] {
                let exact = (0..<runs).map { r -> Int128 in
                    let v = payouts[r * payeeCount + i]
                    return v == Sampler.wideMark ? wideUnits[r * payeeCount + i] ?? 0 : Int128(v)
                }
                lines.append(.init(payee: p, currency: currencies[i], status: status, mean: mean(exact, currencies[i]),
                                   p90: Sampler.money(rank(exact.sorted(), 90), currencies[i])))
                continue
            }
            for r in 0..<runs { column[r] = payouts[r * payeeCount + i] }
            let sorted = column.sorted()
            lines.append(.init(payee: p, currency: currencies[i], status: status, mean: mean(column, currencies[i]),
                               p90: Sampler.money(rank(sorted, 90), currencies[i])))
        }
        return SimulationResult(plan: plan, period: period, runs: runs, seed: seed, costs: costs,
                                poolBinds: plan.pool == nil ? nil : bound.filter { $0 }.count, gates: gates, payees: lines)
    }
}

/// Which component scores and modifier factors change from run to run, and whether per
/// unit or per payee (see `Calculator.simulate`).
struct SimulationLevels {
    var constantScores: [Int] = [], unitScores: [Int] = [], payeeScores: [Int] = []
    var constantFactors: [Int] = [], unitFactors: [Int] = [], payeeFactors: [Int] = []
    var hasUnitItems: Bool { !unitScores.isEmpty || !unitFactors.isEmpty }
    var hasPayeeItems: Bool { !payeeScores.isEmpty || !payeeFactors.isEmpty }

    init(_ calc: Calculator, drawn: Set<Int>) {
        let plan = calc.plan
        let index = Dictionary(plan.kpis.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Every KPI a KPI reads, itself included, through formulas.
        var closure: [Set<Int>?] = Array(repeating: nil, count: plan.kpis.count)
        func reads(_ k: Int, _ visiting: inout Set<Int>) -> Set<Int> {
            if let c = closure[k] { return c }
            var out: Set<Int> = [k]
            if let f = plan.kpis[k].formula, visiting.insert(k).inserted {
                for id in f.tree.referencedKPIs { if let j = index[id] { out.formUnion(reads(j, &visiting)) } }
            }
            closure[k] = out
            return out
        }
        func all(_ ids: [Int]) -> Set<Int> {
            var out = Set<Int>(), visiting = Set<Int>()
            for k in ids where k >= 0 { out.formUnion(reads(k, &visiting)) }
            return out
        }
        func level(_ used: Set<Int>) -> Int {
            guard !used.isDisjoint(with: drawn) else { return 0 }
            return used.contains { plan.kpis[$0].scope == .payee } ? 2 : 1
        }
        let c = calc.compiled
        for (i, kind) in c.componentKinds.enumerated() {
            var ids: [Int] = []
            switch kind {
            case .measures(let r): ids = r.map { c.measureKPI[$0] }
            case .okr(let r, _): ids = r.map { c.keyResultKPI[$0] }
            case .formula:
                if case .formula(let e) = plan.components[i].kind { ids = e.tree.referencedKPIs.compactMap { index[$0] } }
            }
            switch level(all(ids)) {
            case 0: constantScores.append(i)
            case 1: unitScores.append(i)
            default: payeeScores.append(i)
            }
        }
        for (m, modifier) in plan.modifiers.enumerated() {
            var ids: [Int] = []
            switch modifier.kind {
            case .multiplier(let when, _, _), .gate(let when, _): ids = when.tree.referencedKPIs.compactMap { index[$0] }
            case .accelerator(let k, _, _, _), .table(let k, _, _, _): ids = index[k].map { [$0] } ?? []
            }
            switch level(all(ids)) {
            case 0: constantFactors.append(m)
            case 1: unitFactors.append(m)
            default: payeeFactors.append(m)
            }
        }
    }
}

/// Draws the scenario's KPI actuals into a run index: one correlated normal vector per
/// scope instance (the company, each unit, each payee), mapped to each KPI's distribution.
struct Sampler {
    struct Slot {
        var kpi: Int
        /// Index into the vector of its scope.
        var member: Int
        var law: Law
        /// Where the scenario gives this draw (for messages).
        var location: SourceLocation?

        init(kpi: Int, member: Int, distribution: Scenario.Distribution, location: SourceLocation?) {
            self.kpi = kpi; self.member = member; self.law = Law(distribution); self.location = location
        }
    }

    /// A distribution ready to draw from: its parameters as binary floating point once
    /// (not per draw), or, when it has no spread at all (`fixed`, a normal or lognormal of
    /// sd 0, a uniform or triangular of width 0), its one value as the exact decimal the
    /// scenario gives, which never goes through binary floating point.
    enum Law {
        case exact(FixedDecimal)
        case normal(mean: Double, sd: Double)
        /// exp(mu + sigma z), for the mean and sd of the value itself.
        case lognormal(mu: Double, sigma: Double)
        case uniform(min: Double, span: Double)
        case triangular(min: Double, mode: Double, max: Double)

        init(_ d: Scenario.Distribution) {
            func x(_ v: FixedDecimal) -> Double { Double(v.description) ?? 0 }
            switch d {
            case .fixed(let v): self = .exact(v)
            case .normal(let mean, let sd): self = sd.isZero ? .exact(mean) : .normal(mean: x(mean), sd: x(sd))
            case .lognormal(let mean, let sd):
                if sd.isZero { self = .exact(mean); return }
                let m = x(mean), s = x(sd)
                let sigma2 = log(1 + (s * s) / (m * m))
                self = .lognormal(mu: log(m) - sigma2 / 2, sigma: sigma2.squareRoot())
            case .uniform(let lo, let hi): self = lo == hi ? .exact(lo) : .uniform(min: x(lo), span: x(hi) - x(lo))
            case .triangular(let lo, let mode, let hi):
                self = lo == hi ? .exact(lo) : .triangular(min: x(lo), mode: x(mode), max: x(hi))
            }
        }

        /// The value whose standard-normal score is `z` (not for `exact`).
        func quantile(_ z: Double) -> Double {
            switch self {
            case .exact(let v): return Double(v.description) ?? 0
            case .normal(let mean, let sd): return mean + sd * z
            case .lognormal(let mu, let sigma): return exp(mu + sigma * z)
            case .uniform(let lo, let span):
                let u = 0.5 * erfc(-z / 2.0.squareRoot())
                return lo + span * u
            case .triangular(let a, let c, let b):
                guard b > a else { return a }
                let u = 0.5 * erfc(-z / 2.0.squareRoot()), f = (c - a) / (b - a)
                return u < f ? a + ((b - a) * (c - a) * u).squareRoot() : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
            }
        }
    }
    /// Per scope (0 company, 1 unit, 2 payee): the KPIs drawn, the Cholesky factor of their
    /// correlations (row-major, lower), and the distribution for each instance.
    var companySlots: [Slot] = []
    var unitSlots: [[Slot]] = []      // by unit number
    var payeeSlots: [Slot] = []
    var choleskyCompany: [Double] = [], choleskyUnit: [Double] = [], choleskyPayee: [Double] = []
    var sizeCompany = 0, sizeUnit = 0, sizePayee = 0
    var unitNumbers: [Int] = []
    var payeeCount = 0
    var payeeColumn: [Int] = []
    var payeeColumns = 0
    var kpiCount = 0
    /// Unit number -> name (for messages).
    var unitName: [Int: String] = [:]

    init(plan: Plan, kpiIndex: [String: Int], input: SimulationInput, index: RunIndex, payeeCount: Int) throws {
        kpiCount = plan.kpis.count
        self.payeeCount = payeeCount
        payeeColumn = index.payeeColumn
        payeeColumns = index.payeeColumns
        unitNumbers = Array(Set(index.payeeUnits.map { Int($0) })).sorted()
        let unitName = Dictionary(index.units.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var byScope: [KPI.Scope: [SimulationInput.Draw]] = [:]
        for d in input.draws {
            guard let k = kpiIndex[d.kpi] else { continue }
            byScope[plan.kpis[k].scope, default: []].append(d)
        }
        func cholesky(_ draws: [SimulationInput.Draw]) throws -> [Double] {
            let m = draws.count
            var c = [Double](repeating: 0, count: m * m)
            for i in 0..<m { c[i * m + i] = 1 }
            for corr in input.correlations {
                guard let i = draws.firstIndex(where: { $0.kpi == corr.a }), let j = draws.firstIndex(where: { $0.kpi == corr.b }) else { continue }
                let rho = Double(corr.rho.description) ?? 0
                c[i * m + j] = rho; c[j * m + i] = rho
            }
            var l = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for j in 0...i {
                    var sum = c[i * m + j]
                    for k in 0..<j { sum -= l[i * m + k] * l[j * m + k] }
                    if i == j {
                        guard sum > 1e-12 else { throw CorrelationError(kpis: draws.map(\.kpi)) }
                        l[i * m + i] = sum.squareRoot()
                    } else {
                        l[i * m + j] = sum / l[j * m + j]
                    }
                }
            }
            return l
        }
        let company = byScope[.company] ?? [], unit = byScope[.unit] ?? [], payee = byScope[.payee] ?? []
        choleskyCompany = try cholesky(company); sizeCompany = company.count
        choleskyUnit = try cholesky(unit); sizeUnit = unit.count
        choleskyPayee = try cholesky(payee); sizePayee = payee.count
        companySlots = company.enumerated().compactMap { m, d in
            kpiIndex[d.kpi].map { Slot(kpi: $0, member: m, distribution: d.distribution, location: d.location) }
        }
        payeeSlots = payee.enumerated().compactMap { m, d in
            kpiIndex[d.kpi].map { Slot(kpi: $0, member: m, distribution: d.distribution, location: d.location) }
        }
        unitSlots = Array(repeating: [], count: index.units.count)
        self.unitName = unitName
        for u in unitNumbers {
            let name = unitName[u] ?? ""
            unitSlots[u] = unit.enumerated().compactMap { m, d in
                kpiIndex[d.kpi].map {
                    d.units[name] == nil ? Slot(kpi: $0, member: m, distribution: d.distribution, location: d.location)
                                         : Slot(kpi: $0, member: m, distribution: d.units[name] ?? d.distribution, location: d.unitLocations[name] ?? d.location)
                }
            }
        }
    }

    /// A seeded random stream (xoshiro256**, seeded through splitmix64).
    struct Stream {
        var s: (UInt64, UInt64, UInt64, UInt64)
        init(seed: UInt64) {
            var x = seed
            func next() -> UInt64 { x &+= 0x9e37_79b9_7f4a_7c15; return Sampler.mix(x) }
            s = (next(), next(), next(), next())
        }
        mutating func next() -> UInt64 {
            let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
            let t = s.1 << 17
            s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3; s.2 ^= t
            s.3 = s.3 << 45 | s.3 >> 19
            return result
        }
        /// Uniform in (0, 1): never 0, so its logarithm is finite.
        mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }
        /// Standard normal (Box-Muller).
        mutating func normal() -> Double {
            let u = uniform(), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// One instance's values: correlated normals through each slot's distribution, each
    /// value as an exact decimal (`decimal`). Returns the first slot whose draw is beyond
    /// the range of exact decimals, and the draw.
    static func values(_ slots: [Slot], size: Int, cholesky l: [Double], _ random: inout Stream,
                       into out: inout [FixedDecimal]) -> (slot: Slot, value: Double)? {
        var e = [Double](repeating: 0, count: size)
        for i in 0..<size { e[i] = random.normal() }
        for s in slots {
            let i = s.member
            if case .exact(let v) = s.law { out[i] = v; continue }
            var z = 0.0
            for j in 0...i { z += l[i * size + j] * e[j] }
            let x = s.law.quantile(z)
            guard let v = decimal(x) else { return (s, x) }
            out[i] = v
        }
        return nil
    }

    /// The value whose standard-normal score is `z`.
    static func quantile(_ d: Scenario.Distribution, _ z: Double) -> Double { Law(d).quantile(z) }

    /// A drawn value as an exact decimal: the binary number's exact value, rounded
    /// half-even at the 18th decimal (FixedDecimal's own precision, as every product in
    /// the engine is). nil when it is not finite or beyond FixedDecimal's range.
    static func decimal(_ v: Double) -> FixedDecimal? {
        guard v.isFinite else { return nil }
        // Below 5e-19 in magnitude (subnormals among them) the nearest is 0.
        guard v.magnitude >= 5e-19 else { return .zero }
        // v = m * 2^e exactly, m < 2^53; raw = m * 10^18 * 2^e, m * 10^18 < 2^113.
        let m = UInt128(v.significandBitPattern | (1 << 52))
        let e = Int(v.exponent) - 52
        let p = m * UInt128(FixedDecimal.one.raw)
        var raw: UInt128
        if e >= 0 {
            guard e < p.leadingZeroBitCount else { return nil }
            raw = p << e
        } else {
            let shift = -e
            guard shift < 114 else { return .zero }  // p < 2^113 <= half a unit of the last place kept
            raw = p >> shift
            let rest = p - (raw << shift), half = UInt128(1) << (shift - 1)
            if rest > half || (rest == half && raw & 1 == 1) { raw += 1 }
        }
        guard raw <= UInt128(Int128.max) else { return nil }
        return FixedDecimal(raw: v < 0 ? -Int128(raw) : Int128(raw))
    }

    /// A draw beyond the range of exact decimals: the slot, the instance, the value.
    struct OutOfRange {
        var slot: Slot
        /// The unit number or payee position of a unit or payee draw.
        var unit: Int?
        var payee: Int?
        var value: Double
    }

    /// Puts one run's draws in `index`; the first draw out of range, if any (the run
    /// cannot be calculated then).
    func draw(into index: inout RunIndex, _ random: inout Stream) -> OutOfRange? {
        var out = [FixedDecimal](repeating: .zero, count: Swift.max(sizeCompany, sizeUnit, sizePayee))
        if sizeCompany > 0 {
            if let bad = Sampler.values(companySlots, size: sizeCompany, cholesky: choleskyCompany, &random, into: &out) {
                return OutOfRange(slot: bad.slot, value: bad.value)
            }
            for s in companySlots { index.company[s.kpi] = RunIndex.Entry(value: out[s.member], line: 0) }
        }
        if sizeUnit > 0 {
            for u in unitNumbers {
                if let bad = Sampler.values(unitSlots[u], size: sizeUnit, cholesky: choleskyUnit, &random, into: &out) {
                    return OutOfRange(slot: bad.slot, unit: u, value: bad.value)
                }
                for s in unitSlots[u] { index.unit[u * kpiCount + s.kpi] = RunIndex.Entry(value: out[s.member], line: 0) }
            }
        }
        if sizePayee > 0 {
            for p in 0..<payeeCount {
                if let bad = Sampler.values(payeeSlots, size: sizePayee, cholesky: choleskyPayee, &random, into: &out) {
                    return OutOfRange(slot: bad.slot, payee: p, value: bad.value)
                }
                for s in payeeSlots where payeeColumn[s.kpi] >= 0 {
                    index.payee[p * payeeColumns + payeeColumn[s.kpi]] = RunIndex.Entry(value: out[s.member], line: 0)
                }
            }
        }
        return nil
    }

    /// The error for a draw out of range, located at the scenario's draw.
    func diagnostic(_ bad: OutOfRange, payees: [Payee], kpis: [KPI]) -> Diagnostic {
        var at = "the company"
        if let u = bad.unit { at = "unit '\(unitName[u] ?? "")'" }
        if let p = bad.payee { at = "payee \(payees[p].id)" }
        let value = bad.value.isFinite ? "\(bad.value)" : "a number that is not finite (\(bad.value))"
        return .error("KPI '\(kpis[bad.slot.kpi].id)' was drawn for \(at) as \(value), beyond the range of exact decimals (-\(FixedDecimal(raw: Int128.max)) to \(FixedDecimal(raw: Int128.max))): narrow the distribution",
                      at: bad.slot.location)
    }

    /// Marks a payout slot whose value is kept in a worker's `wide` list.
    static let wideMark = Int64.min

    /// Minor units as money (the caller knows they are in range).
    static func money<T: BinaryInteger>(_ units: T, _ places: Int) -> FixedDecimal {
        FixedDecimal(raw: Int128(units) * Int128(FixedDecimal.pow10(FixedDecimal.scale - places)))
    }

    /// Minor units as money (the units were checked to be within range).
    static func money<T: BinaryInteger>(_ units: T, _ currency: Currency) -> Money {
        Money(money(units, currency.minorDigits), currency)
    }

    /// `a / n` (n > 0) rounded to a whole number with `mode`, exactly.
    static func divide(_ a: Int128, by n: Int128, _ mode: RoundingMode) -> Int128 {
        var q = a / n, r = a % n
        if r < 0 { q -= 1; r += n }  // floor: 0 <= r < n
        switch mode {
        case .halfEven: if 2 * r > n || (2 * r == n && q & 1 != 0) { q += 1 }
        case .halfUp: if 2 * r > n || (2 * r == n && q >= 0) { q += 1 }
        case .down: break
        }
        return q
    }

}
