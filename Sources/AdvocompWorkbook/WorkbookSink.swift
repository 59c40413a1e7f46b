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
    func columnWidths(_ widths: [Double]) throws
    func freezeHeader(rows: Int, cols: Int) throws
    func autofilter(lastRow: Int, lastCol: Int) throws
    func pageBreaks(beforeRows: [Int]) throws
    func printSetup(lastRow: Int, lastCol: Int, fitToWidth: Bool, landscape: Bool) throws
}

public protocol WorkbookSink: AnyObject {
    func addSheet(_ name: String) throws -> SheetSink
    /// A defined name such as `Weight_scorecard` referring to `=Plan!$B$7`.
    func defineName(_ name: String, refersTo: String) throws
    /// A clustered column chart inserted at (row, col) of `sheet`; ranges are a column of
    /// cells on a sheet, 0-based rows inclusive.
    func columnChart(on sheet: SheetSink, row: Int, col: Int, title: String, categories: ColumnRange,
                     series: [(name: String, values: ColumnRange)]) throws
    func close() throws
}

/// How a cell looks; the sink maps it to a number format and font.
public enum CellStyle: Hashable, Sendable {
    case plain
    case header
    case title
    case bold
    /// Money with this many minor digits (2 for USD, 0 for JPY, 3 for BHD).
    case money(Int)
    case percent
    /// A plain decimal with up to 6 places (attainment inputs, factors).
    case decimal
    case integer
    case date
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
}
