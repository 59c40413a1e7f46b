import AdvocompEngine
import AdvocompModel

/// The result CSV of SPEC section 7: `payee_id,status,currency,target_incentive,payout`,
/// payee_id ascending, amounts with exactly the currency's minor digits.
public enum CSVReport {
    public static func render(_ run: RunResult) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(48 * (run.payees.count + 1))
        out += Array("payee_id,status,currency,target_incentive,payout\n".utf8)
        for p in run.payees {
            let d = p.currency.minorDigits
            out += CSVField.escape(p.payee.id).utf8
            out.append(UInt8(ascii: ","))
            out += p.status.rawValue.utf8
            out.append(UInt8(ascii: ","))
            out += p.currency.code.utf8
            out.append(UInt8(ascii: ","))
            p.roundedTargetIncentive.appendFormatted(places: d, to: &out)
            out.append(UInt8(ascii: ","))
            p.payout.appendFormatted(places: d, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return String(decoding: out, as: UTF8.self)
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
