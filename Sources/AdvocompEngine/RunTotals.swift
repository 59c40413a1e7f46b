import AdvocompModel

/// The totals of a run: by currency, by status and currency, by unit and currency (count,
/// target incentive, payout). Computed once, where the run is calculated, so no report
/// adds payouts itself; amounts are never added across currencies. A total that would
/// pass `FixedDecimal`'s range is an error located at the roster row of the payee whose
/// amount took it there, and the run stops (README, "Numbers").
public struct RunTotals: Sendable {
    public struct Sum: Sendable, Equatable {
        public var payees = 0
        /// The target incentives as rounded to the currency (SPEC section 7), as every
        /// report shows them.
        var targetIncentive = FixedDecimal.zero
        /// The target incentives unrounded: what the workbook's formulas add up.
        var exactTargetIncentive = FixedDecimal.zero
        var payout = FixedDecimal.zero
        public init() {}

        /// This sum with one more payee, or nil when a figure would leave the range.
        @inline(__always)
        func adding(_ payout: FixedDecimal, _ ti: FixedDecimal, _ exactTI: FixedDecimal) -> Sum? {
            let (payout, o1) = self.payout.raw.addingReportingOverflow(payout.raw)
            let (ti, o2) = targetIncentive.raw.addingReportingOverflow(ti.raw)
            let (exact, o3) = exactTargetIncentive.raw.addingReportingOverflow(exactTI.raw)
            if o1 || o2 || o3 { return nil }
            var s = self
            s.payees += 1
            s.payout = FixedDecimal(raw: payout)
            s.targetIncentive = FixedDecimal(raw: ti)
            s.exactTargetIncentive = FixedDecimal(raw: exact)
            return s
        }
    }
    public struct CurrencySum: Sendable, MoneySum {
        public var currency: Currency
        public var sum: Sum
    }
    public struct StatusSum: Sendable, MoneySum {
        public var status: PayeeResult.Status
        public var currency: Currency
        public var sum: Sum
    }
    public struct UnitSum: Sendable, MoneySum {
        public var unit: String
        public var currency: Currency
        public var sum: Sum
    }

    /// By currency code.
    public var byCurrency: [CurrencySum] = []
    /// By status (ok, ineligible, held), then currency code.
    public var byStatus: [StatusSum] = []
    /// By unit, then currency code.
    public var byUnit: [UnitSum] = []

    /// How many payees have each status, in the order ok, ineligible, held; statuses no
    /// payee has are left out.
    public var statusCounts: [(status: PayeeResult.Status, payees: Int)] {
        PayeeResult.Status.allCases.compactMap { s in
            let n = byStatus.reduce(0) { $0 + ($1.status == s ? $1.sum.payees : 0) }
            return n > 0 ? (s, n) : nil
        }
    }

    public init() {}

    /// The totals of `payees` (a run's, in run order), or the errors of the totals that
    /// would pass the range of exact decimals.
    public static func of(_ payees: [PayeeResult]) -> (RunTotals?, [Diagnostic]) {
        payees.withUnsafeBufferPointer { buf in
            var units: [String: Int32] = [:]
            var names: [String] = []
            var numbers = [Int32](repeating: 0, count: buf.count)
            var last = Int32(-1)
            for i in buf.indices {
                if last >= 0 && buf[i].payee.unit == names[Int(last)] { numbers[i] = last; continue }
                let unit = buf[i].payee.unit
                if let u = units[unit] { last = u } else {
                    last = Int32(names.count)
                    units[unit] = last
                    names.append(unit)
                }
                numbers[i] = last
            }
            return of(buf, unitNumbers: numbers, unitNames: names)
        }
    }

