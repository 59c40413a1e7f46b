import AdvocompModel

extension Calculator {
    /// SPEC section 5 step 10: scales payouts down to the pool, exactly, in minor units.
    func applyPool(_ results: inout [PayeeResult], _ index: RunIndex, _ problems: inout Problems) throws -> PoolResult? {
        guard let pool = plan.pool else { return nil }
        let members = results.indices.filter { results[$0].status == .ok || results[$0].status == .held }
        let currencies = Set(members.map { results[$0].currency })
        if currencies.count > 1 {
            let list = currencies.map(\.code).sorted().joined(separator: ", ")
            problems.other.append(.error("the plan has a pool, but its payees are paid in several currencies (\(list)); a pool needs one currency",
                                         at: pool.location))
            return nil
        }
        let currency = currencies.first ?? plan.currency
        if currency != plan.currency {
            problems.other.append(.error("the pool is in the plan currency \(plan.currency.code), but its payees are paid in \(currency.code)",
                                         at: pool.location))
            return nil
        }
        let digits = currency.minorDigits
        var amount: FixedDecimal
        var source: String
        switch pool.source {
        case .amount(let a):
            amount = a
            source = "amount \(a)"
        case .formula(let e):
            guard let compiled = poolFormula else { return nil }
            var state = PayeeState(kpiCount: plan.kpis.count)
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
            source = "formula \(e.text) = \(amount)"
        }
        amount = try amount.roundedMoney(places: digits, mode: plan.rounding)
        let P = try amount.units(places: digits)
        var total: Int128 = 0
        var units: [Int128] = []
        for i in members {
            let u = try results[i].payout.units(places: digits)
            units.append(u)
            total += u
        }
        let before = try FixedDecimal(units: total, places: digits)
        guard total > P else {
            return PoolResult(amount: amount, currency: currency, totalBefore: before, applied: false, ratio: nil, source: source)
        }
        let shares = Calculator.poolShares(units, pool: P, total: total)
        for (n, i) in members.enumerated() {
            results[i].payout = try FixedDecimal(units: shares[n], places: digits)
        }
        return PoolResult(amount: amount, currency: currency, totalBefore: before, applied: true,
                          ratio: try amount / before, source: source)
    }
}

extension Calculator {
    /// Each payout's share of a binding pool `P` (all in minor units; `total` > `P` is
    /// their sum): `payout * P / total`, floored; the units still missing go one each to
    /// the largest remainders (ties: the order given, payee_id ascending). Shared by the
    /// run and the simulation.
    static func poolShares(_ units: [Int128], pool P: Int128, total: Int128) -> [Int128] {
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
        var leftover = P - assigned
        remainders.sort { $0.rem != $1.rem ? $0.rem > $1.rem : $0.order < $1.order }
        var k = 0
        while leftover > 0 && k < remainders.count {
            shares[remainders[k].order] += 1
            leftover -= 1
            k += 1
        }
        return shares
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
