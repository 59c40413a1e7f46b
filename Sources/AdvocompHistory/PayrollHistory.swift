import AdvocompKit
import AdvocompStore

/// Payroll from the history: a recorded run's payroll, and, for a run of a period already
/// paid (an adjustment of a closed period), only the difference from the run paid before
/// it, so nothing is paid twice.
public enum PayrollHistory {
    /// A run's payroll and what it is based on.
    public struct RecordedPayroll: Sendable {
        public var payroll: Payroll
        public var earningCode: String
        public var period: Period
        /// The run whose payroll this one adjusts (nil: a first payment).
        public var paidBefore: Int64?
    }

    /// Each stored payee as payroll sees it, as `PayrollPayee.of` sees a result: a
    /// calculation's payout, paid when the status is ok; a true-up's amount, paid (or
    /// recovered) unless the payee is held.
    public static func payees(_ store: RunStore, _ run: Int64) throws -> [PayrollPayee] {
        guard let summary = try store.summary(run) else { throw StoreError("there is no run \(run)") }
        let trueUp = summary.purpose == .trueUp
        return try store.payees(run, json: false).map {
            PayrollPayee(payeeID: $0.payeeID, name: $0.name, amount: $0.payout, status: $0.status.rawValue,
                         paid: trueUp ? $0.status != .held : $0.status == .ok)
        }
    }

    /// The payroll of `now` (a run's payees) for `period` and `planID`: a first payment,
    /// or, when the period was paid already, the difference from the run paid before
    /// (`recordedAs`: the run's id when it is recorded; nil for one about to be).
    public static func payroll(_ store: RunStore, now: [PayrollPayee], period: Period, planID: String,
                               recordedAs id: Int64?) throws -> (payroll: Payroll, paidBefore: Int64?) {
        guard let before = try store.runPaidBefore(period: period, planID: planID, before: id) else {
            return (Payroll.first(now), nil)
        }
        let (payroll, diagnostics) = Payroll.adjustment(now, paidBefore: try payees(store, before), runBefore: "run \(before)")
        guard let payroll else { throw DiagnosticsError(diagnostics) }
        return (payroll, before)
    }

    /// A recorded run's payroll, from its stored payees (what was recorded, and approved,
    /// is what is paid) and its stored plan's earning code.
    public static func recorded(_ store: RunStore, _ run: RunSummary) throws -> RecordedPayroll {
        let files = try store.files(run.id)
        guard let planFile = StoredInputs.input(.plan, in: files) else { throw StoreError("run \(run.id) is missing its stored plan file") }
        let loaded = Pipeline.loadPlan(planFile, loadFile: StoredInputs.loader(files, owner: "run \(run.id)"))
        guard let plan = loaded.plan else { throw DiagnosticsError(loaded.diagnostics) }
        var (payroll, before) = try payroll(store, now: try payees(store, run.id), period: run.period, planID: run.planID, recordedAs: run.id)
        // A true-up's first payroll lists the payees whose true-up is not zero (as `true-up --payroll`).
        if run.purpose == .trueUp && !payroll.isAdjustment { payroll.lines.removeAll { $0.amount.isZero } }
        return RecordedPayroll(payroll: payroll, earningCode: plan.earningCode, period: run.period, paidBefore: before)
    }
}
