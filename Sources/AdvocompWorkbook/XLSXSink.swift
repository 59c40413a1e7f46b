import AdvocompXLSX

/// Writes the workbook builder's cells through libxlsxwriter (`AdvocompXLSX`).
public final class XLSXSink: WorkbookSink {
    let book: XLSXWorkbook
    private var formats: [CellStyle: XLSXFormat] = [:]

    /// Opens `path` for writing. `constantMemory` streams rows to disk (for large runs).
    public init(path: String, constantMemory: Bool) throws {
        book = try XLSXWorkbook(path: path, constantMemory: constantMemory)
    }

    func format(_ style: CellStyle) -> XLSXFormat? {
        if style == .plain { return nil }
        if let f = formats[style] { return f }
        let spec: XLSXFormatSpec
        switch style {
        case .plain: spec = XLSXFormatSpec()
        case .header: spec = XLSXFormatSpec(bold: true, bgColor: XLSXColor(rgb: 0xDDE6F0), border: .thin)
        case .title: spec = XLSXFormatSpec(bold: true, fontColor: XLSXColor(rgb: 0x1F3864))
        case .bold: spec = XLSXFormatSpec(bold: true)
        case .money(let d): spec = XLSXFormatSpec(numFormat: d == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: d))
        case .percent: spec = XLSXFormatSpec(numFormat: "0.00%")
        case .decimal: spec = XLSXFormatSpec(numFormat: "0.######")
        case .integer: spec = XLSXFormatSpec(numFormat: "0")
        case .date: spec = XLSXFormatSpec(numFormat: "yyyy-mm-dd")
        }
        let f = book.addFormat(spec)
        formats[style] = f
        return f
    }

    public func addSheet(_ name: String) throws -> SheetSink {
        XLSXSheetSink(sheet: try book.addWorksheet(name), owner: self)
    }

    public func defineName(_ name: String, refersTo: String) throws {
        try book.defineName(name, formula: refersTo)
    }

    public func columnChart(on sheet: SheetSink, row: Int, col: Int, title: String, categories: ColumnRange,
                            series: [(name: String, values: ColumnRange)]) throws {
        guard let target = sheet as? XLSXSheetSink else { return }
        func range(_ r: ColumnRange) -> XLSXRange { XLSXRange(sheet: r.sheet, col: r.col, rows: r.rows) }
        let chart = try book.addColumnChart(title: title, categories: range(categories),
                                            series: series.map { ($0.name, range($0.values)) })
        try target.sheet.insertChart(chart, row: row, col: col, xScale: 1.5, yScale: 1.5)
    }

    public func close() throws { try book.close() }

    /// Abandons the file (after an error): nothing half-written is kept by the caller.
    public func discard() { book.discard() }
}

final class XLSXSheetSink: SheetSink {
    let sheet: XLSXWorksheet
    unowned let owner: XLSXSink

    init(sheet: XLSXWorksheet, owner: XLSXSink) {
        self.sheet = sheet
        self.owner = owner
    }

    func text(_ row: Int, _ col: Int, _ value: String, _ style: CellStyle) throws {
        try sheet.writeString(row: row, col: col, value, format: owner.format(style))
    }
    func number(_ row: Int, _ col: Int, _ value: Double, _ style: CellStyle) throws {
        try sheet.writeNumber(row: row, col: col, value, format: owner.format(style))
    }
    func formula(_ row: Int, _ col: Int, _ formula: String, cached: Double, _ style: CellStyle) throws {
        // libxlsxwriter takes the formula with or without its leading `=`.
        try sheet.writeFormula(row: row, col: col, formula, cached: cached, format: owner.format(style))
    }
    func formulaText(_ row: Int, _ col: Int, _ formula: String, cached: String, _ style: CellStyle) throws {
        try sheet.writeFormulaString(row: row, col: col, formula, cachedString: cached, format: owner.format(style))
    }
    func columnWidths(_ widths: [Double]) throws {
        for (i, w) in widths.enumerated() { try sheet.setColumn(first: i, last: i, width: w) }
    }
    func freezeHeader(rows: Int, cols: Int) throws { try sheet.freezePanes(row: rows, col: cols) }
    func autofilter(lastRow: Int, lastCol: Int) throws {
        try sheet.autofilter(firstRow: 0, firstCol: 0, lastRow: lastRow, lastCol: lastCol)
    }
    func pageBreaks(beforeRows: [Int]) throws { if !beforeRows.isEmpty { try sheet.insertPageBreaks(rows: beforeRows) } }
    func printSetup(lastRow: Int, lastCol: Int, fitToWidth: Bool, landscape: Bool) throws {
        try sheet.printArea(firstRow: 0, firstCol: 0, lastRow: lastRow, lastCol: lastCol)
        if fitToWidth { try sheet.fitToPages(width: 1, height: 0) }
        if landscape { try sheet.setLandscape() }
    }
}
