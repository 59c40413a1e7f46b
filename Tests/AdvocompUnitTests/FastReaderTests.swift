import XCTest
@testable import AdvocompModel
@testable import AdvocompParser

/// The pieces that make a million-event ledger fast (the interner, the duplicate-id
/// table, the CSV parsed in two halves, the date order) must give exactly what the plain
/// algorithms give: these tests pin each one to a plain reference.
final class FastReaderTests: XCTestCase {
    // MARK: Interner

    func testInternerGivesOneIdPerDistinctValueAcrossEveryLength() {
        // Lengths 0 to 40 cross the 8- and 16-byte boundaries of the in-slot keys; values
        // sharing a 16-byte prefix differ only in the overflow bytes; 5,000 values make
        // the table grow several times.
        var values: [String] = []
        for len in 0...40 { values.append(String(repeating: "a", count: len)) }
        for k in 0..<5_000 { values.append("advocate-with-a-long-shared-prefix-\(k)") }
        for k in 0..<200 { values.append("A\(k)") }
        values.append("é✓")  // multi-byte UTF-8
        var interner = Interner()
        var ids: [String: Int32] = [:]
        for round in 0..<2 {
            for v in values {
                let (id, s) = Array(v.utf8).withUnsafeBufferPointer { interner.intern($0) }
                XCTAssertEqual(s, v)
                if round == 0, ids[v] == nil { ids[v] = id }
                XCTAssertEqual(id, ids[v], "value \(v) changed id")
            }
        }
        XCTAssertEqual(interner.count, Set(values).count)
        XCTAssertEqual(Set(ids.values).count, Set(values).count)
        XCTAssertEqual(interner.strings.count, interner.count)
        for (v, id) in ids { XCTAssertEqual(interner.strings[Int(id)], v) }
    }

    func testInternerTellsApartValuesThatDifferOnlyInTheirLastByteOrLength() {
        var interner = Interner()
        let values = ["12345678", "12345679", "1234567", "123456789", "1234567890123456", "1234567890123457",
                      "12345678901234567", "12345678901234568", "", "\u{0}", "\u{0}\u{0}"]
        let ids = values.map { v in Array(v.utf8).withUnsafeBufferPointer { interner.lookup($0) } }
        XCTAssertEqual(Set(ids).count, values.count, "ids: \(ids)")
    }

    func testACopiedInternerKeepsItsOwnValues() {
        // The slot table is shared by copies until one of them adds a value.
        var original = Interner()
        let a = Array("A1".utf8).withUnsafeBufferPointer { original.lookup($0) }
        var copy = original
        let b = Array("B2".utf8).withUnsafeBufferPointer { copy.lookup($0) }
        XCTAssertEqual([a, b], [0, 1])
        XCTAssertEqual(original.count, 1)
        let c = Array("C3".utf8).withUnsafeBufferPointer { original.lookup($0) }
        XCTAssertEqual(c, 1, "the original must not see the copy's value")
        XCTAssertEqual(original.strings, ["A1", "C3"])
        XCTAssertEqual(copy.strings, ["A1", "B2"])
        XCTAssertEqual(Array("B2".utf8).withUnsafeBufferPointer { copy.lookup($0) }, 1)
        XCTAssertEqual(Array("B2".utf8).withUnsafeBufferPointer { original.lookup($0) }, 2)
    }

    func testAnInternerOfMegabytesGivesTheSameIds() {
        // 200,000 values put the slot table over 2 MiB: it is then mapped as huge pages.
        var interner = Interner()
        let values = (0..<200_000).map { "A\($0 &* 7919 % 200_000)" }
        let ids = values.map { v in Array(v.utf8).withUnsafeBufferPointer { interner.lookup($0) } }
        XCTAssertEqual(interner.count, 200_000)
        XCTAssertEqual(ids, Array(0..<200_000).map(Int32.init))
        for k in stride(from: 0, to: values.count, by: 997) {
            XCTAssertEqual(Array(values[k].utf8).withUnsafeBufferPointer { interner.lookup($0) }, Int32(k))
        }
    }

