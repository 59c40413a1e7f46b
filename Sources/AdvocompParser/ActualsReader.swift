import AdvocompModel

/// Reads the actuals CSV (`period,scope,kpi,value`, SPEC section 3).
public enum ActualsReader {
    public static let requiredColumns = ["period", "scope", "kpi", "value"]

    public static func read(file: String, bytes: [UInt8], diagnostics: inout [Diagnostic]) -> Actuals {
        var local: [Diagnostic] = []
        let table = CSVTable(file: file, bytes: bytes, diagnostics: &local)
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
        for r in 0..<table.count {
            let period = table.withTrimmedBytes(row: r, column: pc) { Period.parse(bytes: $0) }
            if period == nil {
                local.append(.error("period '\(table.trimmedString(row: r, column: pc))' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)",
                                    at: table.location(row: r, column: pc)))
            }
            let scope = table.withTrimmedBytes(row: r, column: sc) { ActualScope.parse(bytes: $0) }
            if scope == nil {
                local.append(.error("scope '\(table.trimmedString(row: r, column: sc))' is not a scope (expected company, unit:NAME or payee:ID)",
                                    at: table.location(row: r, column: sc)))
            }
            let kpi = table.trimmedString(row: r, column: kc)
            if kpi.isEmpty { local.append(.error("kpi is blank", at: table.location(row: r, column: kc))) }
            let value = cells.number(r, vc, "value", &local)
            if let period, let scope, let value, !kpi.isEmpty {
                rows.append(ActualRow(period: period, scope: scope, kpi: kpi, value: value, line: table.line(of: r)))
            }
        }
        // A duplicate (period, scope, kpi) names both lines.
        struct Key: Hashable { let period: Period; let scope: ActualScope; let kpi: String }
        var seen: [Key: Int] = [:]
        seen.reserveCapacity(rows.count)
        for row in rows {
            let key = Key(period: row.period, scope: row.scope, kpi: row.kpi)
            if let first = seen[key] {
                local.append(.error("duplicate actual for \(row.kpi) at \(row.scope) in \(row.period) (first given on line \(first))",
                                    at: SourceLocation(file: file, line: row.line, column: 1),
                                    notes: [.init("first given here", at: SourceLocation(file: file, line: first, column: 1))]))
            } else {
                seen[key] = row.line
            }
        }
        diagnostics += local
        return Actuals(file: file, rows: rows)
    }
}
