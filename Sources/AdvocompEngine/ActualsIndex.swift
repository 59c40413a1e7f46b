import AdvocompModel

/// The actuals of one period, indexed by KPI and scope for constant-time lookup.
struct ActualsIndex {
    struct Entry {
        let value: FixedDecimal
        let line: Int
    }
    var company: [Entry?]
    var unit: [[String: Entry]]
    var payee: [[String: Entry]]

    init(actuals: Actuals, period: Period, kpiIndex: [String: Int]) {
        let n = kpiIndex.count
        company = Array(repeating: nil, count: n)
        unit = Array(repeating: [:], count: n)
        payee = Array(repeating: [:], count: n)
        for row in actuals.rows where row.period == period {
            guard let k = kpiIndex[row.kpi] else { continue }
            let e = Entry(value: row.value, line: row.location.line)
            switch row.scope {
            case .company: company[k] = e
            case .unit(let u): unit[k][u] = e
            case .payee(let p): payee[k][p] = e
            }
        }
    }
}
