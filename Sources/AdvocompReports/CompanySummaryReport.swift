import AdvocompEngine
import AdvocompModel

/// Several plans calculated together: each plan's report, then the company's figures by
/// currency (`CompanySummary`), in the three formats of `calculate`.
public enum CompanySummaryReport {
    /// The company summary table: plan by plan, then the company, each currency apart.
    public static func table(_ s: CompanySummary) -> String {
        func row(_ l: CompanySummary.Line) -> [String] {
            [l.planID ?? "company", l.currency.code, String(l.payees), String(l.ok), String(l.held), String(l.ineligible),
             Display.money(l.targetIncentive), Display.money(l.payout), Display.money(l.payable), ofTarget(l)]
        }
        var out = "Company summary, \(s.period): \(plural(planCount(s), "plan")), totals by currency (never across currencies)\n"
        out += Display.table(["plan", "cur", "payees", "ok", "held", "inelig.", "target incentive", "payout", "payable (ok)", "of target"],
                             s.plans.map(row) + s.totals.map(row), rightAligned: [2, 3, 4, 5, 6, 7, 8, 9])
        return out
    }

    /// Each plan's table, one after the other, then the company summary.
    public static func table(_ runs: [RunResult], _ s: CompanySummary) -> String {
        runs.map(TableReport.render).joined(separator: "\n") + "\n" + table(s)
    }

    /// SPEC section 7's columns with the plan first: `plan_id,payee_id,status,currency,
    /// target_incentive,payout`, plan by plan in the order given, payee_id ascending in each.
    public static func csv(_ runs: [RunResult]) -> String {
        var out = "plan_id," + CSVReport.header
        for run in runs {
            let prefix = CSVField.escape(run.plan.id) + ","
            for line in CSVReport.render(run).split(separator: "\n", omittingEmptySubsequences: false).dropFirst() where !line.isEmpty {
                out += prefix + line + "\n"
            }
        }
        return out
    }

    /// `{"period", "plans": [each plan's JSON output, as calculate prints it for one plan],
    /// "company": {"plans": [...], "totals": [...]}}`.
    public static func json(_ plans: [String], _ s: CompanySummary) -> String {
        let w = JSONWriter()
        func line(_ l: CompanySummary.Line) {
            w.object {
                if let p = l.planID { w.key("plan"); w.string(p) }
                w.key("currency"); w.string(l.currency.code)
                w.key("payees"); w.raw(String(l.payees))
                w.key("ok"); w.raw(String(l.ok))
                w.key("held"); w.raw(String(l.held))
                w.key("ineligible"); w.raw(String(l.ineligible))
                w.key("target_incentive"); w.string(l.targetIncentive.plain)
                w.key("payout"); w.string(l.payout.plain)
                w.key("payable"); w.string(l.payable.plain)
            }
        }
        w.object {
            w.key("period"); w.string(s.period.description)
            w.key("plans"); w.array { for p in plans { w.raw(p.hasSuffix("\n") ? String(p.dropLast()) : p) } }
            w.key("company")
            w.object {
                w.key("plans"); w.array { s.plans.forEach(line) }
                w.key("totals"); w.array { s.totals.forEach(line) }
            }
        }
        return w.text + "\n"
    }

    /// Payout over target incentive, as a percentage ("-" without a target).
    static func ofTarget(_ l: CompanySummary.Line) -> String {
        guard !l.targetIncentive.isZero, let r = try? l.payout.amount / l.targetIncentive.amount else { return "-" }
        return r.percentString(maxPlaces: 1, minPlaces: 1)
    }

    static func planCount(_ s: CompanySummary) -> Int { Set(s.plans.compactMap(\.planID)).count }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
