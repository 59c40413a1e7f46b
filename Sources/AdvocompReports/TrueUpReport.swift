import AdvocompEngine
import AdvocompModel

/// The annual true-up as a table, a CSV and JSON, like `calculate`'s three formats.
public enum TrueUpReport {
    /// `payee_id,status,currency,full_year_payout,paid,carried_in,true_up,carry_forward,forgiven`.
    public static func csv(_ t: TrueUpResult) -> String {
        var out = "payee_id,status,currency,full_year_payout,paid,carried_in,true_up,carry_forward,forgiven\n"
        for l in t.lines {
            out += [CSVField.escape(l.payeeID), l.status.rawValue, l.currency.code] .joined(separator: ",") + ","
            out += [l.fullYear, l.paid, l.carriedIn, l.trueUp, l.carryForward, l.forgiven].map(\.plain).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    public static func table(_ t: TrueUpResult) -> String {
        let run = t.fullYear
        var out = Display.text("True-up of \(run.plan.title ?? run.plan.id) (\(run.plan.id) v\(run.plan.version)) for fiscal year \(t.year): \(run.firstDay) to \(run.lastDay)") + "\n"
        out += "paid: " + t.basis.periods.map { "\($0.period) run \($0.run)" }.joined(separator: ", ")
        if let c = t.basis.carriedFrom { out += "; carried in from run \(c)" }
        out += "; a negative true-up is \(word(t.negative))\n\n"
        let header = ["payee", "name", "status", "cur", "full year", "paid", "carried in", "true-up", "carry forward", "forgiven"]
        let rows = t.lines.map { l -> [String] in
            [l.payeeID, l.name, l.status.rawValue, l.currency.code] + [l.fullYear, l.paid, l.carriedIn, l.trueUp, l.carryForward, l.forgiven]
                .map(\.grouped)
        }
        out += Display.table(header, rows, rightAligned: [4, 5, 6, 7, 8, 9])
        out += "\nBy currency\n"
        out += Display.table(["cur", "payees", "full year", "paid", "carried in", "true-up", "carry forward", "forgiven"],
                             t.totals.map { c in [c.currency.code, String(c.payees)] + sums(c).map(\.grouped) },
                             rightAligned: [1, 2, 3, 4, 5, 6, 7])
        return out
    }

    /// One object: the year, the periods paid and their runs, each payee's line, totals
    /// by currency, and `full_year`: the full-year calculation as `calculate` gives it.
    public static func json(_ t: TrueUpResult) -> String {
        let w = JSONWriter()
        let run = t.fullYear
        w.object {
            w.key("true_up"); w.raw("true")
            w.key("plan"); w.string(run.plan.id)
            w.key("version"); w.string(run.plan.version)
            w.key("year"); w.raw(String(t.year))
            w.key("period"); w.string(run.period.description)
            w.key("negative"); w.string(t.negative.rawValue)
            w.key("periods")
            w.array { for p in t.basis.periods { w.object { w.key("period"); w.string(p.period); w.key("run"); w.raw(String(p.run)) } } }
            w.key("carried_from_run"); w.raw(t.basis.carriedFrom.map(String.init) ?? "null")
            w.key("payees")
            w.array { for l in t.lines { w.raw(lineObject(l)) } }
            w.key("totals")
            w.object {
                for c in t.totals {
                    w.key(c.currency.code)
                    w.object {
                        w.key("payees"); w.raw(String(c.payees))
                        for (k, v) in zip(sumKeys, sums(c)) { w.key(k); w.string(v.plain) }
                    }
                }
            }
            w.key("full_year"); w.raw(JSONReport.render(run).dropLast().description)
        }
        return w.text + "\n"
    }

    static let sumKeys = ["full_year_payout", "paid", "carried_in", "true_up", "carry_forward", "forgiven"]

    /// One payee's object of `json`'s `payees`.
    public static func lineObject(_ l: TrueUpLine) -> String {
        let w = JSONWriter()
        w.object {
            w.key("payee_id"); w.string(l.payeeID)
            w.key("name"); w.string(l.name)
            w.key("status"); w.string(l.status.rawValue)
            w.key("currency"); w.string(l.currency.code)
            w.key("full_year_payout"); w.string(l.fullYear.plain)
            w.key("paid_by_period")
            w.object { for p in l.paidByPeriod { w.key(p.period); w.string(p.amount.plain) } }
            w.key("paid"); w.string(l.paid.plain)
            w.key("carried_in"); w.string(l.carriedIn.plain)
            w.key("true_up"); w.string(l.trueUp.plain)
            w.key("carry_forward"); w.string(l.carryForward.plain)
            w.key("forgiven"); w.string(l.forgiven.plain)
        }
        return w.text
    }

    /// A currency's sums (the true-up computed them) in `sumKeys` order.
    static func sums(_ c: TrueUpTotal) -> [Money] {
        [c.fullYear, c.paid, c.carriedIn, c.trueUp, c.carryForward, c.forgiven]
    }

    static func word(_ n: TrueUp.Negative) -> String {
        switch n {
        case .clawback: return "clawed back"
        case .carry: return "carried to next year"
        case .forgive: return "forgiven"
        }
    }
}
