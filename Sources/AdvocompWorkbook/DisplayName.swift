import AdvocompModel

/// Words for people: ids as names, number formats by a KPI's unit.
enum DisplayName {
    /// Abbreviations kept in capitals when an id is written in words.
    static let acronyms: Set<String> = ["okr", "okrs", "kpi", "kpis", "nrr", "grr", "arr", "mrr", "cac", "nps", "csat", "ceo", "cfo",
                                        "cmo", "cro", "cco", "coo", "cs", "vp", "smb", "roi", "ltv", "id", "fy", "q1", "q2", "q3", "q4",
                                        "h1", "h2", "ttm", "sla", "qbr", "ebitda", "usd", "eur", "gbp"]

    /// An id in words: `advocate-health` -> `Advocate health`, `shared_okr` -> `Shared OKR`.
    static func words(_ id: String) -> String {
        let parts = id.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
        guard !parts.isEmpty else { return id }
        return parts.enumerated().map { i, part -> String in
            let word = String(part)
            if acronyms.contains(word.lowercased()) { return word.uppercased() }
            return i == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word
        }.joined(separator: " ")
    }

    /// How many decimals a value has (0 to 18), trailing zeros not counted.
    static func places(_ v: FixedDecimal) -> Int {
        var raw = v.raw.magnitude
        var p = FixedDecimal.scale
        // Whole numbers, the usual case, in one division.
        if raw % UInt128(FixedDecimal.pow10(FixedDecimal.scale)) == 0 { return 0 }
        while p > 0 && raw % 10 == 0 { raw /= 10; p -= 1 }
        return p
    }

    /// A KPI value's number format by the plan's `unit` (display only, SPEC section 2) and
    /// the decimals its values have: percentages as `0.0%`, money and counts with
    /// thousands separators, months and days with the word.
    static func numberFormat(unit: String?, places: Int) -> String {
        func digits(_ n: Int) -> String { n <= 0 ? "" : "." + String(repeating: "0", count: n) }
        switch unit {
        case "percent": return "0" + digits(min(max(places - 2, 0), 2)) + "%"
        case "money": return "#,##0" + digits(places == 0 ? 0 : 2)
        case "months": return "#,##0" + digits(min(places, 2)) + "\" months\""
        case "days": return "#,##0" + digits(min(places, 2)) + "\" days\""
        case "ratio", "score": return "#,##0" + digits(min(max(places, 2), 3))
        default: return "#,##0" + digits(min(places, 3))
        }
    }

    /// Text for a page header or footer: `&` doubled (Excel's codes start with `&`).
    static func footerText(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&&") }

    /// An amount for a sentence: `84,650.86 USD`.
    static func money(_ m: Money) -> String { "\(m.grouped) \(m.currency.code)" }

    /// A share for a sentence, one decimal: `128.3%`.
    static func percent(_ v: FixedDecimal) -> String? {
        guard let p = try? v * FixedDecimal.hundred else { return nil }
        return p.formatted(places: 1) + "%"
    }
}

/// Column widths from what the columns hold, in Excel's characters (the width of a
/// digit in the default font), so that nothing is cut off.
enum ColumnFit {
    /// Text of `count` characters, with a margin.
    static func text(_ count: Int) -> Double { Double(count) * 1.05 + 2 }

    /// The widest of the given texts (UTF-8 bytes: at least the characters).
    static func text<S: Sequence>(_ values: S, atLeast: Double = 6) -> Double where S.Element == String {
        var longest = 0
        for v in values { longest = max(longest, v.utf8.count) }
        return max(atLeast, text(longest))
    }

    /// An amount of up to `largest` in magnitude with `digits` decimals, thousands
    /// separated, a sign.
    static func money(_ largest: FixedDecimal, digits: Int) -> Double {
        let whole = largest.magnitude.raw / Int128(FixedDecimal.pow10(FixedDecimal.scale))
        var n = 1
        var x = whole
        while x >= 10 { x /= 10; n += 1 }
        let chars = n + (n - 1) / 3 + (digits > 0 ? digits + 1 : 0) + 1
        return max(10, Double(chars) + 2)
    }

    /// A header over a column of data `data` wide: as wide as its longest word needs, and
    /// as wide as the whole name up to `wrapAt` characters (longer names wrap).
    static func header(_ title: String, data: Double, wrapAt: Double = 16) -> Double {
        let longestWord = title.split(separator: " ").map { $0.utf8.count }.max() ?? 0
        let whole = Double(title.utf8.count) * 1.1 + 2
        return max(data, Double(longestWord) * 1.1 + 2.5, min(whole, max(wrapAt, data)))
    }

    /// How many lines `title` takes in a column `width` wide (bold, wrapped at spaces).
    static func lines(_ title: String, width: Double) -> Int {
        let room = max(1, Int((width - 1).rounded(.down)))
        var lines = 1, used = 0
        for word in title.split(separator: " ") {
            let n = word.utf8.count
            if used == 0 { used = n } else if used + 1 + n <= room { used += 1 + n } else { lines += 1; used = n }
        }
        return lines
    }

    /// Columns' printed width in pixels (at 96 per inch); hidden helper columns take none.
    /// Excel draws a width unit as 7 pixels (Calibri 11, plus 5 of padding), LibreOffice
    /// without Calibri (DejaVu Sans) as about 9.7: pages are laid out for the wider, so
    /// a sheet fits its page in both.
    static func pixels(_ layout: [ColumnLayout]) -> Double {
        layout.reduce(0) { $0 + ($1.helper ? 0 : ($1.width * 9.7 + 5).rounded(.down)) }
    }

    /// The printable width of a landscape page, in pixels at 96 per inch: US Letter (the
    /// narrower of Letter and A4) less Excel's default margins of 0.7 inch.
    static let printablePixels = (11 - 1.4) * 96.0

    /// Rows of the default height (15 points) on a landscape Letter page at 100%: 8.5
    /// inches less 0.75-inch margins, the header and footer.
    static let rowsPerPage = 32

    /// The height of a row of `lines` lines of the default font, in points.
    static func rowHeight(lines: Int) -> Double { Double(lines) * 14.5 + 2 }
}
