import AdvocompModel
import Dispatch

/// Reads the advocacy events CSV (SPEC sections 3 and 6):
/// `event_id,date,type,advocate_id,account_id,credited_to,requested_by,solicited,source,consent,amount`.
///
/// `account_id`, `requested_by`, `consent` and `amount` may be left out of the header;
/// the other columns are required. Every bad cell is a located error: a blank id, type or
/// advocate, a date that is not YYYY-MM-DD, `solicited` other than true/false/yes/no,
/// `source` other than system/self_reported, `consent` other than yes/no/blank, an amount
/// that is not a number or is negative, and a duplicate `event_id` (naming both lines).
///
/// Signal rows (type `escalation` or `escalation_resolved`) may leave `advocate_id`
/// blank, but need an `account_id`: the escalation is the account's.
public enum EventsReader {
    public static let requiredColumns = ["event_id", "date", "type", "advocate_id", "credited_to", "solicited", "source"]
    public static let optionalColumns = ["account_id", "requested_by", "consent", "amount"]

    public static func read(file: String, bytes: [UInt8], diagnostics: inout [Diagnostic]) -> Ledger {
        var local: [Diagnostic] = []
        let table = CSVTable(file: file, bytes: bytes, what: "an events file", diagnostics: &local)
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
        let n = table.count

        // The columns in two groups, read side by side (`Parallel.both`) into column arrays, then zipped in
        // date order: (A) event_id and its duplicates, date, the keywords, amount and
        // account_id; (B) type, advocate_id, credited_to and requested_by.
        var ids: [String] = [], dates: [CivilDate] = [], flags: [UInt8] = [], accountOf: [Int32] = []
        var amountOf: [Int32] = [], amountValues: [FixedDecimal] = []  // amountOf[row]: index into amountValues, -1: blank
        var badA: [Bool] = [], diagnosticsA: [Diagnostic] = []
        var types = Interner(), advocates = Interner(), people = Interner(), accounts = Interner()
        var typeOf: [Int32] = [], advocateOf: [Int32] = [], creditedOf: [Int32] = [], requestedOf: [Int32] = []
        var signalOf: [AdvocacyEvent.Signal] = []
        var badB: [Bool] = [], diagnosticsB: [Diagnostic] = []

        Parallel.both({
                let cells = CellReader(table: table)
                var seen = EventIDTable(expecting: n)
                ids.reserveCapacity(n); dates.reserveCapacity(n); flags.reserveCapacity(n); accountOf.reserveCapacity(n)
                badA = Array(repeating: false, count: n)
                if amountCol != nil { amountOf = Array(repeating: -1, count: n) }
                for r in 0..<n {
                    var ok = true
                    let (id, firstRow) = table.withTrimmedBytes(row: r, column: ic) { b -> (String, Int) in
                        b.isEmpty ? ("", -1) : (String(decoding: b, as: UTF8.self), seen.insert(row: r, bytes: b, table: table, column: ic))
                    }
                    if id.isEmpty {
                        diagnosticsA.append(.error("event_id is blank", at: table.location(row: r, column: ic)))
                        ok = false
                    }
                    let (blankDate, date) = table.withTrimmedBytes(row: r, column: dc) { ($0.isEmpty, CivilDate.parse(bytes: $0)) }
                    if date == nil {
                        diagnosticsA.append(.error(blankDate ? "date is blank" : "date '\(table.trimmedString(row: r, column: dc))' is not a date (expected YYYY-MM-DD)",
                                                   at: table.location(row: r, column: dc)))
                        ok = false
                    }
                    let solicited: Bool? = table.withTrimmedBytes(row: r, column: sc) { b in
                        matches(b, "true") || matches(b, "yes") ? true : matches(b, "false") || matches(b, "no") ? false : nil
                    }
                    if solicited == nil {
                        diagnosticsA.append(.error("solicited '\(table.trimmedString(row: r, column: sc))' must be true, false, yes or no",
                                                   at: table.location(row: r, column: sc)))
                        ok = false
                    }
                    let source: AdvocacyEvent.Source? = table.withTrimmedBytes(row: r, column: oc) { b in
                        matches(b, "system") ? .system : matches(b, "self_reported") ? .selfReported : nil
                    }
                    if source == nil {
                        let found = table.trimmedString(row: r, column: oc)
                        diagnosticsA.append(.error("source '\(found)' must be system or self_reported"
                                                   + Suggest.didYouMean(found, in: ["system", "self_reported"]),
                                                   at: table.location(row: r, column: oc)))
                        ok = false
                    }
                    var consent = AdvocacyEvent.Consent.blank
                    if let c = consentCol {
                        let parsed: AdvocacyEvent.Consent? = table.withTrimmedBytes(row: r, column: c) { b in
                            b.isEmpty ? .blank : matches(b, "yes") ? .yes : matches(b, "no") ? .no : nil
                        }
                        if let parsed { consent = parsed } else {
                            diagnosticsA.append(.error("consent '\(table.trimmedString(row: r, column: c))' must be yes, no or blank",
                                                       at: table.location(row: r, column: c)))
                            ok = false
                        }
                    }
                    if let c = amountCol, !table.isBlank(row: r, column: c) {
                        let before = diagnosticsA.count
                        if let v = cells.nonNegative(r, c, "amount", &diagnosticsA) {
                            amountOf[r] = Int32(amountValues.count)
                            amountValues.append(v)
                        }
                        if diagnosticsA.count > before { ok = false }
                    }
                    if firstRow >= 0 {
                        let first = table.line(of: firstRow)
                        diagnosticsA.append(.error("duplicate event_id '\(id)' (first given on line \(first))",
                                                   at: table.location(row: r, column: ic),
                                                   notes: [.init("first given here", at: SourceLocation(file: file, line: first, column: ic + 1))]))
                        ok = false
                    }
                    let account = accountCol.map { c in table.withTrimmedBytes(row: r, column: c) { $0.isEmpty ? -1 : accounts.lookup($0) } } ?? -1
                    ids.append(id)
                    dates.append(date ?? CivilDate(dayNumber: 0))
                    flags.append(((solicited ?? false) ? 1 : 0) | (source ?? .system).rawValue << 1 | consent.rawValue << 2)
                    accountOf.append(account)
                    if !ok { badA[r] = true }
                }
            }, {
                typeOf.reserveCapacity(n); advocateOf.reserveCapacity(n); creditedOf.reserveCapacity(n); requestedOf.reserveCapacity(n)
                signalOf = Array(repeating: .none, count: n)
                badB = Array(repeating: false, count: n)
                for r in 0..<n {
                    let type = table.withTrimmedBytes(row: r, column: tc) { b -> Int32 in
                        if b.isEmpty { return -1 }
                        if matchesExactly(b, "escalation") { signalOf[r] = .escalationOpened }
                        else if matchesExactly(b, "escalation_resolved") { signalOf[r] = .escalationResolved }
                        return types.lookup(b)
                    }
                    if type < 0 {
                        diagnosticsB.append(.error("type is blank", at: table.location(row: r, column: tc)))
                        badB[r] = true
                    }
                    let advocate = table.withTrimmedBytes(row: r, column: ac) { $0.isEmpty ? -1 : advocates.lookup($0) }
                    if advocate < 0 && signalOf[r] == .none {
                        diagnosticsB.append(.error("advocate_id is blank", at: table.location(row: r, column: ac)))
                        badB[r] = true
                    }
                    let credited = table.withTrimmedBytes(row: r, column: cc) { $0.isEmpty ? -1 : people.lookup($0) }
                    var requested: Int32 = -1
                    if let c = requestedCol {
                        // Most asks are made by the person credited: then no lookup is needed.
                        let same = table.withTrimmedBytes(row: r, column: c) { q in
                            table.withTrimmedBytes(row: r, column: cc) { q.elementsEqual($0) }
                        }
                        requested = same ? credited : table.withTrimmedBytes(row: r, column: c) { $0.isEmpty ? -1 : people.lookup($0) }
                    }
                    typeOf.append(type); advocateOf.append(advocate); creditedOf.append(credited); requestedOf.append(requested)
                }
            })

        // A signal row is about an account: it needs one.
        if signalOf.contains(where: { $0 != .none }) {
            if let c = accountCol {
                for r in 0..<n where signalOf[r] != .none && accountOf[r] < 0 {
                    diagnosticsB.append(.error("account_id is blank: an \(table.trimmedString(row: r, column: tc)) row must name the account it is about",
                                               at: table.location(row: r, column: c)))
                    badB[r] = true
                }
            } else if let first = signalOf.firstIndex(where: { $0 != .none }) {
                local.append(.error("the events file has no 'account_id' column, and its escalation rows (the first on line \(table.line(of: first))) "
                                    + "must name the account they are about", at: header))
                for r in 0..<n where signalOf[r] != .none { badB[r] = true }
            }
        }

        // In date order, then event_id: the order the checks read the ledger in.
        let order = Ledger.dateOrder(count: n, day: { dates[$0].dayNumber }, id: { ids[$0] })
        let kept = badA.contains(true) || badB.contains(true) ? order.filter { !badA[$0] && !badB[$0] } : order
        // Gathered by the workers, each filling its chunk of the array.
        let events = [AdvocacyEvent](unsafeUninitializedCapacity: kept.count) { buffer, initialized in
            let base = buffer.baseAddress
            Parallel.forEach(Parallel.ranges(kept.count, minimumChunk: 10_000)) { _, range in
                guard let base else { return }
                for k in range {
                    let r = kept[k], f = flags[r]
                    (base + k).initialize(to: AdvocacyEvent(
                        id: ids[r], date: dates[r], type: typeOf[r], advocate: advocateOf[r], creditedTo: creditedOf[r],
                        requestedBy: requestedOf[r], account: accountOf[r], solicited: f & 1 != 0,
                        source: AdvocacyEvent.Source(rawValue: (f >> 1) & 1) ?? .system,
                        consent: AdvocacyEvent.Consent(rawValue: f >> 2) ?? .blank, signal: signalOf[r],
                        amount: amountCol == nil || amountOf[r] < 0 ? nil : amountValues[Int(amountOf[r])],
                        line: Int32(table.line(of: r))))
                }
            }
            initialized = kept.count
        }
        // Each row's problems together, in column order.
        local += (diagnosticsA + diagnosticsB).enumerated().sorted { x, y in
            let a = x.element.location, b = y.element.location
            if a?.line != b?.line { return (a?.line ?? 0) < (b?.line ?? 0) }
            if a?.column != b?.column { return (a?.column ?? 0) < (b?.column ?? 0) }
            return x.offset < y.offset
        }.map(\.element)
        diagnostics += local
        return Ledger(file: file, events: events, types: types.strings, advocates: advocates.strings,
                      people: people.strings, accounts: accounts.strings)
    }

