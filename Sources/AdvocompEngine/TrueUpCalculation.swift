import AdvocompModel

/// What the year's periods paid, per payee, and what the previous year carried in: the
/// basis of a true-up. The CLI reads it from the run history; the engine only adds.
public struct TrueUpBasis: Sendable, Equatable {
    /// Each period of the year (in order) and the run whose payouts stand for it: the
    /// final run of the closed period, or its latest approved adjustment.
    public var periods: [(period: String, run: Int64)]
    /// payee_id -> period -> what that period paid (in the payee's currency then).
    public var paid: [String: [String: Money]]
    /// payee_id -> what the previous year's true-up carried forward (a positive amount
    /// still to be set against the payee), and the run it came from.
    public var carriedIn: [String: Money]
    public var carriedFrom: Int64?

    public init(periods: [(period: String, run: Int64)], paid: [String: [String: Money]],
                carriedIn: [String: Money] = [:], carriedFrom: Int64? = nil) {
        self.periods = periods; self.paid = paid; self.carriedIn = carriedIn; self.carriedFrom = carriedFrom
    }

    public static func == (a: TrueUpBasis, b: TrueUpBasis) -> Bool {
        a.periods.map(\.period) == b.periods.map(\.period) && a.periods.map(\.run) == b.periods.map(\.run)
            && a.paid == b.paid && a.carriedIn == b.carriedIn && a.carriedFrom == b.carriedFrom
    }
}

/// One payee's true-up, every amount in `currency` (the engine works on the exact
/// values; other modules read them as `Money`).
public struct TrueUpLine: Sendable {
    public enum Status: String, Sendable { case ok, held, ineligible, absent }
    public var payeeID: String
    public var name: String
    /// The full-year status; `absent`: paid in the year but not on the plan's roster now.
    public var status: Status
    public var currency: Currency
    var fullYearValue: FixedDecimal
    /// By period, in the year's order (periods the payee was not paid in are left out).
    var paidByPeriodValues: [(period: String, amount: FixedDecimal)]
    var paidValue: FixedDecimal
    var carriedInValue: FixedDecimal
    var differenceValue: FixedDecimal
    var trueUpValue: FixedDecimal
    var carryForwardValue: FixedDecimal
    var forgivenValue: FixedDecimal

    /// The full-year payout.
    public var fullYear: Money { Money(fullYearValue, currency) }
    /// What each period paid, in the year's order (periods the payee was not paid in are left out).
    public var paidByPeriod: [(period: String, amount: Money)] { paidByPeriodValues.map { ($0.period, Money($0.amount, currency)) } }
    public var paid: Money { Money(paidValue, currency) }
    public var carriedIn: Money { Money(carriedInValue, currency) }
    /// `fullYear - paid - carriedIn`, before `negative` applies.
    public var difference: Money { Money(differenceValue, currency) }
    /// What to pay (positive) or recover (negative).
    public var trueUp: Money { Money(trueUpValue, currency) }
    public var carryForward: Money { Money(carryForwardValue, currency) }
    public var forgiven: Money { Money(forgivenValue, currency) }
}

/// The sums of a true-up's lines in one currency (never across currencies).
public struct TrueUpTotal: Sendable, Equatable {
    public var currency: Currency
    public var payees = 0
    var fullYearValue = FixedDecimal.zero
    var paidValue = FixedDecimal.zero
    var carriedInValue = FixedDecimal.zero
    var trueUpValue = FixedDecimal.zero
    var carryForwardValue = FixedDecimal.zero
    var forgivenValue = FixedDecimal.zero

    public init(currency: Currency) { self.currency = currency }

    public var fullYear: Money { Money(fullYearValue, currency) }
    public var paid: Money { Money(paidValue, currency) }
    public var carriedIn: Money { Money(carriedInValue, currency) }
    public var trueUp: Money { Money(trueUpValue, currency) }
    public var carryForward: Money { Money(carryForwardValue, currency) }
    public var forgiven: Money { Money(forgivenValue, currency) }

