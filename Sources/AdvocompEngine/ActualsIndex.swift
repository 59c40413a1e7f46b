import AdvocompModel

/// The actuals and targets of one run, resolved to array slots so evaluating a payee
/// does no string hashing: units are interned once, and each payee's unit and
/// payee-scope slot are looked up once per payee, not once per KPI.
struct RunIndex {
    struct Entry {
        let value: FixedDecimal
        let line: Int
    }
    let kpiCount: Int
    /// Unit name -> unit number.
    let units: [String: Int]
    var company: [Entry?]
    /// [unit * kpiCount + k]
    var unit: [Entry?]
    /// Payee id -> slot in `payee`.
    var payeeSlots: [String: Int]
    /// [slot * kpiCount + k]
    var payee: [Entry?]
    /// [unit * kpiCount + k]: the per-unit target, else the KPI's target.
    var unitTargets: [FixedDecimal?]
    /// Target for a payee with no unit number.
    let defaultTargets: [FixedDecimal?]

    init(plan: Plan, rows: [ActualRow], kpiIndex: [String: Int], payees: [Payee]) {
        kpiCount = plan.kpis.count
        var units: [String: Int] = [:]
        func intern(_ u: String) {
            if units[u] == nil { units[u] = units.count }
        }
        for p in payees { intern(p.unit) }
        for k in plan.kpis { for u in k.targets.keys { intern(u) } }
        for r in rows { if case .unit(let u) = r.scope { intern(u) } }
        self.units = units
        let n = kpiCount
        company = Array(repeating: nil, count: n)
        unit = Array(repeating: nil, count: units.count * n)
        payeeSlots = [:]
        payeeSlots.reserveCapacity(payees.count)
        var payeeEntries: [Entry?] = []
        payeeEntries.reserveCapacity(payees.count * 2)
        for r in rows {
            guard let k = kpiIndex[r.kpi] else { continue }
            let e = Entry(value: r.value, line: r.line)
            switch r.scope {
            case .company: company[k] = e
            case .unit(let u): if let i = units[u] { unit[i * n + k] = e }
            case .payee(let p):
                let slot: Int
                if let s = payeeSlots[p] { slot = s } else {
                    slot = payeeSlots.count
                    payeeSlots[p] = slot
                    payeeEntries.append(contentsOf: repeatElement(nil, count: n))
                }
                payeeEntries[slot * n + k] = e
            }
        }
        payee = payeeEntries
        defaultTargets = plan.kpis.map(\.target)
        var targets: [FixedDecimal?] = []
        targets.reserveCapacity(units.count * n)
        let byNumber = units.sorted { $0.value < $1.value }.map(\.key)
        for u in byNumber {
            for k in plan.kpis { targets.append(k.targets[u] ?? k.target) }
        }
        unitTargets = targets
    }
}
