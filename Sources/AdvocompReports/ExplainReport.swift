import AdvocompEngine
import AdvocompModel

/// One payout derived step by step, in the order of SPEC section 5, so a payee or an
/// auditor can redo it by hand. Money amounts are shown rounded to the currency's minor
/// units as money is paid (`Money.rounded` with the plan's rounding), the rule stated once
/// at the top; `exact` shows every amount with all the digits the calculation keeps.
/// Inputs are shown as written, attainments and factors as percentages to 6 places. It is
/// for a terminal: every line is shown as `Display.text` shows it (control characters
/// escaped).
public enum ExplainReport {
    public static func render(_ run: RunResult, payee: PayeeResult, exact: Bool = false) -> String {
        let p = payee.payee
        let plan = run.plan
        let cur = payee.currency
        var o = ""
        func line(_ s: String = "") { o += Display.text(s) + "\n" }
        /// A money amount of the calculation, as the report shows it.
        func money(_ x: FixedDecimal) -> String {
            exact ? x.description : ((try? Money(x, cur).rounded(plan.rounding).plain) ?? x.description)
        }
        /// A weight or a score in an amount's product.
        func factor(_ x: FixedDecimal) -> String { exact ? x.description : x.percentString(maxPlaces: 6) }
        let places = "\(cur.minorDigits) decimal\(cur.minorDigits == 1 ? "" : "s")"
        line("Payee \(p.id) \(p.name)\(p.title.isEmpty ? "" : ", \(p.title)")\(p.unit.isEmpty ? "" : ", unit \(p.unit)")")
        line("Plan \(plan.id) v\(plan.version), period \(run.period) (\(run.firstDay) to \(run.lastDay)), currency \(cur.code), rounding \(plan.rounding.rawValue)")
        if exact {
            line("Money is shown exact, with every digit the calculation keeps; it is rounded once, in step 6.")
        } else {
            line("Money is shown as it is paid: rounded to \(places) (\(plan.rounding.rawValue)). The calculation keeps every digit,")
            line("so a step redone from the rounded figures can be a minor unit off; --exact shows every digit.")
        }
        line()
        line("1. Target incentive")
        if let b = p.targetBonus {
            line("   annual target = target_bonus \(b)")
        } else if let base = p.baseSalary, let pct = p.targetBonusPct {
            line("   annual target = base_salary \(base) x target_bonus_pct \(pct.percentString(maxPlaces: 6)) = \(money(payee.annualTarget.amount))")
        }
        let dates = "start \(p.startDate?.description ?? "none"), end \(p.endDate?.description ?? "none")"
        line("   active days = \(payee.activeDays) of \(payee.daysInPeriod) (\(dates))")
        if payee.status == .ineligible {
            line("   \(payee.activeDays) active days < min_active_days \(plan.minActiveDays): ineligible, target incentive 0, payout 0")
            line()
            line("Payout: \(payee.payout.plain) \(cur.code) (status ineligible)")
            return o
        }
        if exact {
            line("   TI = \(payee.annualTarget.amount) x 1/\(run.period.periodsPerYear) x \(payee.activeDays)/\(payee.daysInPeriod) = \(payee.targetIncentive.amount)")
            line("   (shown rounded: \(payee.roundedTargetIncentive.plain))")
        } else {
            line("   TI = \(money(payee.annualTarget.amount)) x 1/\(run.period.periodsPerYear) x \(payee.activeDays)/\(payee.daysInPeriod) = \(payee.roundedTargetIncentive.plain)")
        }
        guard let t = payee.trace else { return o }
        line()
        line("2. KPIs")
        for k in t.kpis {
            var s = "   \(k.id) = \(k.actual)  [\(k.source)]"
            if let target = k.target, let att = k.attainment {
                s += "; target \(target) [\(k.targetSource ?? "target")]; attainment "
                s += k.better == .higher ? "\(k.actual) / \(target)" : "2 - \(k.actual) / \(target) (lower is better)"
                s += " = \(att.percentString(maxPlaces: 6))"
            }
            line(s)
        }
        line()
        line("3. Components (amount = TI x weight x score)")
        for c in t.components {
            line("   \(c.id) (weight \(c.weight.percentString(maxPlaces: 6)))")
            for m in c.measures {
                let f = m.curve.map { "curve \($0) at \(m.attainment.percentString(maxPlaces: 6))" } ?? "no curve: the attainment"
                line("     \(m.kpi): weight \(m.weight.percentString(maxPlaces: 6)) x factor \(m.factor.percentString(maxPlaces: 6)) (\(f))")
            }
            for kr in c.keyResults {
                line("     \(kr.id) (\(kr.kpi)): progress = clamp((\(kr.actual) - \(kr.start)) / (\(kr.target) - \(kr.start)), 0, \(kr.max.percentString())) = \(kr.progress.percentString(maxPlaces: 6)), weight \(kr.weight.percentString(maxPlaces: 6))")
            }
            if let o = c.objective, let os = c.objectiveScore {
                line("     objective \(o) score = \(os.percentString(maxPlaces: 6))" + (c.curve.map { ", through curve \($0)" } ?? ""))
            }
            if let f = c.formula { line("     formula \(f) = \(c.rawScore)") }
            line("     score = \(c.rawScore.percentString(maxPlaces: 6))")
            if let m = c.maxScore, c.rawScore > m { line("     clamped to max_score \(m.percentString(maxPlaces: 6))") }
            line("     amount = \(money(payee.targetIncentive.amount)) x \(factor(c.weight)) x \(factor(c.score)) = \(money(c.amount))")
        }
        line()
        line("4. Modifiers (in the order written)")
        if t.modifiers.isEmpty { line("   none") }
        for m in t.modifiers {
            line("   \(m.id) (\(m.type)): \(m.reason) -> factor \(m.factor)")
            let after = zip(plan.components, m.amountsAfter).filter { m.appliesTo.contains($0.0.id) }
                .map { "\($0.0.id) \(money($0.1))" }.joined(separator: ", ")
            line("     applies to \(m.appliesTo.joined(separator: ", ")): \(after)")
        }
        line()
        line("5. Gross = \(money(payee.grossBeforeClamp.amount))")
        if let cap = plan.cap { line("   cap \(cap.percentString(maxPlaces: 6)) x TI = \((try? cap * payee.targetIncentive.amount).map(money) ?? "?")") }
        if let floor = plan.floor { line("   floor \(floor.percentString(maxPlaces: 6)) x TI = \((try? floor * payee.targetIncentive.amount).map(money) ?? "?")") }
        switch payee.clamp {
        case .cap: line("   capped: gross = \(money(payee.gross.amount))")
        case .floor: line("   raised to the floor: gross = \(money(payee.gross.amount))")
        case .zero: line("   below zero, so 0 (all amounts are >= 0): gross = \(money(payee.gross.amount))")
        case .none: if plan.cap != nil || plan.floor != nil { line("   within cap and floor") }
        }
        line()
        line("6. Rounding: \(exact ? payee.gross.amount.description : "the gross") to \(places) (\(plan.rounding.rawValue)) = \(payee.roundedPayout.plain)")
        if let pool = run.pool {
            line()
            if pool.applied {
                line("7. Pool \(pool.amount.plain) (\(pool.source)) < payouts \(pool.totalBefore.plain):")
                line("   \(payee.roundedPayout.plain) x \(pool.amount.plain) / \(pool.totalBefore.plain), floored, plus any unit from the largest-remainder split = \(payee.payout.plain)")
            } else {
                line("7. Pool \(pool.amount.plain) covers payouts \(pool.totalBefore.plain): no change")
            }
        }
        if let ledger = run.ledger { o += ledgerSection(ledger, run: run, payee: payee) }
        line()
        line("Payout: \(payee.payout.plain) \(cur.code) (status \(payee.status.rawValue))")
        return o
    }

