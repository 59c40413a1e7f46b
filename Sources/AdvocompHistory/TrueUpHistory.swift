import AdvocompKit
import AdvocompStore

/// What a true-up reads from the history: what the year's periods paid, and what the
/// previous year's true-up carried forward. All of it from stored values (payouts,
/// statuses, a true-up's lines), never from a stored report.
public enum TrueUpHistory {
    /// The year's periods must all be closed; each is paid by its standing run (status
    /// ok only: held and ineligible payees were paid nothing). The previous year's
    /// true-up (final, else latest approved) gives what was carried forward.
    public static func basis(_ store: RunStore, plan: Plan, year: Int) throws -> TrueUpBasis {
        var standing: [(period: Period, run: Int64)] = [], open: [Period] = []
        for p in plan.periods(ofYear: year) {
            if let run = try store.standingRun(period: p, planID: plan.id) { standing.append((p, run)) } else { open.append(p) }
        }
        guard open.isEmpty else {
            throw StoreError("plan \(plan.id) has not closed \(open.map(\.description).joined(separator: ", ")): a true-up needs every period of fiscal year \(year) closed (advocomp approve RUN, then advocomp close --period P)")
        }
        var paid: [String: [String: Money]] = [:]
        for (period, run) in standing {
            // A stored payout that cannot be read is an error naming the run and the payee
            // (the store's), never a zero: it would be paid again.
            for p in try store.payees(run, json: false) {
                // Held and ineligible payees were paid nothing.
                paid[p.payeeID, default: [:]][period.description] = p.status == .ok ? p.payout : .zero(p.payout.currency)
            }
        }
        let previous = try store.runs(period: Period(fiscalYear: year - 1, kind: .year)).filter { $0.purpose == .trueUp && $0.planID == plan.id }
        let source = previous.last(where: \.isFinal) ?? previous.last(where: { $0.approvedAt != nil })
        var carried: [String: Money] = [:]
        if let source {
            guard let before = try store.trueUp(source.id) else { throw StoreError("run \(source.id) is not a true-up") }
            for l in before.lines where !l.carryForward.isZero { carried[l.payeeID] = l.carryForward }
        }
        return TrueUpBasis(periods: standing.map { ($0.period.description, $0.run) }, paid: paid, carriedIn: carried, carriedFrom: source?.id)
    }

    /// The basis a recorded true-up used, from its stored lines (for replay and show): a
    /// later adjustment of a period does not change a recorded true-up.
    public static func recordedBasis(_ store: RunStore, run: RunSummary) throws -> (year: Int, basis: TrueUpBasis) {
        guard let t = try store.trueUp(run.id) else { throw StoreError("run \(run.id) is not a true-up") }
        var basis = TrueUpBasis(periods: t.periods.map { ($0.period.description, $0.run) }, paid: [:], carriedFrom: t.carriedFrom)
        for l in t.lines {
            for p in l.paidByPeriod {
                basis.paid[l.payeeID, default: [:]][p.period.description] = p.amount
            }
            if !l.carriedIn.isZero { basis.carriedIn[l.payeeID] = l.carriedIn }
        }
        return (t.year, basis)
    }
}
