import AdvocompModel

/// What the year's periods paid, per payee, and what the previous year carried in: the
/// basis of a true-up. The CLI reads it from the run history; the engine only adds.
public struct TrueUpBasis: Sendable, Equatable {
    /// An amount in one currency.
    public struct Paid: Sendable, Equatable {
        public var currency: String
        public var amount: FixedDecimal
        public init(currency: String, amount: FixedDecimal) { self.currency = currency; self.amount = amount }
    }
    /// Each period of the year (in order) and the run whose payouts stand for it: the
    /// final run of the closed period, or its latest approved adjustment.
    public var periods: [(period: String, run: Int64)]
    /// payee_id -> period -> paid.
    public var paid: [String: [String: Paid]]
    /// payee_id -> what the previous year's true-up carried forward (a positive amount
    /// still to be set against the payee), and the run it came from.
    public var carriedIn: [String: FixedDecimal]
    public var carriedFrom: Int64?

    public init(periods: [(period: String, run: Int64)], paid: [String: [String: Paid]],
                carriedIn: [String: FixedDecimal] = [:], carriedFrom: Int64? = nil) {
        self.periods = periods; self.paid = paid; self.carriedIn = carriedIn; self.carriedFrom = carriedFrom
    }

    public static func == (a: TrueUpBasis, b: TrueUpBasis) -> Bool {
        a.periods.map(\.period) == b.periods.map(\.period) && a.periods.map(\.run) == b.periods.map(\.run)
            && a.paid == b.paid && a.carriedIn == b.carriedIn && a.carriedFrom == b.carriedFrom
    }
}

/// One payee's true-up.
public struct TrueUpLine: Sendable {
    public enum Status: String, Sendable { case ok, held, ineligible, absent }
    public var payeeID: String
    public var name: String
    /// The full-year status; `absent`: paid in the year but not on the plan's roster now.
    public var status: Status
    public var currency: Currency
    public var fullYear: FixedDecimal
    /// By period, in the year's order (periods the payee was not paid in are left out).
    public var paidByPeriod: [(period: String, amount: FixedDecimal)]
    public var paid: FixedDecimal
    public var carriedIn: FixedDecimal
    /// What to pay (positive) or recover (negative).
    public var trueUp: FixedDecimal
    public var carryForward: FixedDecimal
    public var forgiven: FixedDecimal
}

/// A whole true-up: the full-year calculation and each payee's line.
public struct TrueUpResult: Sendable {
    public var year: Int
    public var negative: TrueUp.Negative
    public var fullYear: RunResult
    public var basis: TrueUpBasis
    /// By payee_id (plain byte order).
    public var lines: [TrueUpLine]
}

/// The true-up of each payee (README, "The annual true-up"):
/// `raw = full-year payout - paid - carried in`. Positive: paid as the true-up. Negative:
/// `clawback` keeps it (the payee owes it), `forgive` drops it, `carry` sets it against
/// the next year's true-up. Amounts are already rounded to minor units, so every
/// difference is exact.
public enum TrueUpCalculation {
    public static func run(fullYear: RunResult, year: Int, basis: TrueUpBasis, negative: TrueUp.Negative)
        -> (TrueUpResult?, [Diagnostic]) {
        var lines: [TrueUpLine] = []
        var diagnostics: [Diagnostic] = []
        let order = Dictionary(basis.periods.enumerated().map { ($1.period, $0) }, uniquingKeysWith: { a, _ in a })
        func paidList(_ id: String) -> [(period: String, amount: FixedDecimal, currency: String)] {
            (basis.paid[id] ?? [:]).map { ($0.key, $0.value.amount, $0.value.currency) }
                .sorted { (order[$0.period] ?? 0) < (order[$1.period] ?? 0) }
        }
        func line(_ id: String, _ name: String, _ status: TrueUpLine.Status, _ currency: Currency, _ full: FixedDecimal) throws -> TrueUpLine? {
            let list = paidList(id)
            if let other = list.first(where: { $0.currency != currency.code }) {
                diagnostics.append(.error("payee \(id) was paid in \(other.currency) for \(other.period) and is paid in \(currency.code) for the year: a true-up across currencies is not calculated", at: nil))
                return nil
            }
            var paid = FixedDecimal.zero
            for p in list { paid = try paid + p.amount }
            let carried = basis.carriedIn[id] ?? .zero
            let raw = try full - paid - carried
            var l = TrueUpLine(payeeID: id, name: name, status: status, currency: currency, fullYear: full,
                               paidByPeriod: list.map { ($0.period, $0.amount) }, paid: paid, carriedIn: carried,
                               trueUp: raw, carryForward: .zero, forgiven: .zero)
            if raw.isNegative {
                switch negative {
                case .clawback: break
                case .carry: l.trueUp = .zero; l.carryForward = try .zero - raw
                case .forgive: l.trueUp = .zero; l.forgiven = try .zero - raw
                }
            }
            return l
        }
        do {
            var seen = Set<String>()
            for p in fullYear.payees {
                seen.insert(p.payee.id)
                let status: TrueUpLine.Status = p.status == .ok ? .ok : p.status == .held ? .held : .ineligible
                if let l = try line(p.payee.id, p.payee.name, status, p.currency, p.status == .ineligible ? .zero : p.payout) { lines.append(l) }
            }
            // Paid during the year, no longer on the plan: the full year earns them nothing.
            for id in Set(basis.paid.keys).union(basis.carriedIn.keys).subtracting(seen).sorted() {
                let code = basis.paid[id]?.values.first?.currency ?? fullYear.plan.currency.code
                let currency = Currency(code: code) ?? fullYear.plan.currency
                if let l = try line(id, "", .absent, currency, .zero) { lines.append(l) }
            }
        } catch {
            diagnostics.append(.error("the true-up of \(fullYear.plan.id) for \(year) adds up beyond the range of exact decimals", at: nil))
        }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        lines.sort { $0.payeeID.utf8.lexicographicallyPrecedes($1.payeeID.utf8) }
        return (TrueUpResult(year: year, negative: negative, fullYear: fullYear, basis: basis, lines: lines), diagnostics)
    }
}
