/// A1-notation helpers. Rows and columns are 0-based everywhere in AdvocompXLSX
/// (row 0, col 0 is `A1`), as in libxlsxwriter.
public enum XLSXCell {
    /// Excel's grid: rows `0..<maxRows`, columns `0..<maxColumns` (`A`...`XFD`).
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384

    /// The letters of a 0-based column index: 0 -> `A`, 25 -> `Z`, 26 -> `AA`, 16383 -> `XFD`.
    /// Works for any non-negative index (beyond Excel's grid too); a negative index has no
    /// letters and gives `#` followed by the index (never a valid reference).
    public static func columnName(_ col: Int) -> String {
        guard col >= 0 else { return "#\(col)" }
        var n = col + 1  // bijective base 26
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// `B3` for row 2, col 1; `$B$3` when `absolute`. A negative row or column gives a
    /// descriptive text such as `row -1, col 2` (used in error messages), never a reference.
    public static func a1(row: Int, col: Int, absolute: Bool = false) -> String {
        guard row >= 0, col >= 0 else { return "row \(row), col \(col)" }
        let d = absolute ? "$" : ""
        return "\(d)\(columnName(col))\(d)\(row + 1)"
    }

    /// `A1:C5` (or `$A$1:$C$5`); a single cell when both corners are the same.
    public static func range(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int,
                             absolute: Bool = false) -> String {
        let first = a1(row: firstRow, col: firstCol, absolute: absolute)
        if firstRow == lastRow && firstCol == lastCol { return first }
        return first + ":" + a1(row: lastRow, col: lastCol, absolute: absolute)
    }

    /// A sheet name as it must appear in a formula: `Plan` stays `Plan`; a name with spaces
    /// or punctuation, starting with a digit, or looking like a cell reference is quoted
    /// (`'Q3 plan'`, `'A1'`), with embedded `'` doubled.
    public static func quotedSheetName(_ name: String) -> String {
        if isPlainSheetName(name) { return name }
        return "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// `Plan!$B$3` (absolute by default: what defined names and chart ranges want).
    public static func reference(sheet: String, row: Int, col: Int, absolute: Bool = true) -> String {
        quotedSheetName(sheet) + "!" + a1(row: row, col: col, absolute: absolute)
    }

    /// `Plan!$B$3:$B$9`.
    public static func reference(sheet: String, firstRow: Int, firstCol: Int, lastRow: Int,
                                 lastCol: Int, absolute: Bool = true) -> String {
        quotedSheetName(sheet) + "!" + range(firstRow: firstRow, firstCol: firstCol,
                                             lastRow: lastRow, lastCol: lastCol, absolute: absolute)
    }

    private static func isPlainSheetName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first else { return false }
        func isLetter(_ s: Unicode.Scalar) -> Bool { (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") }
        func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
        guard isLetter(first) || first == "_" else { return false }
        guard scalars.allSatisfy({ isLetter($0) || isDigit($0) || $0 == "_" }) else {
            return false
        }
        // Letters then digits (`A1`, `XFD1048576`) reads as a cell; R1C1-looking names too.
        let upper = name.uppercased()
        let letters = upper.prefix(while: { $0.isASCII && $0.isLetter })
        let rest = upper.dropFirst(letters.count)
        if !letters.isEmpty, letters.count <= 3, !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return false
        }
        if upper.first == "R" || upper.first == "C" {
            let body = upper.filter { $0 != "R" && $0 != "C" }
            if body.allSatisfy({ $0.isASCII && $0.isNumber }) { return false }
        }
        return true
    }
}

/// A rectangle of cells on a named worksheet, 0-based and inclusive, e.g. for chart series.
public struct XLSXRange: Hashable, Sendable {
    public var sheet: String
    public var firstRow: Int
    public var firstCol: Int
    public var lastRow: Int
    public var lastCol: Int

    public init(sheet: String, firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) {
        self.sheet = sheet
        self.firstRow = firstRow
        self.firstCol = firstCol
        self.lastRow = lastRow
        self.lastCol = lastCol
    }

    /// A column of cells: `col`, rows `rows` (inclusive).
    public init(sheet: String, col: Int, rows: ClosedRange<Int>) {
        self.init(sheet: sheet, firstRow: rows.lowerBound, firstCol: col,
                  lastRow: rows.upperBound, lastCol: col)
    }

    /// `Plan!$B$3:$B$9`.
    public var reference: String {
        XLSXCell.reference(sheet: sheet, firstRow: firstRow, firstCol: firstCol,
                           lastRow: lastRow, lastCol: lastCol)
    }
}
