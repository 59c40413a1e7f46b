import AdvocompEngine
import AdvocompModel

extension WorkbookBuilder {
    /// One printable block per payee (a page each): who, the plan and run, a sentence
    /// saying what they earned, the target incentive, each KPI's actual, target and
    /// attainment with its unit, each component and modifier by name, the gross, the
    /// pool's line, the payout and the status. The figures are references to the payee's
    /// cells on Payouts and Inputs (cached with the engine's values); the sentence is
    /// built from the engine's figures.
    func writeStatements(_ s: SheetSink) throws {
        let kpiLabels = plan.kpis.indices.map { kpiName($0) + " (not scored)" }
        let labels = kpiLabels + plan.components.indices.map(componentName)
            + plan.modifiers.indices.map { "\(modifierName($0)) (\(plan.modifiers[$0].kind.typeName))" }
            + ["Payout before the pool (rounded)", "Pool: payouts scaled to 100.00%"]
        let layout = [ColumnLayout(min(ColumnFit.text(labels, atLeast: 36), 70)), ColumnLayout(16), ColumnLayout(16),
                      ColumnLayout(13), ColumnLayout(12)]
        try s.columns(layout)
        var row = 0
        var breaks: [Int] = []
        var tallest = 0
        let shown = payees.prefix(WorkbookBuilder.statementLimit)
        for (i, p) in shown.enumerated() {
            rowCounter.add()
            if i > 0 { breaks.append(row) }
            let start = row
            row = try writeStatement(s, p, R: String(excelRow(i)), at: row, layout)
            tallest = max(tallest, row - start + 2)  // and the taller header rows
            row += 1
        }
        if payees.count > shown.count {
            try s.text(row, 0, "Statements are shown for the first \(shown.count) of \(payees.count) payees (Excel's row limit); use `advocomp statements RUN --dir DIR` for a workbook per payee, or `advocomp explain --payee ID`.", .plain)
            row += 1
        }
        try s.pageBreaks(beforeRows: breaks)
        try pageSetup(s, layout, lastRow: max(row - 1, 0), blockRows: tallest)
    }

