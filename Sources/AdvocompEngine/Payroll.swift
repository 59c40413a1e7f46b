import AdvocompModel

/// One payee as payroll sees a run: the amount the run gives them, and whether it is paid
/// (status ok; a true-up's `absent` line is a clawback, also paid). Held and ineligible
/// payees are not paid.
public struct PayrollPayee: Sendable, Equatable {
    public var payeeID: String
    public var name: String
    public var amount: Money
    public var status: String
    public var paid: Bool
    public init(payeeID: String, name: String, amount: Money, status: String, paid: Bool) {
        self.payeeID = payeeID; self.name = name; self.amount = amount; self.status = status; self.paid = paid
    }

    /// What the run pays the payee: the amount when paid, zero otherwise.
    public var due: Money { paid ? amount : .zero(amount.currency) }

    /// A calculation's payees (payee_id ascending): the payout, paid when status is ok.
    public static func of(_ run: RunResult) -> [PayrollPayee] {
        run.payees.map { PayrollPayee(payeeID: $0.payee.id, name: $0.payee.name, amount: $0.payout, status: $0.status.rawValue, paid: $0.status == .ok) }
    }

    /// A true-up's lines: the true-up, paid (or recovered) unless the payee is held.
    public static func of(_ t: TrueUpResult) -> [PayrollPayee] {
        t.lines.map { PayrollPayee(payeeID: $0.payeeID, name: $0.name, amount: $0.trueUp, status: $0.status.rawValue, paid: $0.status != .held) }
    }
}

/// The payroll hand-off of one run: what to pay each payee. A run whose period was
/// already paid (an adjustment of a closed period) pays only the difference from the
/// run paid before it, so the same payout is never paid twice.
public struct Payroll: Sendable {
    public struct Line: Sendable, Equatable {
        public var payeeID: String
        public var name: String
        public var currency: Currency
        /// What the run paid before gave (nil: a first payment, not an adjustment).
        public var paidBefore: Money?
        /// What this run gives.
        public var nowDue: Money
        /// What to pay now: `nowDue - paidBefore` (`nowDue` for a first payment); negative
        /// is an amount to recover.
        public var amount: Money
    }

    /// Payees to pay (amount other than zero for an adjustment; status paid for a first
    /// payment), payee_id ascending.
    public var lines: [Line]
    /// Whether this is the difference from a run paid before.
    public var isAdjustment: Bool
    /// Left out: not paid (held, ineligible), and, in an adjustment, unchanged.
    public var notPaid: [(status: String, payees: Int)]
    public var unchanged: Int

    /// A first payment: each payee the run pays, their amount.
    public static func first(_ payees: [PayrollPayee]) -> Payroll {
        var notPaid: [String: Int] = [:]
        var lines: [Line] = []
        lines.reserveCapacity(payees.count)
        for p in payees {
            guard p.paid else { notPaid[p.status, default: 0] += 1; continue }
            lines.append(Line(payeeID: p.payeeID, name: p.name, currency: p.amount.currency, paidBefore: nil, nowDue: p.amount, amount: p.amount))
        }
        return Payroll(lines: lines, isAdjustment: false, notPaid: Payroll.counts(notPaid), unchanged: 0)
    }

    /// An adjustment: per payee in either run, what `now` gives less what `paidBefore`
    /// gave; payees whose difference is zero are left out (counted). A payee paid in
    /// another currency before is an error (a difference across currencies is not
    /// money), naming `runBefore`.
    public static func adjustment(_ now: [PayrollPayee], paidBefore: [PayrollPayee], runBefore: String) -> (Payroll?, [Diagnostic]) {
        let before = Dictionary(paidBefore.map { ($0.payeeID, $0) }, uniquingKeysWith: { a, _ in a })
        let nowIDs = Set(now.map(\.payeeID))
        var lines: [Line] = [], diagnostics: [Diagnostic] = [], notPaid: [String: Int] = [:], unchanged = 0
        // Payees of the run paid before who are no longer on the plan: all they were paid is recovered.
        let gone = paidBefore.filter { !nowIDs.contains($0.payeeID) }.map {
            PayrollPayee(payeeID: $0.payeeID, name: $0.name, amount: .zero($0.amount.currency), status: "absent", paid: false)
        }
        for p in (now + gone).sorted(by: { $0.payeeID.utf8.lexicographicallyPrecedes($1.payeeID.utf8) }) {
            if !p.paid && nowIDs.contains(p.payeeID) { notPaid[p.status, default: 0] += 1 }
            let was = before[p.payeeID]?.due ?? .zero(p.amount.currency)
            guard was.currency == p.amount.currency else {
                diagnostics.append(.error("payee \(p.payeeID) was paid in \(was.currency.code) by \(runBefore) and is due \(p.amount.currency.code) now: an adjustment across currencies is not calculated", at: nil))
                continue
            }
            let due = p.due
            let difference: Money
            do { difference = try due - was } catch {
                diagnostics.append(.error("payee \(p.payeeID)'s adjustment (\(due.plain) less \(was.plain) \(due.currency.code)) is beyond the range of exact decimals", at: nil))
                continue
            }
            if difference.isZero { unchanged += 1; continue }
            lines.append(Line(payeeID: p.payeeID, name: p.name, currency: due.currency, paidBefore: was, nowDue: due, amount: difference))
        }
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        return (Payroll(lines: lines, isAdjustment: true, notPaid: counts(notPaid), unchanged: unchanged), [])
    }

    static func counts(_ by: [String: Int]) -> [(status: String, payees: Int)] {
        by.keys.sorted().map { ($0, by[$0] ?? 0) }
    }
}
