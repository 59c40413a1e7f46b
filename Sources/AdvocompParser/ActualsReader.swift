import AdvocompModel

/// Reads the actuals CSV (`period,scope,kpi,value`, SPEC section 3).
public enum ActualsReader {
    public static let requiredColumns = ["period", "scope", "kpi", "value"]

    public static func read(file: String, bytes: [UInt8], diagnostics: inout [Diagnostic]) -> Actuals {
        var local: [Diagnostic] = []
        let table = CSVTable(file: file, bytes: bytes, what: "an actuals file", diagnostics: &local)
        var columns: [Int] = []
        for name in requiredColumns {
            if let i = table.columnIndex(name) { columns.append(i) } else if !table.header.isEmpty {
                local.append(.error("the actuals file has no '\(name)' column (expected header period,scope,kpi,value)"
                                    + Suggest.didYouMean(name, in: table.header),
                                    at: SourceLocation(file: file, line: 1, column: 1)))
            }
        }
        guard columns.count == 4 else {
            diagnostics += local
            return Actuals(file: file, rows: [])
        }
        let (pc, sc, kc, vc) = (columns[0], columns[1], columns[2], columns[3])
        let cells = CellReader(table: table)
        var rows: [ActualRow] = []
        rows.reserveCapacity(table.count)
        var kpis = Interner(), units = Interner()
        // A duplicate (period, scope, kpi) names both lines. Keys are small integers plus
        // the scope's name, so checking 200,000 rows hashes one short string each.
        struct Key: Hashable { let period: Int32; let kpi: Int32; let unit: Int32; let payee: String }
        var seen: [Key: Int] = [:]
        seen.reserveCapacity(table.count)
        for r in 0..<table.count {
            let period = table.withTrimmedBytes(row: r, column: pc) { Period.parse(bytes: $0) }
            if period == nil {
                local.append(.error("period '\(table.trimmedString(row: r, column: pc))' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)",
                                    at: table.location(row: r, column: pc)))
            }
            // company | unit:NAME (unit names interned) | payee:ID
            var unitID: Int32 = -1
            let scope: ActualScope? = table.withTrimmedBytes(row: r, column: sc) { b in
                guard let parsed = ActualScope.parse(bytes: b) else { return nil }
                if case .unit = parsed {
                    let (id, name) = units.intern(UnsafeBufferPointer(rebasing: b[5...]))
                    unitID = id
                    return .unit(name)
                }
                return parsed
            }
            if scope == nil {
                local.append(.error("scope '\(table.trimmedString(row: r, column: sc))' is not a scope (expected company, unit:NAME or payee:ID)",
                                    at: table.location(row: r, column: sc)))
            }
            let (kpiID, kpi) = table.withTrimmedBytes(row: r, column: kc) { kpis.intern($0) }
            if kpi.isEmpty { local.append(.error("kpi is blank", at: table.location(row: r, column: kc))) }
            let value = cells.number(r, vc, "value", &local)
            guard let period, let scope, let value, !kpi.isEmpty else { continue }
            let line = table.line(of: r)
            var payee = ""
            if case .payee(let p) = scope { payee = p }
            let key = Key(period: period.code, kpi: kpiID, unit: unitID, payee: payee)
            if let first = seen.updateValue(line, forKey: key) {
                seen[key] = first
                local.append(.error("duplicate actual for \(kpi) at \(scope) in \(period) (first given on line \(first))",
                                    at: SourceLocation(file: file, line: line, column: 1),
                                    notes: [.init("first given here", at: SourceLocation(file: file, line: first, column: 1))]))
            }
            rows.append(ActualRow(period: period, scope: scope, kpi: kpi, value: value, line: line))
        }
        diagnostics += local
        return Actuals(file: file, rows: rows)
    }
}