    /// The same, with each payee's unit number (`unitNumbers[i]` for `payees[i]`, an index
    /// into `unitNames`), as the run index has them.
    static func of(_ payees: [PayeeResult], unitNumbers: [Int32], unitNames: [String]) -> (RunTotals?, [Diagnostic]) {
        // Payees are read in place (a copy of a result retains its arrays and payee).
        payees.withUnsafeBufferPointer { of($0, unitNumbers: unitNumbers, unitNames: unitNames) }
    }

    static func of(_ payees: UnsafeBufferPointer<PayeeResult>, unitNumbers: [Int32], unitNames: [String]) -> (RunTotals?, [Diagnostic]) {
        // Each payee's currency as a number, in order of first appearance, then sorted.
        var seen: [Currency] = []
        var currencyOf = [Int](repeating: 0, count: payees.count)
        var lastCurrency = -1
        for i in payees.indices {
            if lastCurrency >= 0 && payees[i].currency == seen[lastCurrency] { currencyOf[i] = lastCurrency; continue }
            if let k = seen.firstIndex(of: payees[i].currency) { lastCurrency = k } else {
                lastCurrency = seen.count
                seen.append(payees[i].currency)
            }
            currencyOf[i] = lastCurrency
        }
        let currencies = seen.sorted { $0.code < $1.code }
        let rank = seen.map { c in currencies.firstIndex(of: c) ?? 0 }
        let C = currencies.count
        let statuses = PayeeResult.Status.allCases
        // Slots: [currency], [status * C + currency], and units by [unit * C + currency]
        // into `unitSums` (in order of first appearance).
        var currencySums = [Sum](repeating: Sum(), count: C)
        var statusSums = [Sum](repeating: Sum(), count: statuses.count * C)
        var unitSlot = [Int](repeating: -1, count: unitNames.count * C)
        var unitSums: [Sum] = []
        var unitKeys: [(unit: Int, currency: Int)] = []
        // What overflowed: a total once out of range takes no more amounts, so only the
        // payee who took it there is named.
        var failed = Set<Failure>()
        var failures: [(payee: Int, failure: Failure)] = []

        for i in payees.indices {
            let c = rank[currencyOf[i]]
            let s: Int
            switch payees[i].status {
            case .ok: s = 0
            case .ineligible: s = 1
            case .held: s = 2
            }
            let u = Int(unitNumbers[i])
            let key = u * C + c
            var slot = unitSlot[key]
            if slot < 0 {
                slot = unitSums.count
                unitSlot[key] = slot
                unitSums.append(Sum())
                unitKeys.append((u, c))
            }
            let payout = payees[i].payoutValue, ti = payees[i].roundedTargetIncentiveValue, exact = payees[i].targetIncentiveValue
            // Nearly always nothing overflows: the three totals take the payee at once.
            if failures.isEmpty, let a = currencySums[c].adding(payout, ti, exact), let b = statusSums[s * C + c].adding(payout, ti, exact),
               let x = unitSums[slot].adding(payout, ti, exact) {
                currencySums[c] = a
                statusSums[s * C + c] = b
                unitSums[slot] = x
                continue
            }
            func add(_ sum: inout Sum, _ total: Failure.Total) {
                sum.payees += 1
                for figure in Failure.Figure.allCases {
                    let f = Failure(total: total, figure: figure)
                    guard !failed.contains(f) else { continue }
                    do {
                        switch figure {
                        case .payout: sum.payout = try sum.payout + payout
                        case .targetIncentive: sum.targetIncentive = try sum.targetIncentive + ti
                        case .exactTargetIncentive: sum.exactTargetIncentive = try sum.exactTargetIncentive + exact
                        }
                    } catch {
                        failed.insert(f)
                        // The unrounded figure is reported only when the rounded one is not.
                        if figure == .targetIncentive { failed.insert(Failure(total: total, figure: .exactTargetIncentive)) }
                        failures.append((i, f))
                    }
                }
            }
            add(&currencySums[c], .currency(c))
            add(&statusSums[s * C + c], .status(s, c))
            add(&unitSums[slot], .unit(u, c))
        }

        guard failures.isEmpty else {
            var diagnostics: [Diagnostic] = []
            var k = 0
            while k < failures.count {
                // One error per payee and figure, naming every total it took out of range.
                let i = failures[k].payee
                var byFigure: [Failure.Figure: [String]] = [:]
                while k < failures.count && failures[k].payee == i {
                    let f = failures[k].failure
                    byFigure[f.figure, default: []].append(f.total.name(f.figure, currencies, unitNames))
                    k += 1
                }
                let p = payees[i]
                for figure in Failure.Figure.allCases {
                    guard let names = byFigure[figure] else { continue }
                    let d = p.currency.minorDigits
                    switch figure {
                    case .payout:
                        diagnostics.append(.totalOverflow("payee \(p.payee.id)'s payout", p.payoutValue, places: d, totals: names,
                                                          currency: p.currency.code, at: p.payee.location))
                    case .targetIncentive:
                        diagnostics.append(.totalOverflow("payee \(p.payee.id)'s target incentive", p.roundedTargetIncentiveValue, places: d,
                                                          totals: names, currency: p.currency.code, at: p.payee.location))
                    case .exactTargetIncentive:
                        diagnostics.append(.error("payee \(p.payee.id)'s target incentive of \(p.targetIncentiveValue) (unrounded) takes \(Diagnostic.list(names)) beyond the largest amount advocomp can hold (\(FixedDecimal(raw: Int128.max)) \(p.currency.code))",
                                                  at: p.payee.location))
                    }
                }
            }
            return (nil, diagnostics)
        }

        var totals = RunTotals()
        totals.byCurrency = currencies.indices.map { CurrencySum(currency: currencies[$0], sum: currencySums[$0]) }
        for s in statuses.indices {
            for c in 0..<C where statusSums[s * C + c].payees > 0 {
                totals.byStatus.append(StatusSum(status: statuses[s], currency: currencies[c], sum: statusSums[s * C + c]))
            }
        }
        totals.byUnit = unitKeys.indices
            .map { UnitSum(unit: unitNames[unitKeys[$0].unit], currency: currencies[unitKeys[$0].currency], sum: unitSums[$0]) }
            .sorted { ($0.unit, $0.currency.code) < ($1.unit, $1.currency.code) }
        return (totals, [])
    }

