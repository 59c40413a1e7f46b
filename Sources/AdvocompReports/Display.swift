import AdvocompModel

/// Display helpers for people (the table and explain), never for machine output.
public enum Display {
    /// `1234567.5` with 2 digits -> `1,234,567.50`.
    public static func money(_ v: FixedDecimal, digits: Int) -> String {
        Money.group(v.formatted(places: digits))
    }

    /// The same, for a Money value: `37,089.29`.
    public static func money(_ m: Money) -> String { m.grouped }

    /// Text from the inputs as a terminal shows it: every C0 control character (tab and
    /// line breaks included), DEL and every C1 control character becomes `\u{XX}`, its
    /// code point in hex (ESC is `\u{1B}`, U+009B is `\u{9B}`), so a name cannot move the
    /// cursor, clear the screen or break a table's lines. A backslash that is followed by
    /// `u{` is shown as `\u{5C}`, so every `\u{...}` on the terminal stands for exactly one
    /// character. Applied once, where text from the inputs is put in terminal output
    /// (table cells, explain and audit lines, diagnostics); CSV and JSON keep the exact text.
    public static func text(_ s: String) -> String {
        let utf8 = s.utf8
        // Only ASCII controls, DEL, C1 (0xC2 0x80...0x9F) and a backslash can need a change.
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0x5C }) else { return s }
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, c) in scalars.enumerated() {
            let v = c.value
            if v < 0x20 || (v >= 0x7F && v <= 0x9F) {
                out.append(contentsOf: "\\u{\(String(v, radix: 16, uppercase: true).leftPadded(2))}".unicodeScalars)
            } else if c == "\\" && i + 2 < scalars.count && scalars[i + 1] == "u" && scalars[i + 2] == "{" {
                out.append(contentsOf: "\\u{5C}".unicodeScalars)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// Columns padded to their widest cell; `rightAligned` columns align numbers. Every
    /// cell is shown as `text` shows it.
    public static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) -> String {
        let header = header.map(text)
        let rows = rows.map { $0.map(text) }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            let joined = cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ")
            var t = Substring(joined)
            while t.last == " " { t.removeLast() }
            return String(t)
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }
}

extension String {
    /// Zeros in front up to `width` characters.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
