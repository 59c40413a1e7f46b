import AdvocompModel

extension Calculator {
    /// SPEC section 5 step 10: scales payouts down to the pool, exactly, in minor units.
    /// A problem (several currencies, a formula that fails or is below zero, payouts
    /// before the pool adding up beyond the range of exact decimals) goes to `problems`,
    /// located at the plan's `pool:` key.
    func applyPool(_ results: inout [PayeeResult], _ index: RunIndex, _ problems: inout Problems) -> PoolResult? {
        guard let pool = plan.pool else { return nil }
        let members = results.indices.filter { results[$0].status == .ok || results[$0].status == .held }
        if let problem = poolCurrencyProblem(Set(members.map { results[$0].currency })) {
            problems.other.append(problem)
            return nil
        }
        let currency = plan.currency
        let digits = currency.minorDigits
        var state = PayeeState(kpiCount: plan.kpis.count)
        guard let (amount, P) = poolAmount(index, &state, &problems) else { return nil }
        var source: String
        switch pool.source {
        case .amount(let a): source = "amount \(a)"
        case .formula(let e): source = "formula \(e.text) = \(amount)"
        }
        // Payouts and the pool are rounded to minor units already: their units are exact.
        let scale = Int128(FixedDecimal.pow10(FixedDecimal.scale - digits))
        let units = members.map { results[$0].payoutValue.raw / scale }
        guard let total = poolTotal(units, members.map { results[$0].payee }, &problems) else { return nil }
        let before = FixedDecimal(raw: total * scale)
        guard total > P else {
            return PoolResult(amountValue: amount, currency: currency, totalBeforeValue: before, applied: false, ratio: nil, source: source)
        }
        var split = Calculator.poolShares(units, pool: P, total: total)
        split.members = members
        for (n, i) in members.enumerated() { results[i].payoutValue = FixedDecimal(raw: split.paid(n) * scale) }
        // 0 <= amount < before: the ratio is below 1, and cannot fail.
        let ratio: FixedDecimal
        do { ratio = try amount / before } catch {
            problems.other.append(.error("the pool's ratio \(amount) / \(before) cannot be worked out: \(error)", at: pool.location))
            return nil
        }
        return PoolResult(amountValue: amount, currency: currency, totalBeforeValue: before, applied: true, ratio: ratio, source: source, split: split)
    }

    /// The pool's payees must all be paid in the plan's currency (SPEC section 5 step 10).
    /// Shared by the run and the simulation.
    func poolCurrencyProblem(_ currencies: Set<Currency>) -> Diagnostic? {
        guard let pool = plan.pool else { return nil }
        if currencies.count > 1 {
            let list = currencies.map(\.code).sorted().joined(separator: ", ")
            return .error("the plan has a pool, but its payees are paid in several currencies (\(list)); a pool needs one currency", at: pool.location)
        }
        if let c = currencies.first, c != plan.currency {
            return .error("the pool is in the plan currency \(plan.currency.code), but its payees are paid in \(c.code)", at: pool.location)
        }
        return nil
    }

