import AdvocompModel

extension Calculator {
    /// SPEC section 5 step 10: scales payouts down to the pool, exactly, in minor units.
    /// A problem (several currencies, a formula that fails or is below zero, payouts
    /// before the pool adding up beyond the range of exact decimals) goes to `problems`,
    /// located at the plan's `pool:` key.
    func applyPool(_ results: inout [PayeeResult], _ index: RunIndex, _ problems: inout Problems) -> PoolResult? {
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
        do {
            amount = try amount.roundedMoney(places: digits, mode: plan.rounding)
        } catch {
            problems.other.append(.error("the pool of \(amount) rounded to \(digits) decimals is beyond the largest amount advocomp can hold (\(FixedDecimal.largest(places: digits).formatted(places: digits)) \(currency.code))",
                                         at: pool.location))
            return nil
        }
        // Payouts and the pool are rounded to minor units already: their units are exact.
        let P = amount.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale - digits))
        let limit = FixedDecimal.largestUnits(places: digits)
        var total: Int128 = 0
        var units: [Int128] = []
        units.reserveCapacity(members.count)
        for i in members {
            let u = results[i].payout.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale - digits))
            units.append(u)
            total += u
            if total > limit {
                let p = results[i]
                problems.other.append(.totalOverflow("payee \(p.payee.id)'s payout", p.payout, places: digits,
                                                     totals: ["the payouts before the pool"], currency: currency.code, at: pool.location,
                                                     notes: [.init("payee \(p.payee.id) is on this row", at: p.payee.location)]))
                return nil
            }
        }
        let before = FixedDecimal(raw: total * Int128(FixedDecimal.pow10(FixedDecimal.scale - digits)))
        guard total > P else {
            return PoolResult(amount: amount, currency: currency, totalBefore: before, applied: false, ratio: nil, source: source)
        }
        let shares = Calculator.poolShares(units, pool: P, total: total)
        for (n, i) in members.enumerated() {
            results[i].payout = FixedDecimal(raw: shares[n] * Int128(FixedDecimal.pow10(FixedDecimal.scale - digits)))
        }
        // 0 <= amount < before: the ratio is below 1, and cannot fail.
        let ratio: FixedDecimal
        do { ratio = try amount / before } catch {
            problems.other.append(.error("the pool's ratio \(amount) / \(before) cannot be worked out: \(error)", at: pool.location))
            return nil
        }
        return PoolResult(amount: amount, currency: currency, totalBefore: before, applied: true, ratio: ratio, source: source)
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