    /// Whether the cell is exactly `word` (event types are free text, compared as written).
    private static func matchesExactly(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard b.count == word.utf8CodeUnitCount else { return false }
        return b.elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// Whether the cell is `word` (lower case ASCII), in any case.
    private static func matches(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard b.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<b.count {
            let c = b[i]
            if (c >= 65 && c <= 90 ? c + 32 : c) != w[i] { return false }
        }
        return true
    }
}


/// The event ids seen so far, to find duplicates: open addressing over 8-byte slots
/// (a 32-bit hash and the row), comparing the cells' bytes on a hash match. A million
/// ids take 16 MB (on huge pages: `ZeroedTable`), and no String is kept for them here.
/// Used by one reader; not to be copied.
struct EventIDTable {
    private var slots: ZeroedTable<UInt64>
    private var used = 0

    init(expecting n: Int) {
        var capacity = 1024
        while capacity < n * 2 { capacity *= 2 }
        slots = ZeroedTable(count: capacity)
    }

    /// Adds row `row`'s id (`bytes`, read from `column`); returns the row that first had
    /// the same id, or -1 when it is new.
    mutating func insert(row: Int, bytes: UnsafeBufferPointer<UInt8>, table: CSVTable, column: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for x in bytes { h = (h ^ UInt64(x)) &* 0x0000_0100_0000_01b3 }
        h ^= h >> 32
        let tag = h & 0xffff_ffff
        let mask = slots.count - 1
        var i = EventIDTable.home(tag) & mask
        while slots[i] != 0 {
            if slots[i] >> 32 == tag {
                let other = Int(slots[i] & 0xffff_ffff) - 1
                if table.withTrimmedBytes(row: other, column: column, { $0.elementsEqual(bytes) }) { return other }
            }
            i = (i + 1) & mask
        }
        slots[i] = tag << 32 | UInt64(row + 1)
        used += 1
        if used * 2 > slots.count { grow() }
        return -1
    }

    /// The first slot to try, from the 32-bit hash a slot keeps (so growing can rehash).
    private static func home(_ tag: UInt64) -> Int { Int(truncatingIfNeeded: (tag &* 0x9e37_79b9_7f4a_7c15) >> 20) }

    private mutating func grow() {
        let old = slots
        slots = ZeroedTable(count: old.count * 2)
        let mask = slots.count - 1
        for k in 0..<old.count where old[k] != 0 {
            let s = old[k]
            var i = EventIDTable.home(s >> 32) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}
