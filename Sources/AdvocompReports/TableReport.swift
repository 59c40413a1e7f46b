import AdvocompEngine
import AdvocompModel

/// The terminal view: one aligned row per payee, then totals by unit and by status. Text
/// from the inputs is shown as `Display.text` shows it (control characters escaped).
public enum TableReport {
    public static func render(_ run: RunResult) -> String {
        var out = Display.text("\(run.plan.title ?? run.plan.id) (\(run.plan.id) v\(run.plan.version)), \(run.period): \(run.firstDay) to \(run.lastDay)") + "\n\n"
        let header = ["payee", "name", "title", "unit", "status", "cur", "target", "payout", "% of target", "note"]
        var rows: [[String]] = []
        for p in run.payees {
            var note: [String] = []
            if p.activeDays < p.daysInPeriod { note.append("active \(p.activeDays)/\(p.daysInPeriod) days") }
            if p.clamp == .cap { note.append("capped") }
            if p.clamp == .floor { note.append("floor") }
            if p.payout != p.roundedPayout { note.append("pool") }
            rows.append([p.payee.id, p.payee.name, p.payee.title, p.payee.unit, p.status.rawValue, p.currency.code,
                         Display.money(p.roundedTargetIncentive), Display.money(p.payout),
                         percent(p.payout, of: p.roundedTargetIncentive), note.joined(separator: ", ")])
        }
        out += Display.table(header, rows, rightAligned: [6, 7, 8])
        let t = run.totals
        out += "\nBy unit\n"
        out += Display.table(["unit", "cur", "payees", "target", "payout", "% of target"],
                             t.byUnit.map { u in
                                 [u.unit.isEmpty ? "(none)" : u.unit, u.currency.code, String(u.payees),
                                  Display.money(u.targetIncentive), Display.money(u.payout), percent(u.payout, of: u.targetIncentive)]
                             },
                             rightAligned: [2, 3, 4, 5])
        out += "\nBy status\n"
        out += Display.table(["status", "cur", "payees", "target", "payout"],
                             t.byStatus.map { s in
                                 [s.status.rawValue, s.currency.code, String(s.payees), Display.money(s.targetIncentive), Display.money(s.payout)]
                             },
                             rightAligned: [2, 3, 4])
        if let pool = run.pool {
            out += "\n" + Display.text("Pool: \(Display.money(pool.amount)) \(pool.currency.code) (\(pool.source)); payouts before the pool "
                + "\(Display.money(pool.totalBefore))"
                + (pool.applied ? ", scaled by \(pool.ratio?.percentString(maxPlaces: 4) ?? "?") to fit." : ", within the pool.")) + "\n"
        }
        if run.ledger != nil { out += findingsSection(run.findings) }
        return out
    }

    /// The gaming findings, one per line: check, payee, action, events, and why.
    public static func findingsSection(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "\nFindings: none (the advocacy ledger passed every check)\n" }
        var out = "\nFindings (\(findings.count))\n"
        out += Display.table(["check", "payee", "action", "events", "detail"],
                             findings.map { [$0.check.rawValue, $0.payeeID ?? "(nobody)", $0.action.rawValue,
                                             $0.eventIDs.joined(separator: " "), $0.detail] },
                             rightAligned: [])
        return out
    }

    /// `a` as a share of `b` (same currency), for people: "119.6%", or "-" when `b` is 0.
    static func percent(_ a: Money, of b: Money) -> String {
        guard !b.isZero, a.currency == b.currency, let r = try? a.amount / b.amount else { return "-" }
        return r.percentString(maxPlaces: 1)
    }
}