    func testLargeTablesStartZeroedAndCopyWhatIsWritten() {
        for count in [16, 1 << 20] {  // from malloc, and mapped (8 MiB)
            let t = ZeroedTable<UInt64>(count: count)
            XCTAssertTrue(stride(from: 0, to: count, by: 4093).allSatisfy { t[$0] == 0 })
            XCTAssertEqual(t[count - 1], 0)
            t[0] = 7; t[count - 1] = 9
            let c = t.copy()
            c[0] = 8
            XCTAssertEqual([t[0], t[count - 1], c[0], c[count - 1]], [7, 9, 8, 9])
        }
    }

    // MARK: Dates

    func testDatesAreWrittenAsFourDigitYearMonthDay() {
        let cases: [(Int, Int, Int, String)] = [(1, 1, 1, "0001-01-01"), (999, 12, 31, "0999-12-31"), (1970, 1, 1, "1970-01-01"),
                                                (2026, 2, 28, "2026-02-28"), (2024, 2, 29, "2024-02-29"), (9999, 12, 31, "9999-12-31"),
                                                (10000, 1, 1, "10000-01-01")]
        for (y, m, d, text) in cases {
            let date = CivilDate(year: y, month: m, day: d)
            XCTAssertEqual(date?.description, text)
            if y <= 9999 { XCTAssertEqual(CivilDate.parse(text), date) }
        }
        // The day before 0001-01-01 (reachable only by arithmetic) is year 0.
        XCTAssertEqual(CivilDate(year: 1, month: 1, day: 1)?.adding(days: -1).description, "0000-12-31")
    }

    // MARK: Duplicate event ids

    func testDuplicateEventIdsAreFoundAmongThousandsAndNameTheFirstLine() {
        var text = LedgerTests.header
        for k in 0..<3_000 { text += "ev\(k),2026-01-\(k % 28 + 1 < 10 ? "0" : "")\(k % 28 + 1),review,A\(k % 50),,P1,,true,system,yes,\n" }
        text += "ev17,2026-02-01,review,A1,,P1,,true,system,yes,\n"     // line 3,002: first on line 19
        text += "ev2999,2026-02-01,review,A1,,P1,,true,system,yes,\n"   // line 3,003: first on line 3,001
        text += "ev3000,2026-02-01,review,A1,,P1,,true,system,yes,\n"   // new
        var d: [Diagnostic] = []
        let l = EventsReader.read(file: "events.csv", bytes: Array(text.utf8), diagnostics: &d)
        XCTAssertEqual(d.map(\.description), [
            "events.csv:3002:1: error: duplicate event_id 'ev17' (first given on line 19)\nevents.csv:19:1: note: first given here",
            "events.csv:3003:1: error: duplicate event_id 'ev2999' (first given on line 3001)\nevents.csv:3001:1: note: first given here",
        ])
        XCTAssertEqual(l.events.count, 3_001)
    }

    // MARK: Date order

    func testEventsComeOutInDateOrderThenIdAsBytes() {
        let text = LedgerTests.header + """
            b,2026-01-02,review,A,,P1,,true,system,yes,
            a,2026-01-02,review,A,,P1,,true,system,yes,
            B,2026-01-02,review,A,,P1,,true,system,yes,
            z,2026-01-01,review,A,,P1,,true,system,yes,
            ab,2026-01-02,review,A,,P1,,true,system,yes,
            """
        var d: [Diagnostic] = []
        let l = EventsReader.read(file: "events.csv", bytes: Array(text.utf8), diagnostics: &d)
        XCTAssertEqual(d.count, 0)
        XCTAssertEqual(l.events.map(\.id), ["z", "B", "a", "ab", "b"])
        XCTAssertEqual(l.events.map(\.line), [5, 4, 3, 6, 2])
    }

