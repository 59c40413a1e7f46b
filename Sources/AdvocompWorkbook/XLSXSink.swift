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
        case .header: spec = XLSXFormatSpec(bold: true, bgColor: XLSXColor(rgb: 0xDDE6F0), border: .thin,
                                            verticalAlignment: .top, textWrap: true)
        case .title: spec = XLSXFormatSpec(bold: true, fontColor: XLSXColor(rgb: 0x1F3864))
        case .bold: spec = XLSXFormatSpec(bold: true)
        case .note: spec = XLSXFormatSpec(verticalAlignment: .top, textWrap: true)
        case .money(let d): spec = XLSXFormatSpec(numFormat: Self.money(d))
        case .percent: spec = XLSXFormatSpec(numFormat: "0.00%")
        case .decimal: spec = XLSXFormatSpec(numFormat: "General")
        case .integer: spec = XLSXFormatSpec(numFormat: "#,##0")
        case .date: spec = XLSXFormatSpec(numFormat: "yyyy-mm-dd")
        case .format(let f): spec = XLSXFormatSpec(numFormat: f)
        case .totalMoney(let d): spec = XLSXFormatSpec(bold: true, numFormat: Self.money(d), bgColor: Self.totalGround)
        case .totalFormat(let f): spec = XLSXFormatSpec(bold: true, numFormat: f, bgColor: Self.totalGround)
        case .totalLabel: spec = XLSXFormatSpec(bold: true, bgColor: Self.totalGround)
        }
        let f = book.addFormat(spec)
        formats[style] = f
        return f
    }

    static func money(_ digits: Int) -> String { digits == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: digits) }
    static let totalGround = XLSXColor(rgb: 0xF2F2F2)

    public func addSheet(_ name: String) throws -> SheetSink {
        XLSXSheetSink(sheet: try book.addWorksheet(name), owner: self)
    }

    public func defineName(_ name: String, refersTo: String) throws {
        try book.defineName(name, formula: refersTo)
    }

    public func columnChart(on sheet: SheetSink, row: Int, col: Int, title: String, categories: ColumnRange,
                            series: [(name: String, values: ColumnRange)], valueFormat: String?) throws {
        guard let target = sheet as? XLSXSheetSink else { return }
        func range(_ r: ColumnRange) -> XLSXRange { XLSXRange(sheet: r.sheet, col: r.col, rows: r.rows) }
        let chart = try book.addColumnChart(title: title, categories: range(categories),
                                            series: series.map { ($0.name, range($0.values)) },
                                            valueAxisNumFormat: valueFormat, valueAxisMin: valueFormat == nil ? nil : 0)
        try target.sheet.insertChart(chart, row: row, col: col, xScale: 1.5, yScale: 1.0)
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
    func columns(_ columns: [ColumnLayout]) throws {
        for (i, c) in columns.enumerated() {
            try sheet.setColumn(first: i, last: i, width: c.width, hidden: c.helper, level: c.helper ? 1 : 0)
        }
    }
    func rowHeight(_ row: Int, _ points: Double) throws { try sheet.setRow(row, height: points) }
    func freezeHeader(rows: Int, cols: Int) throws { try sheet.freezePanes(row: rows, col: cols) }
    func autofilter(headerRow: Int, lastRow: Int, lastCol: Int) throws {
        try sheet.autofilter(firstRow: headerRow, firstCol: 0, lastRow: max(lastRow, headerRow), lastCol: lastCol)
    }
    func pageBreaks(beforeRows: [Int]) throws { if !beforeRows.isEmpty { try sheet.insertPageBreaks(rows: beforeRows) } }
    func pageSetup(_ setup: PageSetup) throws {
        if let lastRow = setup.lastRow, let lastCol = setup.lastCol {
            try sheet.printArea(firstRow: 0, firstCol: 0, lastRow: lastRow, lastCol: lastCol)
        }
        if let scale = setup.scale { try sheet.setPrintScale(scale) } else { try sheet.fitToPages(width: setup.pagesWide, height: 0) }
        if setup.landscape { try sheet.setLandscape() }
        if let rows = setup.repeatRows { try sheet.repeatRows(first: rows.lowerBound, last: rows.upperBound) }
        if let cols = setup.repeatColumns { try sheet.repeatColumns(first: cols.lowerBound, last: cols.upperBound) }
        if let footer = setup.footer { try sheet.setFooter(footer) }
    }
}
