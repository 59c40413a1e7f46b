import AdvocompModel

/// Reads the roster CSV (SPEC section 3) into `Roster`, reporting every bad cell.
public enum RosterReader {
    public static let knownColumns = ["payee_id", "name", "title", "unit", "plan", "currency", "base_salary",
                                      "target_bonus_pct", "target_bonus", "start_date", "end_date"]

    public static func read(file: String, bytes: [UInt8], diagnostics: inout [Diagnostic]) -> Roster {
        var local: [Diagnostic] = []
        let table = CSVTable(file: file, bytes: bytes, what: "a roster", diagnostics: &local)
        let headerAt = SourceLocation(file: file, line: 1, column: 1)
        var duplicateColumns = Set<String>()
        for (i, h) in table.header.enumerated() where table.header[..<i].contains(h) {
            duplicateColumns.insert(h)
            local.append(.error("column '\(h)' appears twice in the header", at: SourceLocation(file: file, line: 1, column: i + 1)))
        }
        guard let idCol = table.columnIndex("payee_id") else {
            local.append(.error("the roster has no 'payee_id' column" + Suggest.didYouMean("payee_id", in: table.header), at: headerAt))
            diagnostics += local
            return Roster(file: file, columns: Set(table.header), payees: [])
        }
        let col = { (name: String) in table.columnIndex(name) }
        let nameCol = col("name"), titleCol = col("title"), unitCol = col("unit"), planCol = col("plan")
        let currencyCol = col("currency"), baseCol = col("base_salary"), pctCol = col("target_bonus_pct")
        let bonusCol = col("target_bonus"), startCol = col("start_date"), endCol = col("end_date")

        var payees: [Payee] = []
        payees.reserveCapacity(table.count)
        var rowOf: [String: Int] = [:]
        rowOf.reserveCapacity(table.count)
        let cells = CellReader(table: table)
        var titles = Interner(), units = Interner(), plans = Interner(), currencies = Interner()
        for r in 0..<table.count {
            let id = table.trimmedString(row: r, column: idCol)
            if id.isEmpty {
                local.append(.error("payee_id is blank", at: table.location(row: r, column: idCol)))
            } else if let first = rowOf[id] {
                local.append(.error("duplicate payee_id '\(id)'", at: table.location(row: r, column: idCol),
                                    notes: [.init("first used here", at: table.location(row: first, column: idCol))]))
            } else {
                rowOf[id] = r
            }
            let location = SourceLocation(file: file, line: table.line(of: r), column: 1)
            let name = nameCol.map { table.string(row: r, column: $0) } ?? ""
            // Titles, units, plans and currencies repeat from row to row: share their strings.
            let title = titleCol.map { c in table.withUntrimmedBytes(row: r, column: c) { titles.intern($0).string } } ?? ""
            let unit = unitCol.map { c in table.withTrimmedBytes(row: r, column: c) { units.intern($0).string } } ?? ""
            var plan: String?
            if let c = planCol {
                let v = table.withTrimmedBytes(row: r, column: c) { plans.intern($0).string }
                plan = v.isEmpty ? nil : v
            }
            var currency: Currency?
            if let c = currencyCol {
                let code = table.withTrimmedBytes(row: r, column: c) { currencies.intern($0).string }
                if !code.isEmpty {
                    if let cur = Currency(code: code) { currency = cur } else {
                        local.append(.error("unknown currency '\(code)' (expected an ISO 4217 code such as USD, EUR, JPY)",
                                            at: table.location(row: r, column: c)))
                    }
                }
            }
            let baseSalary = cells.nonNegative(r, baseCol, "base_salary", &local)
            let targetBonusPct = cells.nonNegative(r, pctCol, "target_bonus_pct", &local)
            let targetBonus = cells.nonNegative(r, bonusCol, "target_bonus", &local)
            if targetBonus != nil, targetBonusPct != nil, let c = bonusCol {
                local.append(.error("both target_bonus_pct and target_bonus are given; give one", at: table.location(row: r, column: c)))
            }
            let startDate = cells.date(r, startCol, "start_date", &local)
            let endDate = cells.date(r, endCol, "end_date", &local)
            if let s = startDate, let e = endDate, e < s, let c = endCol {
                local.append(.error("end_date \(e) is before start_date \(s)", at: table.location(row: r, column: c)))
            }
            let p = Payee(id: id, name: name, title: title, unit: unit, plan: plan, currency: currency,
                          baseSalary: baseSalary, targetBonusPct: targetBonusPct, targetBonus: targetBonus,
                          startDate: startDate, endDate: endDate, location: location)
            payees.append(p)
        }
        diagnostics += local
        return Roster(file: file, columns: Set(table.header), payees: payees, rowOf: rowOf)
    }
}

/// Typed cell access with located errors, shared by the CSV readers.
struct CellReader {
    let table: CSVTable

    /// Compensation columns: their values are private, so messages do not repeat them.
    static let privateColumns: Set<String> = ["base_salary", "target_bonus_pct", "target_bonus"]

    func number(_ r: Int, _ c: Int, _ what: String, _ diagnostics: inout [Diagnostic]) -> FixedDecimal? {
        let result = table.withTrimmedBytes(row: r, column: c) { FixedDecimal.parse(bytes: $0) }
        switch result {
        case .success(let v): return v
        case .failure(let e):
            let shown = CellReader.privateColumns.contains(what) ? "" : " '\(table.string(row: r, column: c))'"
            diagnostics.append(.error("\(what)\(shown) is not a valid number: \(e)", at: table.location(row: r, column: c)))
            return nil
        }
    }

    /// A non-negative number, or nil when the column is absent or the cell blank.
    func nonNegative(_ r: Int, _ c: Int?, _ what: String, _ diagnostics: inout [Diagnostic]) -> FixedDecimal? {
        guard let c else { return nil }
        let parsed = table.withTrimmedBytes(row: r, column: c) { $0.isEmpty ? nil : FixedDecimal.parse(bytes: $0) }
        guard let parsed else { return nil }  // blank
        let v: FixedDecimal
        switch parsed {
        case .success(let x): v = x
        case .failure(let e):
            let shown = CellReader.privateColumns.contains(what) ? "" : " '\(table.string(row: r, column: c))'"
            diagnostics.append(.error("\(what)\(shown) is not a valid number: \(e)", at: table.location(row: r, column: c)))
            return nil
        }
        if v.isNegative {
            diagnostics.append(.error("\(what) must not be negative", at: table.location(row: r, column: c)))
            return nil
        }
        return v
    }

    func date(_ r: Int, _ c: Int?, _ what: String, _ diagnostics: inout [Diagnostic]) -> CivilDate? {
        guard let c else { return nil }
        let (blank, date) = table.withTrimmedBytes(row: r, column: c) { ($0.isEmpty, CivilDate.parse(bytes: $0)) }
        if blank { return nil }
        guard let date else {
            diagnostics.append(.error("\(what) '\(table.trimmedString(row: r, column: c))' is not a date (expected YYYY-MM-DD)",
                                      at: table.location(row: r, column: c)))
            return nil
        }
        return date
    }
}
