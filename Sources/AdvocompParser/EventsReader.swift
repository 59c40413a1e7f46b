import AdvocompModel

/// Reads the advocacy events CSV (SPEC sections 3 and 6):
/// `event_id,date,type,advocate_id,account_id,credited_to,requested_by,solicited,source,consent,amount`.
///
/// `account_id`, `requested_by`, `consent` and `amount` may be left out of the header;
/// the other columns are required. Every bad cell is a located error: a blank id, type or
/// advocate, a date that is not YYYY-MM-DD, `solicited` other than true/false/yes/no,
/// `source` other than system/self_reported, `consent` other than yes/no/blank, an amount
/// that is not a number or is negative, and a duplicate `event_id` (naming both lines).
public enum EventsReader {
    public static let requiredColumns = ["event_id", "date", "type", "advocate_id", "credited_to", "solicited", "source"]
    public static let optionalColumns = ["account_id", "requested_by", "consent", "amount"]

    public static func read(file: String, bytes: [UInt8], diagnostics: inout [Diagnostic]) -> Ledger {
        var local: [Diagnostic] = []
        let table = CSVTable(file: file, bytes: bytes, diagnostics: &local)
        let header = SourceLocation(file: file, line: 1, column: 1)
        var col: [String: Int] = [:]
        for name in requiredColumns + optionalColumns {
            if let i = table.columnIndex(name) { col[name] = i }
        }
        let missing = requiredColumns.filter { col[$0] == nil }
        if !table.header.isEmpty {
            for name in missing {
                local.append(.error("the events file has no '\(name)' column (expected header "
                                    + "event_id,date,type,advocate_id,account_id,credited_to,requested_by,solicited,source,consent,amount)"
                                    + Suggest.didYouMean(name, in: table.header), at: header))
            }
        }
        guard missing.isEmpty, let ic = col["event_id"], let dc = col["date"], let tc = col["type"],
              let ac = col["advocate_id"], let cc = col["credited_to"], let sc = col["solicited"], let oc = col["source"] else {
            diagnostics += local
            return Ledger(file: file)
        }
        let accountCol = col["account_id"], requestedCol = col["requested_by"]
        let consentCol = col["consent"], amountCol = col["amount"]
        let cells = CellReader(table: table)
        var types = Interner(), advocates = Interner(), people = Interner(), accounts = Interner()
        var events: [AdvocacyEvent] = []
        events.reserveCapacity(table.count)
        var firstLine: [String: Int32] = [:]
        firstLine.reserveCapacity(table.count)

        for r in 0..<table.count {
            let line = Int32(table.line(of: r))
            var ok = true
            func blankError(_ c: Int, _ what: String) {
                local.append(.error("\(what) is blank", at: table.location(row: r, column: c)))
                ok = false
            }
            let id = table.trimmedString(row: r, column: ic)
            if id.isEmpty { blankError(ic, "event_id") }
            let (blankDate, date) = table.withTrimmedBytes(row: r, column: dc) { ($0.isEmpty, CivilDate.parse(bytes: $0)) }
            if date == nil {
                local.append(.error(blankDate ? "date is blank" : "date '\(table.trimmedString(row: r, column: dc))' is not a date (expected YYYY-MM-DD)",
                                    at: table.location(row: r, column: dc)))
                ok = false
            }
            let type = table.withTrimmedBytes(row: r, column: tc) { $0.isEmpty ? nil : types.intern($0).id }
            if type == nil { blankError(tc, "type") }
            let advocate = table.withTrimmedBytes(row: r, column: ac) { $0.isEmpty ? nil : advocates.intern($0).id }
            if advocate == nil { blankError(ac, "advocate_id") }
            let credited = table.withTrimmedBytes(row: r, column: cc) { $0.isEmpty ? -1 : people.intern($0).id }
            let requested = requestedCol.map { c in table.withTrimmedBytes(row: r, column: c) { $0.isEmpty ? -1 : people.intern($0).id } } ?? -1
            let account = accountCol.map { c in table.withTrimmedBytes(row: r, column: c) { $0.isEmpty ? -1 : accounts.intern($0).id } } ?? -1

            let solicited: Bool? = table.withTrimmedBytes(row: r, column: sc) { b in
                switch lower(b) {
                case "true", "yes": return true
                case "false", "no": return false
                default: return nil
                }
            }
            if solicited == nil {
                local.append(.error("solicited '\(table.trimmedString(row: r, column: sc))' must be true, false, yes or no",
                                    at: table.location(row: r, column: sc)))
                ok = false
            }
            let source: AdvocacyEvent.Source? = table.withTrimmedBytes(row: r, column: oc) { b in
                switch lower(b) {
                case "system": return .system
                case "self_reported": return .selfReported
                default: return nil
                }
            }
            if source == nil {
                let found = table.trimmedString(row: r, column: oc)
                local.append(.error("source '\(found)' must be system or self_reported"
                                    + Suggest.didYouMean(found, in: ["system", "self_reported"]),
                                    at: table.location(row: r, column: oc)))
                ok = false
            }
            var consent = AdvocacyEvent.Consent.blank
            if let c = consentCol {
                let parsed: AdvocacyEvent.Consent? = table.withTrimmedBytes(row: r, column: c) { b in
                    switch lower(b) {
                    case "yes": return .yes
                    case "no": return .no
                    case "": return .blank
                    default: return nil
                    }
                }
                if let parsed { consent = parsed } else {
                    local.append(.error("consent '\(table.trimmedString(row: r, column: c))' must be yes, no or blank",
                                        at: table.location(row: r, column: c)))
                    ok = false
                }
            }
            var amount: FixedDecimal?
            if let c = amountCol, !table.isBlank(row: r, column: c) {
                let before = local.count
                amount = cells.nonNegative(r, c, "amount", &local)
                if local.count > before { ok = false }
            }
            if !id.isEmpty {
                if let first = firstLine[id] {
                    local.append(.error("duplicate event_id '\(id)' (first given on line \(first))",
                                        at: table.location(row: r, column: ic),
                                        notes: [.init("first given here", at: SourceLocation(file: file, line: Int(first), column: ic + 1))]))
                    ok = false
                } else {
                    firstLine[id] = line
                }
            }
            guard ok, let date, let type, let advocate, let solicited, let source else { continue }
            events.append(AdvocacyEvent(id: id, date: date, type: type, advocate: advocate, creditedTo: credited,
                                        requestedBy: requested, account: account, solicited: solicited, source: source,
                                        consent: consent, amount: amount, line: line))
        }
        diagnostics += local
        return Ledger(file: file, events: events, types: types.strings, advocates: advocates.strings,
                      people: people.strings, accounts: accounts.strings)
    }

    /// The cell in lower case, for the few keyword columns (short: compared as a String).
    private static func lower(_ b: UnsafeBufferPointer<UInt8>) -> String {
        guard b.count <= 16 else { return "?" }
        return String(decoding: b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