    /// The payee's events in the period: which were credited, which excluded and why,
    /// which self-reports a system event stands for; the derived KPIs; the findings.
    static func ledgerSection(_ outcome: LedgerOutcome, run: RunResult, payee: PayeeResult) -> String {
        let id = payee.payee.id
        let ledger = outcome.ledger
        var o = ""
        func line(_ s: String) { o += Display.text(s) + "\n" }
        line("")
        line("Advocacy ledger (\(ledger.file)): events credited to \(id) in \(run.period)")
        let mine = ledger.events.indices.filter { i in
            outcome.inPeriod(ledger.events[i]) && ledger.creditedTo(ledger.events[i]) == id
        }.sorted { ledger.events[$0].date != ledger.events[$1].date ? ledger.events[$0].date < ledger.events[$1].date : ledger.events[$0].id < ledger.events[$1].id }
        var findingsByEvent: [String: [Finding]] = [:]
        for f in outcome.findings where f.payeeID == id { for e in f.eventIDs { findingsByEvent[e, default: []].append(f) } }
        if mine.isEmpty { line("   none") }
        for i in mine {
            let e = ledger.events[i], st = outcome.events[i]
            var what = "\(e.id) \(e.date) \(ledger.type(of: e)), advocate \(ledger.advocate(of: e)), "
            what += e.solicited ? "solicited" : "unsolicited"
            if e.source == .selfReported { what += ", self-reported" }
            if let a = e.amount { what += ", amount \(a)" }
            let eventChecks = (findingsByEvent[e.id] ?? []).filter { $0.check < .periodEndSpike }
            if st.matchedBy >= 0 {
                what += ": verified by system event \(ledger.events[Int(st.matchedBy)].id), which is counted instead"
            } else if st.credited {
                what += ": credited"
                for f in eventChecks { what += "; flagged by \(f.check.rawValue): \(f.detail)" }
            } else {
                what += ": excluded"
                for f in eventChecks where f.action != .flag { what += " by \(f.check.rawValue) (\(f.action.rawValue)): \(f.detail)" }
            }
            line("   \(what)")
        }
        for k in run.plan.kpis {
            guard let d = k.fromEvents else { continue }
            let weight = d.unsolicitedWeight == .one ? "" : ", unsolicited events x \(d.unsolicitedWeight.percentString(maxPlaces: 6))"
            line("   \(k.id) (\(k.scope.rawValue) scope) = \(d.value == .count ? "count" : "sum of amounts") of credited events of type \(d.types.joined(separator: ", "))\(weight)")
        }
        let payeeFindings = outcome.findings.filter { $0.payeeID == id && $0.check >= .periodEndSpike }
        for f in payeeFindings { line("   \(f.check.rawValue) (\(f.action.rawValue)): \(f.detail) [\(f.eventIDs.joined(separator: " "))]") }
        let holds = outcome.findings.filter { $0.payeeID == id && $0.action == .hold }
        if !holds.isEmpty {
            let reasons = holds.map { "\($0.check.rawValue) on \($0.eventIDs.joined(separator: " "))" }.joined(separator: "; ")
            line(payee.status == .held
                 ? "   held (SPEC section 5 step 8): \(reasons); the amount is computed but not paid until released"
                 : "   a hold was found (\(reasons)), but the payee is \(payee.status.rawValue)")
        }
        return o
    }
}
