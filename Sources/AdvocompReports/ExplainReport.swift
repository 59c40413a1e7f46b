import AdvocompEngine
import AdvocompModel

/// One payout derived step by step, in the order of SPEC section 5, so a payee or an
/// auditor can redo it by hand. Exact values are shown with all their digits.
public enum ExplainReport {
    public static func render(_ run: RunResult, payee: PayeeResult) -> String {
        let p = payee.payee
        let plan = run.plan
        let cur = payee.currency
        var o = ""
        func line(_ s: String = "") { o += s + "\n" }
        line("Payee \(p.id) \(p.name)\(p.title.isEmpty ? "" : ", \(p.title)")\(p.unit.isEmpty ? "" : ", unit \(p.unit)")")
        line("Plan \(plan.id) v\(plan.version), period \(run.period) (\(run.firstDay) to \(run.lastDay)), currency \(cur.code), rounding \(plan.rounding.rawValue)")
        line()
        line("1. Target incentive")
        if let b = p.targetBonus {
            line("   annual target = target_bonus \(b)")
        } else if let base = p.baseSalary, let pct = p.targetBonusPct {
            line("   annual target = base_salary \(base) x target_bonus_pct \(pct.percentString(maxPlaces: 6)) = \(payee.annualTarget)")
        }
        let dates = "start \(p.startDate?.description ?? "none"), end \(p.endDate?.description ?? "none")"
        line("   active days = \(payee.activeDays) of \(payee.daysInPeriod) (\(dates))")
        if payee.status == .ineligible {
            line("   \(payee.activeDays) active days < min_active_days \(plan.minActiveDays): ineligible, target incentive 0, payout 0")
            line()
            line("Payout: \(payee.payout.formatted(places: cur.minorDigits)) \(cur.code) (status ineligible)")
            return o
        }
        line("   TI = \(payee.annualTarget) x 1/\(run.period.periodsPerYear) x \(payee.activeDays)/\(payee.daysInPeriod) = \(payee.targetIncentive)")
        line("   (shown rounded: \(payee.roundedTargetIncentive.formatted(places: cur.minorDigits)))")
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
            line("     amount = \(payee.targetIncentive) x \(c.weight) x \(c.score) = \(c.amount)")
        }
        line()
        line("4. Modifiers (in the order written)")
        if t.modifiers.isEmpty { line("   none") }
        for m in t.modifiers {
            line("   \(m.id) (\(m.type)): \(m.reason) -> factor \(m.factor)")
            let after = zip(plan.components, m.amountsAfter).filter { m.appliesTo.contains($0.0.id) }
                .map { "\($0.0.id) \($0.1)" }.joined(separator: ", ")
            line("     applies to \(m.appliesTo.joined(separator: ", ")): \(after)")
        }
        line()
        line("5. Gross = \(payee.grossBeforeClamp)")
        if let cap = plan.cap { line("   cap \(cap.percentString(maxPlaces: 6)) x TI = \((try? cap * payee.targetIncentive)?.description ?? "?")") }
        if let floor = plan.floor { line("   floor \(floor.percentString(maxPlaces: 6)) x TI = \((try? floor * payee.targetIncentive)?.description ?? "?")") }
        switch payee.clamp {
        case .cap: line("   capped: gross = \(payee.gross)")
        case .floor: line("   raised to the floor: gross = \(payee.gross)")
        case .zero: line("   below zero, so 0 (all amounts are >= 0): gross = \(payee.gross)")
        case .none: if plan.cap != nil || plan.floor != nil { line("   within cap and floor") }
        }
        line()
        line("6. Rounding: \(payee.gross) to \(cur.minorDigits) decimal\(cur.minorDigits == 1 ? "" : "s") (\(plan.rounding.rawValue)) = \(payee.roundedPayout.formatted(places: cur.minorDigits))")
        if let pool = run.pool {
            line()
            let d = pool.currency.minorDigits
            if pool.applied {
                line("7. Pool \(pool.amount.formatted(places: d)) (\(pool.source)) < payouts \(pool.totalBefore.formatted(places: d)):")
                line("   \(payee.roundedPayout.formatted(places: d)) x \(pool.amount.formatted(places: d)) / \(pool.totalBefore.formatted(places: d)), floored, plus any unit from the largest-remainder split = \(payee.payout.formatted(places: d))")
            } else {
                line("7. Pool \(pool.amount.formatted(places: d)) covers payouts \(pool.totalBefore.formatted(places: d)): no change")
            }
        }
        line()
        line("Payout: \(payee.payout.formatted(places: cur.minorDigits)) \(cur.code) (status \(payee.status.rawValue))")
        return o
    }
}
