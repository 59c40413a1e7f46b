/// A worksheet of an `XLSXWorkbook`, from `XLSXWorkbook.addWorksheet(_:)`.
///
/// Rows and columns are **0-based** (row 0, col 0 is `A1`). Every method throws
/// `XLSXError` (with the sheet and the cell in A1 notation) instead of writing a bad cell:
/// coordinates outside Excel's grid, NaN/infinite numbers, NUL characters, libxlsxwriter
/// errors, or a workbook that is already closed. The worksheet keeps its workbook alive;
/// all libxlsxwriter calls are made by `XLSXWorkbook`.
///
/// In constant-memory mode rows must be written in increasing order (a write to an
/// earlier row throws `.cellOutOfRange`), and strings are stored inline, not shared.
public final class XLSXWorksheet {
    public let workbook: XLSXWorkbook
    /// The sheet name, as given to `addWorksheet`.
    public let name: String
    /// 0-based position in the workbook.
    public let index: Int

    init(workbook: XLSXWorkbook, name: String, index: Int) {
        self.workbook = workbook
        self.name = name
        self.index = index
    }

    // MARK: Cells

    /// Writes text, always as a string cell: a value starting with `=` (say
    /// `=HYPERLINK("http://x","y")`) stays text and is never a formula. An empty string
    /// writes nothing, or a blank cell when `format` is given (libxlsxwriter's rule).
    /// At most 32,767 characters.
    public func writeString(row: Int, col: Int, _ value: String, format: XLSXFormat? = nil) throws {
        try workbook.writeString(self, row: row, col: col, value, format: format)
    }

    /// Writes a number; NaN and infinities throw `.nonFiniteNumber`.
    public func writeNumber(row: Int, col: Int, _ value: Double, format: XLSXFormat? = nil) throws {
        try workbook.writeNumber(self, row: row, col: col, value, format: format)
    }

    /// Writes a formula (`=SUM(B2:B9)` or `SUM(B2:B9)`, US-English function names, comma
    /// separators) with `cached` stored as its result, so readers that do not recalculate
    /// show the engine's value. Excel recalculates on open.
    public func writeFormula(row: Int, col: Int, _ formula: String, cached: Double,
                             format: XLSXFormat? = nil) throws {
        try workbook.writeFormula(self, row: row, col: col, formula, cached: cached, format: format)
    }

    /// Writes a formula whose cached result is text.
    public func writeFormulaString(row: Int, col: Int, _ formula: String, cachedString: String,
                                   format: XLSXFormat? = nil) throws {
        try workbook.writeFormulaString(self, row: row, col: col, formula,
                                        cachedString: cachedString, format: format)
    }

    public func writeBoolean(row: Int, col: Int, _ value: Bool, format: XLSXFormat? = nil) throws {
        try workbook.writeBoolean(self, row: row, col: col, value, format: format)
    }

    /// A cell with a format and no value (without a format libxlsxwriter writes nothing).
    public func writeBlank(row: Int, col: Int, format: XLSXFormat? = nil) throws {
        try workbook.writeBlank(self, row: row, col: col, format: format)
    }

    /// Merges `firstRow...lastRow` x `firstCol...lastCol` (more than one cell) and writes
    /// `text` (as a string) into it.
    public func mergeRange(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int,
                           _ text: String, format: XLSXFormat? = nil) throws {
        try workbook.mergeRange(self, firstRow: firstRow, firstCol: firstCol, lastRow: lastRow,
                                lastCol: lastCol, text, format: format)
    }

    // MARK: Rows and columns

    /// Width (in characters, Excel's default is 8.43; 0...255) and default format of
    /// columns `first...last`; `hidden` hides them, `level` (0...7) puts them in an outline
    /// group that the reader opens and closes with the +/- button above the columns.
    public func setColumn(first: Int, last: Int, width: Double, format: XLSXFormat? = nil,
                          hidden: Bool = false, level: Int = 0) throws {
        try workbook.setColumn(self, first: first, last: last, width: width, format: format,
                               hidden: hidden, level: level)
    }