    func testDateOrderMatchesAPlainSortOnEveryPath() {
        func event(_ id: String, _ day: Int) -> AdvocacyEvent {
            AdvocacyEvent(id: id, date: CivilDate(dayNumber: day), type: 0, advocate: 0, solicited: true, line: 1)
        }
        func reference(_ e: [AdvocacyEvent]) -> [Int] {
            e.indices.sorted { a, b in
                if e[a].date != e[b].date { return e[a].date < e[b].date }
                if !e[a].id.utf8.elementsEqual(e[b].id.utf8) { return e[a].id.utf8.lexicographicallyPrecedes(e[b].id.utf8) }
                return a < b
            }
        }
        // Buckets by day (dense dates), ids sharing 8-byte prefixes, and equal ids.
        var dense: [AdvocacyEvent] = []
        for k in 0..<2_000 { dense.append(event("evt-0000\((k * 7919) % 613)", 20_000 + (k * 31) % 97)) }
        XCTAssertEqual(Ledger.dateOrder(dense), reference(dense))
        // Sparse dates (far more days than events): the comparison sort.
        let sparse = [event("x", 90_000), event("b", -5_000), event("a", -5_000), event("c", 40_000)]
        XCTAssertEqual(Ledger.dateOrder(sparse), [2, 1, 3, 0])
        XCTAssertEqual(Ledger.dateOrder(sparse), reference(sparse))
        // Already in order: the identity.
        let sorted = reference(dense).map { dense[$0] }
        XCTAssertEqual(Ledger.dateOrder(sorted), Array(0..<sorted.count))
        XCTAssertEqual(Ledger.dateOrder([]), [])
    }

    // MARK: CSV in two halves

    /// A CSV of more than 4 MiB (so it is parsed in two halves) with quoted fields that
    /// hold commas, quotes and line breaks all through it.
    /// `badRow` gets a quote inside an unquoted field.
    static func bigCSV(rows: Int, badRow: Int = -1) -> (text: String, cells: [[String]], lines: [Int]) {
        var text = "id,note,amount\n"
        var cells: [[String]] = [], lines: [Int] = []
        var line = 2
        for k in 0..<rows {
            let note: String
            let written: String
            switch k == badRow ? -1 : k % 5 {
            case -1: note = "bad\"quote"; written = note
            case 0: note = "plain note \(k)"; written = note
            case 1: note = "a, b and \"c\""; written = "\"a, b and \"\"c\"\"\""
            case 2: note = "two\nlines"; written = "\"two\nlines\""
            case 3: note = ""; written = ""
            default: note = "x\r\ny"; written = "\"x\r\ny\""
            }
            text += "id\(k),\(written),\(k * 3)\n"
            cells.append(["id\(k)", note, "\(k * 3)"])
            lines.append(line)
            line += 1 + note.filter { $0 == "\n" || $0 == "\r\n" }.count
        }
        return (text, cells, lines)
    }

    func testABigCSVParsedInTwoHalvesEqualsTheRowsWritten() {
        let (text, cells, lines) = Self.bigCSV(rows: 180_000)
        XCTAssertGreaterThan(text.utf8.count, 1 << 22)
        var d: [Diagnostic] = []
        let table = CSVTable(file: "big.csv", bytes: Array(text.utf8), diagnostics: &d)
        XCTAssertEqual(d.count, 0)
        XCTAssertEqual(table.halves, 2)
        XCTAssertEqual(table.header, ["id", "note", "amount"])
        XCTAssertEqual(table.count, cells.count)
        for r in 0..<table.count {
            let row = (0..<3).map { table.string(row: r, column: $0) }
            if row != cells[r] || table.line(of: r) != lines[r] {
                XCTFail("row \(r): \(row) on line \(table.line(of: r)), expected \(cells[r]) on line \(lines[r])")
                return
            }
        }
    }

    func testASyntaxErrorInEitherHalfIsReportedAtItsLine() {
        for bad in [1_000, 170_000] {
            let (text, _, lines) = Self.bigCSV(rows: 180_000, badRow: bad)
            XCTAssertGreaterThan(text.utf8.count, 1 << 22)
            var d: [Diagnostic] = []
            _ = CSVTable(file: "big.csv", bytes: Array(text.utf8), diagnostics: &d)
            XCTAssertEqual(d.map(\.description),
                           ["big.csv:\(lines[bad]):2: error: a quote inside an unquoted field (quote the whole field and double the quote)"])
        }
    }
}
