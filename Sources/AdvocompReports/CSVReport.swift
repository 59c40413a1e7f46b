import AdvocompEngine
import AdvocompModel
import Dispatch

/// The result CSV of SPEC section 7: `payee_id,status,currency,target_incentive,payout`,
/// payee_id ascending, amounts with exactly the currency's minor digits.
public enum CSVReport {
    /// The header line, with its newline.
    public static let header = "payee_id,status,currency,target_incentive,payout\n"

    public static func render(_ run: RunResult) -> String {
        let header = Array(Self.header.utf8)
        let payees = run.payees
        // Large runs render in chunks on the machine's workers, joined in order.
        let ranges = Parallel.ranges(payees.count, minimumChunk: 5_000)
        var chunks = [[UInt8]](repeating: [], count: ranges.count)
        chunks.withUnsafeMutableBufferPointer { slots in
            let out = slots
            Parallel.forEach(ranges) { w, range in out[w] = rows(payees, range) }
        }
        var all = header
        all.reserveCapacity(header.count + chunks.reduce(0) { $0 + $1.count })
        for c in chunks { all += c }
        return String(decoding: all, as: UTF8.self)
    }

    static func rows(_ payees: [PayeeResult], _ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 * range.count)
        payees.withUnsafeBufferPointer { ps in
            for i in range {
                out += CSVField.escape(ps[i].payee.id).utf8
                out.append(UInt8(ascii: ","))
                out += ps[i].status.rawValue.utf8
                out.append(UInt8(ascii: ","))
                out += ps[i].currency.code.utf8
                out.append(UInt8(ascii: ","))
                ps[i].roundedTargetIncentive.appendPlain(to: &out)
                out.append(UInt8(ascii: ","))
                ps[i].payout.appendPlain(to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
        return out
    }
}

/// RFC 4180 quoting for fields written by advocomp, with spreadsheet-injection safety.
public enum CSVField {
    /// A text field as written to any CSV advocomp produces. A field that a spreadsheet
    /// would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return) gets a leading apostrophe, so `=HYPERLINK(...)` stays text; then the field
    /// is quoted when it holds a comma, quote or line break. Numbers are written by
    /// `FixedDecimal` and never pass through here.
    public static func escape(_ s: String) -> String {
        var s = s
        if let f = s.utf8.first, f == UInt8(ascii: "=") || f == UInt8(ascii: "+") || f == UInt8(ascii: "-")
            || f == UInt8(ascii: "@") || f == 9 || f == 13 {
            s = "'" + s
        }
        if s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            var out = "\""
            for ch in s { out += ch == "\"" ? "\"\"" : String(ch) }
            return out + "\""
        }
        return s
    }
}
