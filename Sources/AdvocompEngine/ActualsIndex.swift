import AdvocompModel

/// The actuals and targets of one run, resolved to array slots so evaluating a payee
/// does no string hashing: units are interned once, and every payee-scope row is
/// placed at its payee's position in the run, so a payee needs no lookup at all.
struct RunIndex {
    struct Entry {
        let value: FixedDecimal
        let line: Int
    }
    let kpiCount: Int
    /// Unit name -> unit number.
    let units: [String: Int]
    /// Unit number of each payee of the run, by position.
    let payeeUnits: [Int32]
    var company: [Entry?]
    /// [unit * kpiCount + k]
    var unit: [Entry?]
    /// KPI -> its column among payee-scoped KPIs, or -1.
    let payeeColumn: [Int]
    let payeeColumns: Int
    /// [position * payeeColumns + column]
    var payee: [Entry?]
    /// [unit * kpiCount + k]: the per-unit target, else the KPI's target.
    var unitTargets: [FixedDecimal?]
    /// Target for a payee with no unit number.
    let defaultTargets: [FixedDecimal?]

    /// `payees` are `roster.payees` at the roster rows `order`, in run order.
    init(plan: Plan, rows: [ActualRow], period: Period, kpiIndex: [String: Int], roster: Roster, order: [Int], payees: [Payee]) {
        kpiCount = plan.kpis.count
        let n = kpiCount
        var units: [String: Int] = [:]
        var payeeUnits: [Int32] = []
        payeeUnits.reserveCapacity(payees.count)
        var last = ("", -1)  // rosters are often grouped by unit
        for p in payees {
            if p.unit != last.0 || last.1 < 0 {
                let u = units[p.unit] ?? units.count
                if u == units.count { units[p.unit] = u }
                last = (p.unit, u)
            }
            payeeUnits.append(Int32(last.1))
        }
        for k in plan.kpis { for u in k.targets.keys where units[u] == nil { units[u] = units.count } }
        // Rows are read in place (no copies: a copy retains the row's strings).
        rows.withUnsafeBufferPointer { rows in
            for i in rows.indices where rows[i].period == period {
                if case .unit(let u) = rows[i].scope, units[u] == nil { units[u] = units.count }
            }
        }
        self.units = units
        self.payeeUnits = payeeUnits

        var column = Array(repeating: -1, count: n)
        var columns = 0
        for (k, kpi) in plan.kpis.enumerated() where kpi.scope == .payee && kpi.formula == nil {
            column[k] = columns
            columns += 1
        }
        payeeColumn = column
        payeeColumns = columns
        // Roster row -> position in the run (-1: not on the plan); the roster already
        // indexes its rows by payee_id, so no second dictionary is built.
        var positionOfRow = [Int32](repeating: -1, count: columns > 0 ? roster.payees.count : 0)
        if columns > 0 { for (i, row) in order.enumerated() { positionOfRow[row] = Int32(i) } }
        var company = [Entry?](repeating: nil, count: n)
        var unit = [Entry?](repeating: nil, count: units.count * n)
        var payee = [Entry?](repeating: nil, count: payees.count * columns)
        rows.withUnsafeBufferPointer { rows in
            var lastKPI = "", lastK: Int? = nil  // rows usually come grouped by KPI
            for i in rows.indices where rows[i].period == period {
                if lastK == nil || rows[i].kpi != lastKPI {
                    lastKPI = rows[i].kpi
                    lastK = kpiIndex[lastKPI] ?? -1
                }
                guard let k = lastK, k >= 0 else { continue }
                let e = Entry(value: rows[i].value, line: rows[i].line)
                switch rows[i].scope {
                case .company: company[k] = e
                case .unit(let u): if let j = units[u] { unit[j * n + k] = e }
                case .payee(let p):
                    if column[k] >= 0, let row = roster.rowOf[p], positionOfRow[row] >= 0 {
                        payee[Int(positionOfRow[row]) * columns + column[k]] = e
                    }
                }
            }
        }
        self.company = company
        self.unit = unit
        self.payee = payee
        defaultTargets = plan.kpis.map(\.target)
        var targets: [FixedDecimal?] = []
        targets.reserveCapacity(units.count * n)
        for u in units.sorted(by: { $0.value < $1.value }).map(\.key) {
            for k in plan.kpis { targets.append(k.targets[u] ?? k.target) }
        }
        unitTargets = targets
    }
}