    /// The pool's amount (a formula at company scope, rounded as payouts are) and its minor
    /// units; nil when it cannot be worked out, the reason in `problems`. Shared by the run
    /// and the simulation (which calls it once per run, on that run's actuals).
    func poolAmount(_ index: RunIndex, _ state: inout PayeeState, _ problems: inout Problems) -> (FixedDecimal, Int128)? {
        guard let pool = plan.pool else { return nil }
        let digits = plan.currency.minorDigits
        var amount: FixedDecimal
        switch pool.source {
        case .amount(let a):
            amount = a
        case .formula(let e):
            guard let compiled = poolFormula else { return nil }
            state.begin(payee: nil, position: -1, index: index, trace: false)
            do {
                amount = try evaluateExpression(compiled, &state, index, &problems).number
            } catch let f as EvaluationFailure {
                problems.failures.append((nil, f)); return nil
            } catch {
                problems.failures.append((nil, EvaluationFailure(what: "the pool formula ('\(e.text)')", error: error))); return nil
            }
            if state.hadMissing { return nil }
            if amount.isNegative {
                problems.other.append(.error("the pool formula '\(e.text)' gives \(amount), below zero", at: e.location))
                return nil
            }
        }
        do {
            amount = try amount.roundedMoney(places: digits, mode: plan.rounding)
        } catch {
            problems.other.append(.error("the pool of \(amount) rounded to \(digits) decimals is beyond the largest amount advocomp can hold (\(FixedDecimal.largest(places: digits).formatted(places: digits)) \(plan.currency.code))",
                                         at: pool.location))
            return nil
        }
        return (amount, amount.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale - digits)))
    }

    /// The members' payouts before the pool added up in minor units, or nil (an error in
    /// `problems`) when the sum passes the range of exact decimals. Shared by the run and
    /// the simulation.
    func poolTotal(_ units: [Int128], _ payees: [Payee], _ problems: inout Problems) -> Int128? {
        guard let pool = plan.pool else { return nil }
        let currency = plan.currency, digits = currency.minorDigits
        let limit = FixedDecimal.largestUnits(places: digits)
        var total: Int128 = 0
        for (n, u) in units.enumerated() {
            total += u
            if total > limit {
                let p = payees[n]
                // (u came from a payout's raw value divided by the scale: multiplying back cannot overflow.)
                let payout = FixedDecimal(raw: u * Int128(FixedDecimal.pow10(FixedDecimal.scale - digits)))
                problems.other.append(.totalOverflow("payee \(p.id)'s payout", payout, places: digits,
                                                     totals: ["the payouts before the pool"], currency: currency.code, at: pool.location,
                                                     notes: [.init("payee \(p.id) is on this row", at: p.location)]))
                return nil
            }
        }
        return total
    }
}

extension Calculator {
    /// Each payout's share of a binding pool `P` (all in minor units; `total` > `P` is
    /// their sum): `payout * P / total`, floored; the units still missing go one each to
    /// the largest remainders (ties: the order given, payee_id ascending). Shared by the
    /// run and the simulation.
    static func poolShares(_ units: [Int128], pool P: Int128, total: Int128) -> PoolSplit {
        var shares: [Int128] = []
        var remainders: [(rem: Int128, order: Int)] = []
        shares.reserveCapacity(units.count)
        remainders.reserveCapacity(units.count)
        var assigned: Int128 = 0
        for (n, u) in units.enumerated() {
            let (q, r) = WideInteger.mulDiv(u, P, total)
            shares.append(q)
            remainders.append((r, n))
            assigned += q
        }
        // Each remainder as a fraction of a unit (r / total), exact to 18 places.
        // (r < total, so the fraction is below 1.)
        let fractions = remainders.map { FixedDecimal(raw: WideInteger.mulDiv($0.rem, Int128(FixedDecimal.pow10(FixedDecimal.scale)), total).0) }
        var extra = [Bool](repeating: false, count: units.count)
        var leftover = P - assigned
        remainders.sort { $0.rem != $1.rem ? $0.rem > $1.rem : $0.order < $1.order }
        var k = 0
        while leftover > 0 && k < remainders.count {
            shares[remainders[k].order] += 1
            extra[remainders[k].order] = true
            leftover -= 1
            k += 1
        }
        let floored = zip(shares, extra).map { $1 ? $0 - 1 : $0 }
        return PoolSplit(members: [], units: units, shares: floored, remainders: fractions, extraUnit: extra, poolUnits: P, totalUnits: total)
    }
}

/// Exact integer helpers for the pool.
enum WideInteger {
    /// (a * b) / c and the remainder, for non-negative a, b and positive c, with a * b
    /// allowed to exceed 128 bits.
    static func mulDiv(_ a: Int128, _ b: Int128, _ c: Int128) -> (Int128, Int128) {
        let (hi, lo) = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let (q, r) = c.magnitude.dividingFullWidth((high: hi, low: lo))
        return (Int128(q), Int128(r))
    }
}