    /// The figures in the order of the CSV's columns: the total's name and a payee's
    /// amount's, for messages.
    static let figures: [(total: String, item: String, path: WritableKeyPath<TrueUpTotal, FixedDecimal> & Sendable, line: KeyPath<TrueUpLine, FixedDecimal> & Sendable)] = [
        ("full-year payout total", "full-year payout", \.fullYearValue, \.fullYearValue), ("paid total", "amount paid", \.paidValue, \.paidValue),
        ("carried-in total", "amount carried in", \.carriedInValue, \.carriedInValue), ("true-up total", "true-up", \.trueUpValue, \.trueUpValue),
        ("carry-forward total", "carry forward", \.carryForwardValue, \.carryForwardValue), ("forgiven total", "amount forgiven", \.forgivenValue, \.forgivenValue),
    ]
}

/// A whole true-up: the full-year calculation and each payee's line.
public struct TrueUpResult: Sendable {
    public var year: Int
    public var negative: TrueUp.Negative
    public var fullYear: RunResult
    public var basis: TrueUpBasis
    /// By payee_id (plain byte order).
    public var lines: [TrueUpLine]
    /// By currency code: computed with the lines, so no report adds them itself.
    public var totals: [TrueUpTotal]
}

/// The true-up of each payee (README, "The annual true-up"):
/// `raw = full-year payout - paid - carried in`. Positive: paid as the true-up. Negative:
/// `clawback` keeps it (the payee owes it), `forgive` drops it, `carry` sets it against
/// the next year's true-up. Amounts are already rounded to minor units, so every
/// difference is exact. A sum beyond the range of exact decimals (what a payee was paid,
/// the difference, a total by currency) is an error naming the payee, at the payee's
/// roster row.
public enum TrueUpCalculation {
    public static func run(fullYear: RunResult, year: Int, basis: TrueUpBasis, negative: TrueUp.Negative)
        -> (TrueUpResult?, [Diagnostic]) {
        var lines: [TrueUpLine] = []
        var diagnostics: [Diagnostic] = []
        var rosterRow: [String: SourceLocation] = [:]
        for p in fullYear.payees { rosterRow[p.payee.id] = p.payee.location }
        let order = Dictionary(basis.periods.enumerated().map { ($1.period, $0) }, uniquingKeysWith: { a, _ in a })
        func paidList(_ id: String) -> [(period: String, amount: FixedDecimal, currency: String)] {
            (basis.paid[id] ?? [:]).map { ($0.key, $0.value.amount, $0.value.currency.code) }
                .sorted { (order[$0.period] ?? 0) < (order[$1.period] ?? 0) }
        }
        func line(_ id: String, _ name: String, _ status: TrueUpLine.Status, _ currency: Currency, _ full: FixedDecimal) -> TrueUpLine? {
            let list = paidList(id)
            if let other = list.first(where: { $0.currency != currency.code }) {
                diagnostics.append(.error("payee \(id) was paid in \(other.currency) for \(other.period) and is paid in \(currency.code) for the year: a true-up across currencies is not calculated", at: rosterRow[id]))
                return nil
            }
            let d = currency.minorDigits
            var paid = FixedDecimal.zero
            for p in list {
                do { paid = try paid + p.amount } catch {
                    diagnostics.append(.totalOverflow("payee \(id)'s payment for \(p.period)", p.amount, places: d,
                                                      totals: ["what payee \(id) was paid in \(year)"], currency: currency.code, at: rosterRow[id]))
                    return nil
                }
            }
            if let c = basis.carriedIn[id], c.currency != currency {
                diagnostics.append(.error("payee \(id) carried \(c) into \(year) and is paid in \(currency.code) for the year: a true-up across currencies is not calculated", at: rosterRow[id]))
                return nil
            }
            let carried = basis.carriedIn[id]?.amount ?? .zero
            let raw: FixedDecimal
            do { raw = try full - paid - carried } catch {
                let limit = FixedDecimal.largest(places: d).formatted(places: d)
                diagnostics.append(.error("the true-up of payee \(id) (full-year payout \(full.formatted(places: d)) less \(paid.formatted(places: d)) paid less \(carried.formatted(places: d)) carried in) is beyond the range advocomp can hold (-\(limit) to \(limit) \(currency.code))",
                                          at: rosterRow[id]))
                return nil
            }
            var l = TrueUpLine(payeeID: id, name: name, status: status, currency: currency, fullYearValue: full,
                               paidByPeriodValues: list.map { ($0.period, $0.amount) }, paidValue: paid, carriedInValue: carried,
                               differenceValue: raw, trueUpValue: raw, carryForwardValue: .zero, forgivenValue: .zero)
            if raw.isNegative {
                // -raw fits: raw is a difference of amounts in minor units, never Int128.min.
                let owed = FixedDecimal(raw: -raw.raw)
                switch negative {
                case .clawback: break
                case .carry: l.trueUpValue = .zero; l.carryForwardValue = owed
                case .forgive: l.trueUpValue = .zero; l.forgivenValue = owed
                }
            }
            return l
        }
        var seen = Set<String>()
        for p in fullYear.payees {
            seen.insert(p.payee.id)
            let status: TrueUpLine.Status = p.status == .ok ? .ok : p.status == .held ? .held : .ineligible
            if let l = line(p.payee.id, p.payee.name, status, p.currency, p.status == .ineligible ? .zero : p.payoutValue) { lines.append(l) }
        }
        // Paid during the year, no longer on the plan: the full year earns them nothing.
        for id in Set(basis.paid.keys).union(basis.carriedIn.keys).subtracting(seen).sorted() {
            let currency = basis.paid[id]?.values.first?.currency ?? basis.carriedIn[id]?.currency ?? fullYear.plan.currency
            if let l = line(id, "", .absent, currency, .zero) { lines.append(l) }
        }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        lines.sort { $0.payeeID.utf8.lexicographicallyPrecedes($1.payeeID.utf8) }
        let (totals, overflows) = totals(lines, year: year, rosterRow: rosterRow)
        guard overflows.isEmpty else { return (nil, diagnostics + overflows) }
        return (TrueUpResult(year: year, negative: negative, fullYear: fullYear, basis: basis, lines: lines, totals: totals), diagnostics)
    }

