import AdvocompEngine
import AdvocompModel

/// The payroll hand-off. A first payment: `payee_id,name,currency,amount,earning_code,
/// period`, one row per payee paid (status ok; held and ineligible payees are left out
/// and counted by the caller). An adjustment of a period already paid:
/// `payee_id,name,currency,paid_before,now_due,difference,earning_code,period`, one row per
/// payee whose amount changed, `difference` being what to pay now (negative: to recover).
public enum PayrollReport {
    public static let header = "payee_id,name,currency,amount,earning_code,period"
    public static let adjustmentHeader = "payee_id,name,currency,paid_before,now_due,difference,earning_code,period"

    public static func render(_ payroll: Payroll, earningCode: String, period: Period) -> String {
        render([(payroll, earningCode)], period: period)
    }

    /// Several plans' payrolls for one period as one file (a run set), each with its own
    /// earning code. When any of them adjusts a period already paid, every row has the
    /// adjustment's columns (a first payment's paid_before is 0).
    public static func render(_ parts: [(payroll: Payroll, earningCode: String)], period: Period) -> String {
        let adjusting = parts.contains { $0.payroll.isAdjustment }
        var out = (adjusting ? adjustmentHeader : header) + "\n"
        for (payroll, earningCode) in parts {
            let tail = "," + CSVField.escape(earningCode) + "," + period.description + "\n"
            for l in payroll.lines {
                out += CSVField.escape(l.payeeID) + "," + CSVField.escape(l.name) + "," + l.currency.code + ","
                if adjusting { out += (l.paidBefore ?? .zero(l.currency)).plain + "," + l.nowDue.plain + "," }
                out += l.amount.plain + tail
            }
        }
        return out
    }

    /// A calculation's payroll as a first payment.
    public static func render(_ run: RunResult) -> String {
        render(Payroll.first(PayrollPayee.of(run)), earningCode: run.plan.earningCode, period: run.period)
    }

    /// The true-up's payroll hand-off, in the same columns: one row per payee with a true-up
    /// other than zero (a clawback as a negative amount, to deduct), period `YYYY-FY`. Held
    /// payees are left out, like a held period payout.
    public static func render(_ t: TrueUpResult) -> String {
        var payroll = Payroll.first(PayrollPayee.of(t))
        payroll.lines.removeAll { $0.amount.isZero }
        return render(payroll, earningCode: t.fullYear.plan.earningCode, period: t.fullYear.period)
    }

    /// (held, ineligible) counts: the payees the payroll file leaves out.
    public static func leftOut(_ run: RunResult) -> (held: Int, ineligible: Int) {
        (run.payees.filter { $0.status == .held }.count, run.payees.filter { $0.status == .ineligible }.count)
    }

    /// What the payroll file holds and leaves out, in words, for standard error.
    public static func summary(_ payroll: Payroll, to target: String) -> String {
        let n = payroll.lines.count
        var text = "payroll: \(n) payee\(n == 1 ? "" : "s") written to \(target)"
        var left = payroll.notPaid.filter { $0.payees > 0 }.map { "\($0.payees) \($0.status)" }
        if payroll.isAdjustment && payroll.unchanged > 0 { left.append("\(payroll.unchanged) unchanged") }
        if !left.isEmpty { text += "; left out: " + left.joined(separator: ", ") }
        return text
    }
}
