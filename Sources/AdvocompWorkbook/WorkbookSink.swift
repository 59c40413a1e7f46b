import AdvocompModel

/// Where the workbook builder writes: the XLSX file in production (`XLSXSink`), an
/// in-memory grid in tests. Rows and columns are 0-based.
public protocol SheetSink: AnyObject {
    func text(_ row: Int, _ col: Int, _ value: String, _ style: CellStyle) throws
    func number(_ row: Int, _ col: Int, _ value: Double, _ style: CellStyle) throws
    /// A live formula (without the leading `=` is fine, with it too) and the engine's value as its cached result.
    func formula(_ row: Int, _ col: Int, _ formula: String, cached: Double, _ style: CellStyle) throws
    /// A formula whose result is text.
    func formulaText(_ row: Int, _ col: Int, _ formula: String, cached: String, _ style: CellStyle) throws
    /// Widths (in characters) of the first columns, and which are helpers: hidden and in
    /// an outline group (level 1) that the reader opens with the + above the columns.
    func columns(_ columns: [ColumnLayout]) throws
    /// The height of a row in points (a header whose names wrap over several lines).
    func rowHeight(_ row: Int, _ points: Double) throws
    func freezeHeader(rows: Int, cols: Int) throws
    /// Filter buttons on `headerRow` over the rows below it, to `lastRow`.
    func autofilter(headerRow: Int, lastRow: Int, lastCol: Int) throws
    func pageBreaks(beforeRows: [Int]) throws
    func pageSetup(_ setup: PageSetup) throws
}

public protocol WorkbookSink: AnyObject {
    func addSheet(_ name: String) throws -> SheetSink
    /// A defined name such as `Weight_scorecard` referring to `=Plan!$B$7`.
    func defineName(_ name: String, refersTo: String) throws
    /// A clustered column chart inserted at (row, col) of `sheet`; ranges are a column of
    /// cells on a sheet, 0-based rows inclusive. `valueFormat`: the number format of the
    /// value axis, for amounts (`#,##0`), whose axis then starts at 0.
    func columnChart(on sheet: SheetSink, row: Int, col: Int, title: String, categories: ColumnRange,
                     series: [(name: String, values: ColumnRange)], valueFormat: String?) throws
    func close() throws
}

extension WorkbookSink {
    func columnChart(on sheet: SheetSink, row: Int, col: Int, title: String, categories: ColumnRange,
                     series: [(name: String, values: ColumnRange)]) throws {
        try columnChart(on: sheet, row: row, col: col, title: title, categories: categories, series: series, valueFormat: nil)
    }
}

/// One column's width (in characters, as Excel counts them) and whether it is a helper
/// column: hidden, and grouped (outline level 1) so a reader can show it.
public struct ColumnLayout: Hashable, Sendable {
    public var width: Double
    public var helper: Bool
    public init(_ width: Double, helper: Bool = false) { self.width = width; self.helper = helper }
}

/// How a sheet prints: landscape, a footer naming the plan, the period, the run and the
/// page, the table's header rows repeated on each page, and one page wide (`pagesWide`),
/// or at a fixed `scale` on a sheet with page breaks of its own (Excel ignores manual
/// breaks on a sheet fitted to pages).
public struct PageSetup: Hashable, Sendable {
    public var landscape = true
    /// Fitted to this many pages wide (as many tall as needed), unless `scale` is set.
    public var pagesWide = 1
    /// Printed at this percentage instead of fitted.
    public var scale: Int?
    /// Rows (0-based) repeated at the top of every printed page: a table's header.
    public var repeatRows: ClosedRange<Int>?
    /// Columns repeated at the left of every page of a sheet more than one page wide.
    public var repeatColumns: ClosedRange<Int>?
    /// The printed area's last row and column (from A1); nil: what the sheet holds.
    public var lastRow: Int?
    public var lastCol: Int?
    /// The footer in Excel's codes (`&L`, `&C`, `&R`, `&P`, `&N`, `&A`; `&&` for `&`).
    public var footer: String?
    public init() {}
}

/// How a cell looks; the sink maps it to a number format and font.
public enum CellStyle: Hashable, Sendable {
    case plain
    /// A table's header: bold on a tinted ground, names wrapped over lines when long.
    case header
    case title
    case bold
    /// A line of prose, wrapped within its cell.
    case note
    /// Money with this many minor digits (2 for USD, 0 for JPY, 3 for BHD).
    case money(Int)
    case percent
    /// A plain decimal with up to 6 places (attainment inputs, factors).
    case decimal
    case integer
    case date
    /// A number in an Excel number format of its own: a KPI's values by its unit
    /// (`0.0%`, `#,##0`, `#,##0.0 "months"`), a factor (`0.00##`).
    case format(String)
    /// A totals row: bold on a light ground, money with these minor digits.
    case totalMoney(Int)
    /// A totals row's number in a format of its own (`#,##0 "payees"`).
    case totalFormat(String)
    case totalLabel
}

/// A column of cells on a sheet (0-based, rows inclusive).
public struct ColumnRange: Hashable, Sendable {
    public var sheet: String
    public var col: Int
    public var rows: ClosedRange<Int>
    public init(sheet: String, col: Int, rows: ClosedRange<Int>) {
        self.sheet = sheet; self.col = col; self.rows = rows
    }
}

extension SheetSink {
    /// An amount of money as a number in its currency's format (a cell holds a double:
    /// exact for every amount below 2^53 minor units).
    func money(_ row: Int, _ col: Int, _ value: Money) throws {
        try number(row, col, WorkbookBuilder.double(value.amount), .money(value.currency.minorDigits))
    }

    /// Widths of the first columns, none of them helpers.
    func columnWidths(_ widths: [Double]) throws { try columns(widths.map { ColumnLayout($0) }) }

    /// Filter buttons on the first row.
    func autofilter(lastRow: Int, lastCol: Int) throws { try autofilter(headerRow: 0, lastRow: lastRow, lastCol: lastCol) }
}
