import AdvocompEngine
import AdvocompModel

/// The payroll hand-off: one row per payee with status ok,
/// `payee_id,name,currency,amount,earning_code,period`. Held and ineligible payees are
/// left out (the caller says how many).
public enum PayrollReport {
    public static let header = "payee_id,name,currency,amount,earning_code,period"

    public static func render(_ run: RunResult) -> String {
        var out = header + "\n"
        let code = CSVField.escape(run.plan.earningCode)
        let period = run.period.description
        for p in run.payees where p.status == .ok {
            out += CSVField.escape(p.payee.id) + "," + CSVField.escape(p.payee.name) + "," + p.currency.code + ","
            out += p.payout.plain + "," + code + "," + period + "\n"
        }
        return out
    }

    /// The true-up's payroll hand-off, in the same columns: one row per payee with a true-up
    /// other than zero (a clawback as a negative amount, to deduct), period `YYYY-FY`. Held
    /// payees are left out, like a held period payout.
    public static func render(_ t: TrueUpResult) -> String {
        var out = header + "\n"
        let code = CSVField.escape(t.fullYear.plan.earningCode)
        let period = t.fullYear.period.description
        for l in t.lines where l.status != .held && !l.trueUp.isZero {
            out += CSVField.escape(l.payeeID) + "," + CSVField.escape(l.name) + "," + l.currency.code + ","
            out += l.trueUp.plain + "," + code + "," + period + "\n"
        }
        return out
    }

    /// (held, ineligible) counts: the payees the payroll file leaves out.
    public static func leftOut(_ run: RunResult) -> (held: Int, ineligible: Int) {
        (run.payees.filter { $0.status == .held }.count, run.payees.filter { $0.status == .ineligible }.count)
    }
}
