import AdvocompEngine
import AdvocompModel

extension WorkbookBuilder {
    var componentCols: Range<Int> { 6..<(6 + plan.components.count) }
    var modifierCols: Range<Int> { componentCols.upperBound..<(componentCols.upperBound + plan.modifiers.count) }
    var grossCol: Int { modifierCols.upperBound }
    var roundedCol: Int { grossCol + 1 }
    var payoutCol: Int { grossCol + 2 }
    var statusCol: Int { grossCol + 3 }
    /// The pool's split is worked out in helper columns (units, share, remainder, order,
    /// extra unit) over every payee; a payee's own workbook has none (the split reads the
    /// other payees' payouts).
    var hasPoolColumns: Bool { run.pool != nil && only == nil }
    var poolCols: Int { statusCol + 1 }
    /// One column per OKR component holding its objective score, so the curve reads a cell.
    var objectiveCols: Int { poolCols + (hasPoolColumns ? 5 : 0) }
    var okrComponents: [Int] {
        plan.components.indices.filter { if case .okr = plan.components[$0].kind { return true } else { return false } }
    }
    /// The one payee's payout when the pool scaled it: the engine's figure (the split
    /// needs every payee's payout, which a payee's own workbook does not hold).
    var pooledPayout: Bool { only != nil && run.pool?.split != nil }

