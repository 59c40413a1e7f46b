import AdvocompEngine
import AdvocompModel

/// The result CSV of SPEC section 7: `payee_id,status,currency,target_incentive,payout`,
/// payee_id ascending, amounts with exactly the currency's minor digits.
public enum CSVReport {
    public static func render(_ run: RunResult) -> String {
        var out = "payee_id,status,currency,target_incentive,payout\n"
        out.reserveCapacity(64 * (run.payees.count + 1))
        for p in run.payees {
            let d = p.currency.minorDigits
            out += CSVField.escape(p.payee.id)
            out += ","
            out += p.status.rawValue
            out += ","
            out += p.currency.code
            out += ","
            out += p.roundedTargetIncentive.formatted(places: d)
            out += ","
            out += p.payout.formatted(places: d)
            out += "\n"
        }
        return out
    }
}

/// RFC 4180 quoting for fields written by advocomp.
public enum CSVField {
    /// Quotes a field when it holds a comma, quote or line break.
    public static func escape(_ s: String) -> String {
        if s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            var out = "\""
            for ch in s { out += ch == "\"" ? "\"\"" : String(ch) }
            return out + "\""
        }
        return s
    }
}