    /// One figure of one total that went out of range.
    struct Failure: Hashable {
        enum Total: Hashable {
            case currency(Int)
            case status(Int, Int)
            case unit(Int, Int)

            func name(_ figure: Figure, _ currencies: [Currency], _ units: [String]) -> String {
                let what = figure == .payout ? "payout total" : figure == .targetIncentive ? "target incentive total"
                                                                                           : "unrounded target incentive total"
                switch self {
                case .currency(let c): return "the run's \(what) in \(currencies[c].code)"
                case .status(let s, let c): return "the \(what) of status \(PayeeResult.Status.allCases[s].rawValue) in \(currencies[c].code)"
                case .unit(let u, let c):
                    return "the \(what) of " + (units[u].isEmpty ? "the payees without a unit" : "unit '\(units[u])'") + " in \(currencies[c].code)"
                }
            }
        }
        enum Figure: Hashable, CaseIterable { case targetIncentive, exactTargetIncentive, payout }
        var total: Total
        var figure: Figure
    }
}

/// A sum of one currency's payees, read as money.
public protocol MoneySum {
    var currency: Currency { get }
    var sum: RunTotals.Sum { get }
}

extension MoneySum {
    public var payees: Int { sum.payees }
    /// The target incentives as rounded to the currency, as every report shows them.
    public var targetIncentive: Money { Money(sum.targetIncentive, currency) }
    /// The target incentives unrounded: what the workbook's formulas add up.
    public var exactTargetIncentive: Money { Money(sum.exactTargetIncentive, currency) }
    public var payout: Money { Money(sum.payout, currency) }
}
