import AdvocompEngine
import AdvocompModel
import Foundation

/// `whatif --payee ID`: one payee's what-if and nothing of any other payee (no peer's
/// line, no total over others): the payout before and after, the difference, and why.
public enum PayeeWhatIfReport {
    public static func table(_ w: PayeePreview.WhatIf) -> String {
        let b = w.before, a = w.after, code = b.currency.code
        var lines = ["What if, \(b.payeeID) (\(b.name)), \(b.planID) \(b.period): " + w.overrides.map { "--set \($0.text)" }.joined(separator: " ")]
        lines.append("payout      \(b.payout.grouped) \(code) -> \(a.payout.grouped) \(code)")
        lines.append("difference  \(w.difference.grouped) \(code)")
        if let x = b.percentOfTarget, let y = a.percentOfTarget {
            lines.append("of target   \(x.percentString(maxPlaces: 1)) -> \(y.percentString(maxPlaces: 1))")
        }
        lines.append("why:")
        lines += w.explanation.map { "- " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func csv(_ w: PayeePreview.WhatIf) -> String {
        "payee_id,currency,payout_before,payout_after,difference\n"
            + "\(w.before.payeeID),\(w.before.currency.code),\(w.before.payout.plain),\(w.after.payout.plain),\(w.difference.plain)\n"
    }

    struct JSONShape: Encodable {
        var payee_id: String
        var plan_id: String
        var period: String
        var currency: String
        var payout_before: String
        var payout_after: String
        var difference: String
        var overrides: [String]
        var explanation: [String]
    }

    public static func json(_ w: PayeePreview.WhatIf) -> String {
        let shape = JSONShape(payee_id: w.before.payeeID, plan_id: w.before.planID, period: w.before.period, currency: w.before.currency.code,
                              payout_before: w.before.payout.plain, payout_after: w.after.payout.plain, difference: w.difference.plain,
                              overrides: w.overrides.map(\.text), explanation: w.explanation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a string: encoding cannot fail.
        let data = (try? encoder.encode(shape)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