    /// One payee's statement from `row`; returns the row after it. `R`: the payee's row on
    /// Payouts and Inputs.
    func writeStatement(_ s: SheetSink, _ p: PayeeResult, R: String, at start: Int, _ layout: [ColumnLayout]) throws -> Int {
        var row = start
        let d = p.currency.minorDigits
        let payee = p.payee
        try s.text(row, 0, payee.name.isEmpty ? "Payee \(payee.id)" : payee.name, .title); row += 1
        let who = ["Payee \(payee.id)", payee.title, payee.unit.isEmpty ? "" : "unit \(payee.unit)"].filter { !$0.isEmpty }
        try s.text(row, 0, who.joined(separator: ", "), .plain); row += 1
        try s.text(row, 0, "Plan: \(plan.title ?? plan.id) (\(plan.id) v\(plan.version))", .plain); row += 1
        try s.text(row, 0, "Period \(run.period) (\(run.firstDay) to \(run.lastDay)), paid in \(p.currency.code); \(context.runText)", .plain)
        row += 1
        try s.text(row, 0, sentence(p), .bold); row += 2

        try s.text(row, 0, "Target incentive", .bold)
        try s.formula(row, 1, "Payouts!F\(R)", cached: double(p.targetIncentive), .money(d)); row += 1
        try s.text(row, 0, "Active days", .plain)
        try s.formula(row, 1, "Inputs!I\(R)", cached: Double(p.activeDays), .integer)
        try s.text(row, 2, "of \(p.daysInPeriod) in the period", .plain); row += 2

        try header(s, row: row, ["KPI", "Actual", "Target", "Attainment", "Unit"], layout); row += 1
        let figures = p.figures
        for (k, kpi) in plan.kpis.enumerated() {
            let scored = figures?.scored(k) ?? false
            try s.text(row, 0, kpiName(k) + (scored || p.status == .ineligible ? "" : " (not scored)"), .plain)
            if let a = figures?[.actual, k] {
                try s.formula(row, 1, actualRef(k, row: R), cached: double(a), kpiStyle[k])
                if let t = figures?[.target, k], targetName["\(kpi.id)|\(payee.unit)"] ?? targetName["\(kpi.id)|"] != nil {
                    try s.formula(row, 2, targetRef(k, row: R), cached: double(t), kpiStyle[k])
                    if let att = figures?[.attainment, k] {
                        try s.formula(row, 3, attainmentRef(k, row: R), cached: double(att), .percent)
                    }
                }
            } else {
                try s.text(row, 1, "none in the inputs", .plain)
            }
            try s.text(row, 4, kpiUnit[k], .plain)
            row += 1
        }
        row += 1
        try header(s, row: row, ["Component", "Amount", "Weight"], layout); row += 1
        for (c, component) in plan.components.enumerated() {
            try s.text(row, 0, componentName(c), .plain)
            let cached = c < p.componentAmountCount ? double(p.componentAmount(c)) : 0
            try s.formula(row, 1, "Payouts!\(col(componentCols.lowerBound + c))\(R)", cached: cached, .money(d))
            try s.formula(row, 2, weightName[c], cached: double(component.weight), .percent)
            row += 1
        }
        if !plan.modifiers.isEmpty {
            row += 1
            try header(s, row: row, ["Modifier", "Factor", "Applies to"], layout); row += 1
            for (m, modifier) in plan.modifiers.enumerated() {
                try s.text(row, 0, "\(modifierName(m)) (\(modifier.kind.typeName))", .plain)
                let factor = m < p.modifierFactors.count ? p.modifierFactors[m] : figures?[.factor, m]
                try s.formula(row, 1, "Payouts!\(col(modifierCols.lowerBound + m))\(R)", cached: double(factor ?? .one),
                              WorkbookBuilder.factorStyle)
                let applies = modifier.appliesTo.map { ids in
                    ids.map { id in plan.components.firstIndex { $0.id == id }.map(componentName) ?? id }.joined(separator: ", ")
                } ?? "every component"
                try s.text(row, 2, applies, .plain)
                row += 1
            }
        }
        row += 1
        try s.text(row, 0, "Gross (after cap and floor)", .plain)
        try s.formula(row, 1, "Payouts!\(col(grossCol))\(R)", cached: double(p.gross), .money(d)); row += 1
        if let pool = run.pool {
            // The pool's line: what the pool took (or nothing), between the rounded payout
            // and the payout.
            let before = row + 1
            try s.text(row, 0, "Payout before the pool (rounded)", .plain)
            try s.formula(row, 1, "Payouts!\(col(roundedCol))\(R)", cached: double(p.roundedPayout), .money(d)); row += 1
            let label = pool.ratio.flatMap(DisplayName.percent).map { "Pool: payouts scaled to \($0)" } ?? "Pool: not reached (no payout scaled)"
            try s.text(row, 0, label, .plain)
            let change = try p.payout - p.roundedPayout
            try s.formula(row, 1, "Payouts!\(col(payoutCol))\(R)-B\(before)", cached: double(change), .money(d)); row += 1
        }
        try s.text(row, 0, "Payout (\(p.currency.code))", .bold)
        try s.formula(row, 1, "Payouts!\(col(payoutCol))\(R)", cached: double(p.payout), .money(d)); row += 1
        try s.text(row, 0, "Status", .plain)
        try s.formulaText(row, 1, "Payouts!\(col(statusCol))\(R)", cached: p.status.rawValue, .plain); row += 1
        return row
    }

    /// What the payee earned, in one sentence, from the engine's figures: "Daniel Reyes
    /// earned 84,650.86 USD, 128.3% of target; the pool scaled payouts by 92.0%."
    func sentence(_ p: PayeeResult) -> String {
        let who = p.payee.name.isEmpty ? "Payee \(p.payee.id)" : p.payee.name
        switch p.status {
        case .ineligible:
            return "\(who) is not eligible for \(run.period): \(p.activeDays) active day\(p.activeDays == 1 ? "" : "s"), fewer than the plan's minimum of \(plan.minActiveDays); the payout is \(DisplayName.money(p.payout))."
        case .held:
            return "\(who)'s payout of \(DisplayName.money(p.payout)) is held: the advocacy ledger's checks found events to review (sheet Findings)."
        case .ok:
            var text = "\(who) earned \(DisplayName.money(p.payout))"
            let target = p.roundedTargetIncentive
            if !target.isZero, let share = try? p.payout.amount / target.amount, let pct = DisplayName.percent(share) {
                text += ", \(pct) of target"
            }
            switch p.clamp {
            case .cap: text += " (capped at \(plan.cap.flatMap(DisplayName.percent) ?? "the cap") of target)"
            case .floor: text += " (raised to the floor of \(plan.floor.flatMap(DisplayName.percent) ?? "the plan") of target)"
            case .none, .zero: break
            }
            if let pool = run.pool, pool.applied, let ratio = pool.ratio.flatMap(DisplayName.percent) {
                text += "; the pool scaled payouts by \(ratio)"
            }
            return text + "."
        }
    }
}
