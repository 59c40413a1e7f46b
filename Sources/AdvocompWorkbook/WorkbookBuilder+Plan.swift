import AdvocompEngine
import AdvocompModel

/// One parameter of the plan on the Plan sheet: a cell with a defined name.
struct PlanRow {
    var label: String
    var name: String
    var value: Double
    var style: CellStyle
    var formula: String?
}

/// A curve as a table of points on the Curves sheet, laid out once however many
/// measures use it: its columns are the defined names `<prefix>_X`, `_Y` and `_S` (the
/// slope after each point) that every payee's formula reads.
struct CurveTable {
    var curve: Curve
    /// The plan's name of a named curve; nil for a curve written inline in a measure.
    var named: String?
    var prefix: String
    /// The measures and components that read it, in words.
    var usedBy: [String]
}

extension WorkbookBuilder {
    mutating func param(_ label: String, _ name: String, _ value: FixedDecimal, _ style: CellStyle = .decimal) {
        planRows.append(PlanRow(label: label, name: name, value: double(value), style: style, formula: nil))
    }

    static func excelDate(_ d: CivilDate) -> Double { Double(d.dayNumber + 25569) }

    /// The factors of modifiers (1.10, 0.80) with two decimals at least.
    static let factorStyle = CellStyle.format("0.00##")

    mutating func layoutPlan() throws {
        func fixed(_ label: String, _ name: String, _ value: Double, _ style: CellStyle) {
            planRows.append(PlanRow(label: label, name: names.make(name), value: value, style: style, formula: nil))
        }
        fixed("First day of the period", "PeriodStart", WorkbookBuilder.excelDate(run.firstDay), .date)
        fixed("Last day of the period", "PeriodEnd", WorkbookBuilder.excelDate(run.lastDay), .date)
        fixed("Days in the period", "DaysInPeriod", Double(run.lastDay.dayNumber - run.firstDay.dayNumber + 1), .integer)
        fixed("Periods per year (\(plan.pays.rawValue))", "PeriodsPerYear", Double(run.period.periodsPerYear), .integer)
        fixed("Minimum active days", "MinActiveDays", Double(plan.minActiveDays), .integer)
        if let cap = plan.cap { param("Cap (share of the target incentive)", names.make("Cap"), cap, .percent) }
        if let floor = plan.floor { param("Floor (share of the target incentive)", names.make("Floor"), floor, .percent) }
        for (k, kpi) in plan.kpis.enumerated() {
            if let t = kpi.target {
                let n = names.make("Target", kpi.id)
                targetName["\(kpi.id)|"] = n
                param("Target: \(kpiName(k))", n, t, kpiStyle[k])
            }
            for (u, t) in kpi.targets.sorted(by: { $0.key < $1.key }) {
                let n = names.make("Target", kpi.id, u)
                targetName["\(kpi.id)|\(u)"] = n
                param("Target: \(kpiName(k)), unit \(u)", n, t, kpiStyle[k])
            }
        }
        for (ci, c) in plan.components.enumerated() {
            let cn = componentName(ci)
            let w = names.make("Weight", c.id)
            weightName.append(w)
            param("\(cn): weight", w, c.weight, .percent)
            if let m = c.maxScore {
                let n = names.make("MaxScore", c.id)
                maxScoreName.append(n)
                param("\(cn): maximum score", n, m, .percent)
            } else {
                maxScoreName.append(nil)
            }
            var mw: [String] = [], cp: [String?] = [], krs: [(String, String, String, String)] = []
            var okrCurve: String?
            switch c.kind {
            case .measures(let ms):
                for m in ms {
                    let k = kpiIndex[m.kpi] ?? 0
                    let n = names.make("MW", c.id, m.kpi)
                    mw.append(n)
                    param("\(cn): weight of \(kpiName(k))", n, m.weight, .percent)
                    cp.append(m.curve.map { curveTable($0, usedBy: "\(cn): \(kpiName(k))") })
                }
            case .okr(let oid, let curve):
                let o = plan.objectives.first { $0.id == oid }
                for kr in o?.keyResults ?? [] {
                    let style = kpiIndex[kr.kpi].map { kpiStyle[$0] } ?? .decimal
                    let s = names.make("KR", c.id, kr.id, "Start"), t = names.make("KR", c.id, kr.id, "Target")
                    let w = names.make("KR", c.id, kr.id, "Weight"), x = names.make("KR", c.id, kr.id, "Max")
                    let what = "Objective \(oid), key result \(kr.id)"
                    param("\(what) (\(kpiIndex[kr.kpi].map(kpiName) ?? kr.kpi)): start", s, kr.start, style)
                    param("\(what): target", t, kr.target, style)
                    param("\(what): weight", w, kr.weight, .percent)
                    param("\(what): maximum progress", x, kr.max, .percent)
                    krs.append((s, t, w, x))
                }
                okrCurve = curve.map { curveTable($0, usedBy: "\(cn) (objective \(oid))") }
            case .formula: break
            }
            measureWeightName.append(mw)
            curvePrefix.append(cp)
            krNames.append(krs)
            okrCurvePrefix.append(okrCurve)
        }
        let factor = WorkbookBuilder.factorStyle
        for (mi, m) in plan.modifiers.enumerated() {
            let mn = modifierName(mi)
            var n: [String: String] = [:]
            var rows: [(String?, String?, String)] = []
            func add(_ key: String, _ suffix: String, _ label: String, _ value: FixedDecimal, _ style: CellStyle) {
                let name = names.make("Mod", m.id, suffix)
                n[key] = name
                param("\(mn): \(label)", name, value, style)
            }
            switch m.kind {
            case .multiplier(_, let f, let otherwise):
                add("factor", "Factor", "factor", f, factor)
                add("otherwise", "Otherwise", "factor otherwise", otherwise, factor)
            case .gate(_, let otherwise):
                add("otherwise", "Otherwise", "factor when closed", otherwise, factor)
            case .accelerator(_, let above, let rate, let maxExtra):
                add("above", "Above", "accelerates above attainment", above, .percent)
                add("rate", "Rate", "rate", rate, factor)
                if let x = maxExtra { add("max_extra", "MaxExtra", "maximum extra", x, .percent) }
            case .table(let kpi, let on, let tableRows, let otherwise):
                // Bounds are the KPI's values (`on: value`) or attainments.
                let bound = on == .attainment ? CellStyle.percent : kpiIndex[kpi].map { kpiStyle[$0] } ?? .decimal
                for (j, r) in tableRows.enumerated() {
                    var lo: String?, hi: String?
                    if let v = r.atLeast {
                        lo = names.make("Mod", m.id, "R\(j + 1)", "AtLeast")
                        param("\(mn): row \(j + 1), at least", lo!, v, bound)
                    }
                    if let v = r.atMost {
                        hi = names.make("Mod", m.id, "R\(j + 1)", "AtMost")
                        param("\(mn): row \(j + 1), at most", hi!, v, bound)
                    }
                    let f = names.make("Mod", m.id, "R\(j + 1)", "Factor")
                    param("\(mn): row \(j + 1), factor", f, r.factor, factor)
                    rows.append((lo, hi, f))
                }
                add("otherwise", "Otherwise", "factor otherwise", otherwise, factor)
            }
            modifierNames.append(n)
            tableRowNames.append(rows)
        }
        if let pool = run.pool {
            let d = pool.currency.minorDigits
            planRows.append(PlanRow(label: "Pool amount (\(pool.source))", name: names.make("PoolAmount"), value: double(pool.amount),
                                    style: .money(d), formula: nil))
            let units = double(pool.amount) * pow10(d)
            planRows.append(PlanRow(label: "Pool in minor units", name: names.make("PoolUnits"), value: units, style: .integer,
                                    formula: "ROUND(PoolAmount*\(scale(d)),0)"))
        }
    }