    func writePayouts(_ s: SheetSink) throws {
        var titles = ["Payee ID", "Name", "Title", "Unit", "Currency", "Target incentive"]
        titles += plan.components.indices.map(componentName)
        titles += plan.modifiers.indices.map { "\(modifierName($0)) factor" }
        titles += ["Gross", run.pool != nil ? "Payout before pool" : "Rounded payout", "Payout", "Status"]
        if hasPoolColumns { titles += ["Pool: payout in minor units", "Pool: share", "Pool: remainder", "Pool: order", "Pool: extra unit"] }
        titles += okrComponents.map { "\(componentName($0)): objective score" }
        let d = moneyDigits
        var data: [Double] = [ColumnFit.text(payees.lazy.map(\.payee.id)), ColumnFit.text(payees.lazy.map(\.payee.name)),
                              ColumnFit.text(payees.lazy.map(\.payee.title)), ColumnFit.text(payees.lazy.map(\.payee.unit)), 8,
                              ColumnFit.money(largest { $0.targetIncentive.amount }, digits: d)]
        for c in plan.components.indices {
            data.append(ColumnFit.money(largest { c < $0.componentAmountCount ? $0.componentAmount(c).amount : nil }, digits: d))
        }
        data += plan.modifiers.map { _ in 8 }
        let grossWidth = ColumnFit.money(largest { $0.gross.amount }, digits: d)
        data += [grossWidth, grossWidth, grossWidth, 10]
        var layout = zip(titles, data).map { ColumnLayout(ColumnFit.header($0, data: $1)) }
        if hasPoolColumns { layout += (0..<5).map { _ in ColumnLayout(13, helper: true) } }
        layout += okrComponents.map { ColumnLayout(ColumnFit.header("\(componentName($0)): objective score", data: 10)) }
        try s.columns(layout)
        try s.freezeHeader(rows: 1, cols: 1)
        try s.autofilter(lastRow: max(payees.count, 1), lastCol: titles.count - 1)
        try header(s, row: 0, titles, layout)
        try pageSetup(s, layout, header: 0...0)
        let last = excelRow(payees.count - 1)
        // Every formula of a row is the same on every row but for the row number: build
        // each column's template once, then stamp it out per payee.
        let R = RowTemplate.marker
        let ti = "F\(R)"
        let tiT = RowTemplate("IF(Inputs!I\(R)<MinActiveDays,0,Inputs!H\(R)*Inputs!I\(R)/(DaysInPeriod*PeriodsPerYear))")
        let objectiveT = okrComponents.map { RowTemplate(objectiveScore($0, row: R)) }
        let componentT = plan.components.enumerated().map { c, component -> RowTemplate in
            var f = "\(ti)*\(weightName[c])*\(score(c, component, row: R))"
            for (m, modifier) in plan.modifiers.enumerated() where modifier.applies(to: component.id) {
                f += "*\(col(modifierCols.lowerBound + m))\(R)"
            }
            return RowTemplate(f)
        }
        let modifierT = plan.modifiers.enumerated().map { RowTemplate(factor($0, $1, row: R)) }
        var gross = "MAX(0,SUM(\(col(componentCols.lowerBound))\(R):\(col(componentCols.upperBound - 1))\(R)))"
        if plan.floor != nil { gross = "MAX(\(gross),Floor*\(ti))" }
        if plan.cap != nil { gross = "MIN(\(gross),Cap*\(ti))" }
        let grossT = RowTemplate(gross)
        let rounded = "\(col(roundedCol))\(R)"
        // The gross is never negative (it is at least 0 above), so the short form of the rounding applies.
        var roundedT: [Int: RowTemplate] = [:]  // by the currency's minor digits
        // A payee held by the ledger's checks (see Findings) is held unless ineligible.
        let statusT = RowTemplate("IF(Inputs!I\(R)<MinActiveDays,\"ineligible\",\"ok\")")
        let heldStatusT = RowTemplate("IF(Inputs!I\(R)<MinActiveDays,\"ineligible\",\"held\")")
        let held = run.ledger?.held ?? []
        var payoutT = RowTemplate(rounded)
        var poolT: [RowTemplate] = []
        if hasPoolColumns, let pool = run.pool.map({ poolCells($0) }) {
            let d = run.pool?.currency.minorDigits ?? 2
            let u = "\(col(poolCols))\(R)", share = "\(col(poolCols + 1))\(R)"
            let rem = "\(col(poolCols + 2))\(R)", ord = "\(col(poolCols + 3))\(R)", extra = "\(col(poolCols + 4))\(R)"
            let remRange = "$\(col(poolCols + 2))$2:$\(col(poolCols + 2))$\(last)"
            let ordRange = "$\(col(poolCols + 3))$2:$\(col(poolCols + 3))$\(last)"
            // units * pool is a whole number, exact in a spreadsheet's doubles below 2^53
            // (9e15: a payout of $1M under a pool of $90M): its remainder by the total
            // gives the share and the fraction left over without rounding noise.
            let product = "\(u)*PoolUnits"
            payoutT = RowTemplate("IF(\(pool.total)>PoolUnits,(\(share)+\(extra))/\(scale(d)),\(rounded))")
            poolT = [
                RowTemplate("ROUND(\(rounded)*\(scale(d)),0)"),
                RowTemplate("IF(\(pool.total)>PoolUnits,(\(product)-MOD(\(product),\(pool.total)))/\(pool.total),\(u))"),
                RowTemplate("IF(\(pool.total)>PoolUnits,ROUND(MOD(\(product),\(pool.total))/\(pool.total),9),0)"),
                RowTemplate("IF(\(pool.total)>PoolUnits,IF(SUMPRODUCT(--(\(remRange)>\(rem)))+SUMPRODUCT(--(\(remRange)=\(rem)),--(\(ordRange)<\(ord)))<\(pool.leftover),1,0),0)"),
            ]
        }
        // Payee index -> its place among the pool's members.
        var poolMember = [Int?](repeating: nil, count: hasPoolColumns ? payees.count : 0)
        if hasPoolColumns { for (n, i) in (run.pool?.split?.members ?? []).enumerated() { poolMember[i] = n } }
        for (i, p) in payees.enumerated() {
            rowCounter.add()
            let row = i + 1, R = excelRow(i)
            let d = p.currency.minorDigits
            try s.text(row, 0, p.payee.id, .plain)
            try s.text(row, 1, p.payee.name, .plain)
            try s.text(row, 2, p.payee.title, .plain)
            try s.text(row, 3, p.payee.unit, .plain)
            try s.text(row, 4, p.currency.code, .plain)
            try s.formula(row, 5, tiT.render(R), cached: double(p.targetIncentive), .money(d))
            let ineligible = p.status == .ineligible
            let figures = p.figures
            for (j, c) in okrComponents.enumerated() {
                try s.formula(row, objectiveCols + j, objectiveT[j].render(R), cached: double(figures?[.objectiveScore, c] ?? .zero), .percent)
            }
            for c in plan.components.indices {
                let cached = ineligible || c >= p.componentAmountCount ? 0 : double(p.componentAmount(c))
                try s.formula(row, componentCols.lowerBound + c, componentT[c].render(R), cached: cached, .money(d))
            }
            for m in plan.modifiers.indices {
                let factor = m < p.modifierFactors.count ? p.modifierFactors[m] : figures?[.factor, m]
                try s.formula(row, modifierCols.lowerBound + m, modifierT[m].render(R), cached: double(factor ?? .one),
                              WorkbookBuilder.factorStyle)
            }
            try s.formula(row, grossCol, grossT.render(R), cached: double(p.gross), .money(d))
            let roundT = roundedT[d] ?? RowTemplate(ExcelFormula.round("\(col(grossCol))\(RowTemplate.marker)", places: d,
                                                                         mode: plan.rounding, nonNegative: true))
            roundedT[d] = roundT
            try s.formula(row, roundedCol, roundT.render(R), cached: double(p.roundedPayout), .money(d))
            if pooledPayout && p.payout != p.roundedPayout {
                // Scaled by the pool over every payee's payout: the engine's figure.
                try s.number(row, payoutCol, double(p.payout), .money(d))
            } else {
                try s.formula(row, payoutCol, payoutT.render(R), cached: double(p.payout), .money(d))
            }
            try s.formulaText(row, statusCol, (held.contains(p.payee.id) ? heldStatusT : statusT).render(R),
                              cached: p.status.rawValue, .plain)
            if !poolT.isEmpty {
                // The pool's split as the engine made it (`PoolSplit`); without one (the pool
                // does not bind, or the payee is not in it) the share is the payout itself.
                // Rounded to minor units by the engine: the division is exact.
                let units = p.roundedPayout.amount.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale - d))
                let n = poolMember[i]
                let split = run.pool?.split
                let share = n.flatMap { n in split.map { $0.shares[n] } } ?? units
                let remainder = n.flatMap { n in split.map { $0.remainders[n] } } ?? .zero
                let extra = n.flatMap { n in split.map { $0.extraUnit[n] } } ?? false
                try s.formula(row, poolCols, poolT[0].render(R), cached: Double(units), .integer)
                try s.formula(row, poolCols + 1, poolT[1].render(R), cached: Double(share), .integer)
                try s.formula(row, poolCols + 2, poolT[2].render(R), cached: double(try remainder.rounded(places: 9, mode: .halfEven)), .decimal)
                try s.number(row, poolCols + 3, Double(i + 1), .integer)
                try s.formula(row, poolCols + 4, poolT[3].render(R), cached: extra ? 1 : 0, .integer)
            }
        }
        if only == nil && !payees.isEmpty { try writePayoutTotals(s, lastPayeeRow: last) }
    }

    /// Below the payees, after a blank row: a totals row per currency (amounts are never
    /// added across currencies), live formulas over the columns above, cached with the
    /// engine's totals (`RunTotals`): payees, target incentive (unrounded, as the column
    /// holds it), payout.
    func writePayoutTotals(_ s: SheetSink, lastPayeeRow last: Int) throws {
        func range(_ c: Int) -> String { "$\(col(c))$2:$\(col(c))$\(last)" }
        var row = payees.count + 2
        for total in run.totals.byCurrency {
            let R = row + 1, d = total.currency.minorDigits
            for c in 0...statusCol { try s.text(row, c, "", .totalLabel) }
            try s.text(row, 0, "Total \(total.currency.code)", .totalLabel)
            try s.formula(row, 1, "COUNTIF(\(range(4)),$E\(R))", cached: Double(total.payees), .totalFormat("#,##0 \"payees\""))
            try s.text(row, 4, total.currency.code, .totalLabel)
            try s.formula(row, 5, "SUMIFS(\(range(5)),\(range(4)),$E\(R))", cached: double(total.exactTargetIncentive), .totalMoney(d))
            try s.formula(row, payoutCol, "SUMIFS(\(range(payoutCol)),\(range(4)),$E\(R))", cached: double(total.payout), .totalMoney(d))
            row += 1
        }
    }

    /// Cells the pool's split needs: the sum of payouts in minor units and the units
    /// still to hand out after flooring, both over the Payouts column.
    func poolCells(_ pool: PoolResult) -> (total: String, leftover: String) {
        let last = excelRow(payees.count - 1)
        let u = "$\(col(poolCols))$2:$\(col(poolCols))$\(last)"
        let share = "$\(col(poolCols + 1))$2:$\(col(poolCols + 1))$\(last)"
        return ("SUM(\(u))", "(PoolUnits-SUM(\(share)))")
    }

    /// The component's score for the payee on row R (SPEC section 5 step 5).
    func score(_ c: Int, _ component: Component, row R: String) -> String {
        var raw: String
        switch component.kind {
        case .measures(let ms):
            raw = ms.enumerated().map { i, m -> String in
                let k = kpiIndex[m.kpi] ?? 0
                let a = attainmentRef(k, row: R)
                let f = m.curve.map { ExcelFormula.curve($0, prefix: curvePrefix[c][i] ?? "", at: a) } ?? a
                return "\(measureWeightName[c][i])*\(f)"
            }.joined(separator: "+")
        case .okr(_, let curve):
            let objective = "\(col(objectiveCols + (okrComponents.firstIndex(of: c) ?? 0)))\(R)"
            raw = curve.map { ExcelFormula.curve($0, prefix: okrCurvePrefix[c] ?? "", at: objective) } ?? objective
        case .formula(let e):
            raw = expressionTranslator(row: R, onInputs: false).translate(e.tree)
        }
        if let m = maxScoreName[c] { return "MIN(\(m),\(raw))" }
        return "(\(raw))"
    }

    /// An OKR component's objective score: the weighted progress of its key results.
    func objectiveScore(_ c: Int, row R: String) -> String {
        guard case .okr(let oid, _) = plan.components[c].kind else { return "0" }
        let o = plan.objectives.first { $0.id == oid }
        return (o?.keyResults ?? []).enumerated().map { j, kr -> String in
            let n = krNames[c][j]
            let a = actualRef(kpiIndex[kr.kpi] ?? 0, row: R)
            return "\(n.weight)*MIN(MAX((\(a)-\(n.start))/(\(n.target)-\(n.start)),0),\(n.max))"
        }.joined(separator: "+")
    }

    /// The modifier's factor for the payee on row R (SPEC section 5 step 6).
    func factor(_ m: Int, _ modifier: Modifier, row R: String) -> String {
        let n = modifierNames[m]
        let x = expressionTranslator(row: R, onInputs: false)
        switch modifier.kind {
        case .multiplier(let when, _, _):
            return "IF(\(x.translate(when.tree)),\(n["factor"] ?? "1"),\(n["otherwise"] ?? "1"))"
        case .gate(let when, _):
            return "IF(\(x.translate(when.tree)),1,\(n["otherwise"] ?? "0"))"
        case .accelerator(let kpi, _, _, _):
            let a = attainmentRef(kpiIndex[kpi] ?? 0, row: R)
            let extra = "\(n["rate"] ?? "0")*MAX(0,\(a)-\(n["above"] ?? "1"))"
            return n["max_extra"].map { "1+MIN(\($0),\(extra))" } ?? "1+\(extra)"
        case .table(let kpi, let on, _, _):
            let k = kpiIndex[kpi] ?? 0
            let v = on == .value ? actualRef(k, row: R) : attainmentRef(k, row: R)
            var f = n["otherwise"] ?? "1"
            for r in tableRowNames[m].reversed() {
                var conds: [String] = []
                if let lo = r.atLeast { conds.append("\(v)>=\(lo)") }
                if let hi = r.atMost { conds.append("\(v)<=\(hi)") }
                let cond = conds.count == 1 ? conds[0] : "AND(\(conds.joined(separator: ",")))"
                f = "IF(\(cond),\(r.factor),\(f))"
            }
            return f
        }
    }
}