    /// Height (in points, Excel's default is 15; 0...409) and default format of a row.
    public func setRow(_ row: Int, height: Double, format: XLSXFormat? = nil,
                       hidden: Bool = false) throws {
        try workbook.setRow(self, row, height: height, format: format, hidden: hidden)
    }

    // MARK: View and print setup

    /// Freezes the rows above `row` and the columns left of `col` (`freezePanes(row: 1,
    /// col: 0)` keeps the header row visible).
    public func freezePanes(row: Int, col: Int) throws {
        try workbook.freezePanes(self, row: row, col: col)
    }

    /// Filter buttons on the header row `firstRow` of the range.
    public func autofilter(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws {
        try workbook.autofilter(self, firstRow: firstRow, firstCol: firstCol, lastRow: lastRow,
                                lastCol: lastCol)
    }

    /// Adds horizontal page breaks *above* each given row (so row 20 starts a page). Calls
    /// accumulate; duplicates are ignored; rows must be 1..<1_048_576 and there are at most
    /// 1,023 breaks per sheet (Excel's limit). `fitToPages` overrides manual breaks.
    public func insertPageBreaks(rows: [Int]) throws {
        try workbook.insertPageBreaks(self, rows: rows)
    }

    /// The printed range.
    public func printArea(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws {
        try workbook.printArea(self, firstRow: firstRow, firstCol: firstCol, lastRow: lastRow,
                               lastCol: lastCol)
    }

    /// Scales printing to `width` pages wide and `height` tall; 0 means "as many as needed"
    /// (`fitToPages(width: 1, height: 0)`: one page wide). 0...65535.
    public func fitToPages(width: Int, height: Int) throws {
        try workbook.fitToPages(self, width: width, height: height)
    }

    public func setLandscape() throws {
        try workbook.setLandscape(self)
    }

    /// Prints at `percent` of the size (10...400), instead of `fitToPages`: Excel ignores
    /// manual page breaks on a sheet fitted to pages, never on a scaled one.
    public func setPrintScale(_ percent: Int) throws {
        try workbook.setPrintScale(self, percent)
    }

    /// Columns `first...last` are repeated at the left of every printed page.
    public func repeatColumns(first: Int, last: Int) throws {
        try workbook.repeatColumns(self, first: first, last: last)
    }

    /// Rows `first...last` are repeated at the top of every printed page.
    public func repeatRows(first: Int, last: Int) throws {
        try workbook.repeatRows(self, first: first, last: last)
    }

    /// The printed page header and footer, in Excel's codes: `&L`, `&C`, `&R` start the
    /// left, centre and right parts; `&P` is the page number, `&N` the page count, `&A`
    /// the sheet name, `&&` a literal `&` (`XLSXWorksheet.escapeHeaderFooter`). At most
    /// 255 characters.
    public func setHeader(_ text: String) throws {
        try workbook.setHeaderFooter(self, text, footer: false)
    }

    public func setFooter(_ text: String) throws {
        try workbook.setHeaderFooter(self, text, footer: true)
    }

    /// Text shown as it is in a header or footer: each `&` doubled.
    public static func escapeHeaderFooter(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&&")
    }

    public func setTabColor(_ color: XLSXColor) throws {
        try workbook.setTabColor(self, color)
    }

    // MARK: Charts

    /// Places `chart` (made by the same workbook, placed at most once) with its top-left
    /// corner in cell (`row`, `col`). Excel's default chart is 480 x 288 pixels; scale it
    /// with `xScale`/`yScale`, shift it with pixel offsets.
    public func insertChart(_ chart: XLSXChart, row: Int, col: Int, xScale: Double = 1,
                            yScale: Double = 1, xOffset: Int = 0, yOffset: Int = 0) throws {
        try workbook.insertChart(self, chart, row: row, col: col, xScale: xScale,
                                 yScale: yScale, xOffset: xOffset, yOffset: yOffset)
    }
}