    /// The prefix of a curve's names: a named curve's table is laid out once and read by
    /// every measure that names it; an inline curve has a table of its own.
    mutating func curveTable(_ c: Curve, usedBy: String) -> String {
        let named = c.name != "inline" && plan.curves[c.name] != nil ? c.name : nil
        if let named, let i = curveTables.firstIndex(where: { $0.named == named }) {
            curveTables[i].usedBy.append(usedBy)
            return curveTables[i].prefix
        }
        let prefix = names.makePrefix(named ?? "Curve\(curveTables.count + 1)", suffixes: ["X", "Y", "S", "X1", "Below"])
        curveTables.append(CurveTable(curve: c, named: named, prefix: prefix, usedBy: [usedBy]))
        return prefix
    }

    func writePlan(_ s: SheetSink, _ book: WorkbookSink) throws {
        var widths = [ColumnFit.text(planRows.lazy.map(\.label), atLeast: 30), 16, ColumnFit.text(planRows.lazy.map(\.name), atLeast: 16)]
        widths = widths.map { min($0, 90) }
        let layout = widths.map { ColumnLayout($0) }
        try s.columns(layout)
        try s.freezeHeader(rows: 1, cols: 0)
        try s.autofilter(lastRow: max(planRows.count, 1), lastCol: 2)
        try header(s, row: 0, ["Parameter", "Value", "Defined name"], layout)
        for (i, p) in planRows.enumerated() {
            let row = i + 1
            try s.text(row, 0, p.label, .plain)
            if let f = p.formula { try s.formula(row, 1, f, cached: p.value, p.style) } else { try s.number(row, 1, p.value, p.style) }
            try s.text(row, 2, p.name, .plain)
            try book.defineName(p.name, refersTo: "=Plan!$B$\(row + 1)")
        }
        try pageSetup(s, layout, header: 0...0)
    }