    /// Each figure's sum by currency (currencies in code order), or the errors of the
    /// sums that would leave the range, each at the roster row of the payee whose amount
    /// took it there (an absent payee has none).
    static func totals(_ lines: [TrueUpLine], year: Int, rosterRow: [String: SourceLocation]) -> ([TrueUpTotal], [Diagnostic]) {
        var by: [String: TrueUpTotal] = [:]
        var failed = Set<String>()
        var diagnostics: [Diagnostic] = []
        for l in lines {
            var t = by[l.currency.code] ?? TrueUpTotal(currency: l.currency)
            t.payees += 1
            for f in TrueUpTotal.figures where !failed.contains("\(l.currency.code) \(f.total)") {
                do { t[keyPath: f.path] = try t[keyPath: f.path] + l[keyPath: f.line] } catch {
                    failed.insert("\(l.currency.code) \(f.total)")
                    diagnostics.append(.totalOverflow("payee \(l.payeeID)'s \(f.item)", l[keyPath: f.line], places: l.currency.minorDigits,
                                                      totals: ["the \(f.total) of the \(year) true-up in \(l.currency.code)"],
                                                      currency: l.currency.code, at: rosterRow[l.payeeID]))
                }
            }
            by[l.currency.code] = t
        }
        return (by.values.sorted { $0.currency.code < $1.currency.code }, diagnostics)
    }
}
