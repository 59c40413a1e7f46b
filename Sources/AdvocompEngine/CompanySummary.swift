import AdvocompModel

/// Several plans calculated together for one period (a quarter's close): each plan's
/// totals by currency and the company's, never across currencies. Every figure is a sum
/// of the runs' own totals (`RunTotals`); a company total beyond the range of exact
/// decimals is an error naming the plan that took it there.
public struct CompanySummary: Sendable {
    /// One plan's figures in one currency, or the company's (`planID` nil).
    public struct Line: Sendable, Equatable {
        public var planID: String?
        public var currency: Currency
        public var payees: Int
        /// Payees with status ok (paid), held (earned, withheld), ineligible.
        public var ok: Int
        public var held: Int
        public var ineligible: Int
        /// Target incentives as rounded to the currency, as every report shows them.
        public var targetIncentive: Money
        /// Every payee's payout (held payees' included: they earned it).
        public var payout: Money
        /// What payroll pays: the payouts of the payees with status ok.
        public var payable: Money
    }

    public var period: Period
    /// Plan by plan (in the runs' order), each currency of the plan in code order.
    public var plans: [Line]
    /// The company: by currency code.
    public var totals: [Line]

    public static func of(_ runs: [RunResult]) -> (CompanySummary?, [Diagnostic]) {
        guard let period = runs.first?.period else { return (nil, [.error("no plan was calculated", at: nil)]) }
        var plans: [Line] = [], company: [String: Line] = [:], diagnostics: [Diagnostic] = []
        for run in runs {
            for c in run.totals.byCurrency {
                func status(_ s: PayeeResult.Status) -> RunTotals.StatusSum? {
                    run.totals.byStatus.first { $0.status == s && $0.currency == c.currency }
                }
                let line = Line(planID: run.plan.id, currency: c.currency, payees: c.payees, ok: status(.ok)?.payees ?? 0,
                                held: status(.held)?.payees ?? 0, ineligible: status(.ineligible)?.payees ?? 0,
                                targetIncentive: c.targetIncentive, payout: c.payout, payable: status(.ok)?.payout ?? .zero(c.currency))
                plans.append(line)
                var total = company[c.currency.code] ?? Line(planID: nil, currency: c.currency, payees: 0, ok: 0, held: 0, ineligible: 0,
                                                             targetIncentive: .zero(c.currency), payout: .zero(c.currency),
                                                             payable: .zero(c.currency))
                do {
                    total.targetIncentive = try total.targetIncentive + line.targetIncentive
                    total.payout = try total.payout + line.payout
                    total.payable = try total.payable + line.payable
                } catch {
                    diagnostics.append(.error("plan \(run.plan.id)'s totals take the company's totals in \(c.currency.code) beyond the largest amount advocomp can hold",
                                              at: run.plan.keyLocations["plan"] ?? SourceLocation(file: run.plan.sourceFile, line: 1, column: 1)))
                    continue
                }
                total.payees += line.payees; total.ok += line.ok; total.held += line.held; total.ineligible += line.ineligible
                company[c.currency.code] = total
            }
        }
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        return (CompanySummary(period: period, plans: plans, totals: company.keys.sorted().compactMap { company[$0] }), [])
    }
}