    /// Each curve once, as a table: point, attainment, factor, and the slope after the
    /// point (a helper column, hidden: a formula over the points, so editing a point
    /// changes every payee on the curve), the factor below the first point, and what uses it.
    func writeCurves(_ s: SheetSink, _ book: WorkbookSink) throws {
        var labels = ["Below the first point", "Used by"]
        for t in curveTables {
            labels += [curveTitle(t), curveShape(t.curve), "Defined names: \(t.prefix)_X (attainments), \(t.prefix)_Y (factors), \(t.prefix)_S (slopes), \(t.prefix)_Below"]
                + t.usedBy.map { "  " + $0 }
        }
        let layout = [ColumnLayout(min(ColumnFit.text(labels, atLeast: 24), 90)), ColumnLayout(13), ColumnLayout(13),
                      ColumnLayout(14, helper: true)]
        try s.columns(layout)
        var row = 0
        for t in curveTables {
            let c = t.curve, n = c.points.count
            try s.text(row, 0, curveTitle(t), .title); row += 1
            try s.text(row, 0, curveShape(c), .plain); row += 1
            try s.text(row, 0, "Defined names: \(t.prefix)_X (attainments), \(t.prefix)_Y (factors), \(t.prefix)_S (slopes), \(t.prefix)_Below", .plain)
            row += 1
            try header(s, row: row, ["Point", "Attainment", "Factor", "Slope after the point"], layout)
            row += 1
            let first = row  // 0-based row of point 1
            func r(_ j: Int) -> Int { first + j + 1 }  // Excel row of point j (0-based j)
            for (j, p) in c.points.enumerated() {
                try s.text(row, 0, "Point \(j + 1)", .plain)
                try s.number(row, 1, double(p.x), .percent)
                try s.number(row, 2, double(p.y), .percent)
                // Segment j runs from point j to j+1; past the last point the slope is 0
                // (cap) or the last segment's (extend). Step curves have no slope.
                let linear = c.interpolate == .linear
                let segment = j < n - 1 ? j : (linear && c.above == .extend && n >= 2 ? n - 2 : -1)
                if linear && segment >= 0 {
                    let a = c.points[segment], b = c.points[segment + 1]
                    let slope = try (try b.y - a.y) / (try b.x - a.x)
                    try s.formula(row, 3, "(C\(r(segment + 1))-C\(r(segment)))/(B\(r(segment + 1))-B\(r(segment)))", cached: double(slope), .decimal)
                } else {
                    try s.number(row, 3, 0, .decimal)
                }
                row += 1
            }
            let last = row - 1
            try s.text(row, 0, "Below the first point", .plain)
            try s.number(row, 2, double(c.below), .percent)
            try book.defineName("\(t.prefix)_Below", refersTo: "=Curves!$C$\(row + 1)")
            row += 1
            try book.defineName("\(t.prefix)_X", refersTo: "=Curves!$B$\(first + 1):$B$\(last + 1)")
            try book.defineName("\(t.prefix)_Y", refersTo: "=Curves!$C$\(first + 1):$C$\(last + 1)")
            try book.defineName("\(t.prefix)_S", refersTo: "=Curves!$D$\(first + 1):$D$\(last + 1)")
            try book.defineName("\(t.prefix)_X1", refersTo: "=Curves!$B$\(first + 1)")
            try s.text(row, 0, "Used by", .bold); row += 1
            for u in t.usedBy { try s.text(row, 0, "  " + u, .plain); row += 1 }
            row += 1
        }
        try pageSetup(s, layout)
    }

    func curveTitle(_ t: CurveTable) -> String {
        t.named.map { "Curve \($0)" } ?? "Curve of \(t.usedBy.first ?? "a measure") (written in the measure)"
    }

    func curveShape(_ c: Curve) -> String {
        switch (c.interpolate, c.above) {
        case (.step, _): return "Steps: each point's factor from its attainment up to the next point"
        case (.linear, .cap): return "Linear between the points; above the last point its factor"
        case (.linear, .extend): return "Linear between the points; above the last point the last segment goes on"
        }
    }
}
