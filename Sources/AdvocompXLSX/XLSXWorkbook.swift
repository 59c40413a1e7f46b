import Foundation
internal import CXLSXWriter
internal import CFileSafety
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func closeDescriptor(_ fd: Int32) { _ = close(fd) }

/// An .xlsx workbook being written with libxlsxwriter. This is the only type that calls
/// libxlsxwriter: `XLSXWorksheet` and `XLSXChart` are handles that forward to it, so the
/// C pointers never outlive the workbook and every `lxw_error` becomes an `XLSXError`.
///
/// Life cycle: `init` -> `addWorksheet`/`addFormat`/`addChart`/`defineName`, write cells
/// -> `close()`. The file is assembled by `close()` into a temporary file beside `path`
/// (mode 0600, private) and then renamed to `path`, so a failed close never leaves half a
/// file and never replaces an existing one. A workbook that is never closed (or is
/// `discard()`ed) writes nothing: its memory is freed when it is deinitialized.
///
/// Not thread-safe: use a workbook (and its worksheets) from one thread at a time.
/// libxlsxwriter itself prints `[ERROR]` lines on standard error when `close()` fails;
/// those are captured and the thrown error carries their reason (say `File too large`). In constant-memory mode, a `close()` that fails before the sheets are
/// assembled leaves their (already unlinked) temporary files open until the process exits:
/// libxlsxwriter 1.1.4 frees the workbook without closing them.
public final class XLSXWorkbook {
    /// Where `close()` puts the file.
    public let path: String
    /// libxlsxwriter's constant-memory mode: each row is flushed to a temporary file when a
    /// later row is started, so rows must be written in order and merged ranges are limited.
    public let constantMemory: Bool

    private var handle: UnsafeMutablePointer<lxw_workbook>?
    /// Created by mkstemp in `init` (reserves a unique name, mode 0600); libxlsxwriter
    /// writes the zip there, `close()` renames it to `path`.
    private let tempPath: String
    /// The temporary file's slot in the signal cleanup table (CFileSafety), -1 for none.
    private var cleanupSlot: Int32 = -1
    private var tmpdirCopy: UnsafeMutablePointer<CChar>?
    private var sheets: [UnsafeMutablePointer<lxw_worksheet>] = []
    private var sheetNames: [String] = []
    private var pageBreaks: [Int: Set<Int>] = [:]
    private var definedNames: Set<String> = []
    private var formats: [XLSXFormatSpec: UnsafeMutablePointer<lxw_format>] = [:]
    private var charts: [UnsafeMutablePointer<lxw_chart>] = []
    private var insertedCharts: Set<Int> = []

    /// True once `close()` or `discard()` has run.
    public var isClosed: Bool { handle == nil }

    /// Starts a workbook that `close()` will write to `path` (normally ending in `.xlsx`).
    /// Throws `.file` when the directory of `path` does not exist or is not writable, or
    /// `tmpdir` (where libxlsxwriter keeps its temporary files) is not a directory.
    public init(path: String, constantMemory: Bool = false, tmpdir: String? = nil) throws {
        let context = "create workbook \(path)"
        guard !path.isEmpty else {
            throw XLSXError(.invalidArgument, context: context, message: "empty path")
        }
        try Self.checkNoNUL(path, context: context)
        self.path = path
        self.constantMemory = constantMemory

        if let tmpdir {
            try Self.checkNoNUL(tmpdir, context: context)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: tmpdir, isDirectory: &isDir), isDir.boolValue else {
                throw XLSXError(.file, context: context,
                                message: "temporary directory \(tmpdir) does not exist")
            }
        }

        // Reserve the temporary output file beside the target: fails here (not at close)
        // when the directory is missing or read-only.
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var template = Array((dir + "/." + url.lastPathComponent + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw XLSXError(.file, context: context, message: Self.errnoText())
        }
        closeDescriptor(fd)
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.tempPath = temp
        // Removed if the process is interrupted while the workbook is written.
        cleanupSlot = advocomp_cleanup_add(temp)

        var options = lxw_workbook_options()
        options.constant_memory = constantMemory ? 1 : 0
        if let tmpdir {
            tmpdirCopy = strdup(tmpdir)  // kept alive for the workbook's lifetime
            options.tmpdir = tmpdirCopy
        }
        guard let wb = temp.withCString({ workbook_new_opt($0, &options) }) else {
            unlink(temp)  // tmpdirCopy is freed by deinit (self is fully initialized here)
            advocomp_cleanup_remove(cleanupSlot)
            throw XLSXError(.library, context: context, message: "libxlsxwriter could not create the workbook")
        }
        handle = wb
    }

    deinit {
        discard()
        free(tmpdirCopy)
    }

    /// Abandons the workbook without writing anything (idempotent; also done by deinit).
    public func discard() {
        guard let wb = handle else { return }
        handle = nil
        // lxw_workbook_free does not close the per-sheet temporary files of
        // constant-memory mode (workbook_close does, while assembling).
        for ws in sheets {
            if let file = ws.pointee.optimize_tmpfile {
                fclose(file)
                ws.pointee.optimize_tmpfile = nil
            }
        }
        lxw_workbook_free(wb)
        unlink(tempPath)
        advocomp_cleanup_remove(cleanupSlot)
    }

    /// Writes the file (see the type's documentation) and frees libxlsxwriter's memory.
    /// Whether it succeeds or throws, the workbook is closed afterwards.
    public func close() throws {
        let context = "write workbook \(path)"
        let wb = try open(context)
        // Page breaks are applied once per sheet here: libxlsxwriter's setter replaces
        // (and leaks) a previous list, so `insertPageBreaks` only accumulates.
        for (index, rows) in pageBreaks.sorted(by: { $0.key < $1.key }) {
            var list = rows.sorted().map { lxw_row_t($0) }
            list.append(0)  // terminator
            let err = list.withUnsafeMutableBufferPointer {
                worksheet_set_h_pagebreaks(sheets[index], $0.baseAddress)
            }
            if err != LXW_NO_ERROR {
                discard()
                throw Self.error(err, context: "set page breaks on \(XLSXCell.quotedSheetName(sheetNames[index]))")
            }
        }
        handle = nil
        // Frees the workbook, success or not. Its own error lines are captured: the
        // thrown error carries their reason.
        let (err, printed) = StandardErrorCapture.run { workbook_close(wb) }
        defer { advocomp_cleanup_remove(cleanupSlot) }
        guard err == LXW_NO_ERROR else {
            unlink(tempPath)
            var e = Self.error(err, context: context)
            if let reason = StandardErrorCapture.systemReason(in: printed) {
                e = XLSXError(.file, context: context, message: reason, lxwCode: e.lxwCode)
            }
            throw e
        }
        guard chmod(tempPath, 0o600) == 0, rename(tempPath, path) == 0 else {
            let message = Self.errnoText()
            unlink(tempPath)
            throw XLSXError(.file, context: context, message: message)
        }
    }

    // MARK: Workbook content

    /// Adds a worksheet. Names are checked in Swift first (not empty, at most 31
    /// characters, none of `[ ] : * ? / \`, no leading or trailing `'`), then by
    /// libxlsxwriter (not already used, case-insensitively); failures throw
    /// `.invalidSheetName`.
    public func addWorksheet(_ name: String) throws -> XLSXWorksheet {
        let context = "add worksheet \"\(name)\""
        let wb = try open(context)
        try Self.validateSheetName(name, context: context)
        let check = name.withCString { workbook_validate_sheet_name(wb, $0) }
        if check != LXW_NO_ERROR { throw Self.error(check, context: context) }
        guard let ws = name.withCString({ workbook_add_worksheet(wb, $0) }) else {
            throw XLSXError(.library, context: context, message: constantMemory
                ? "libxlsxwriter could not create the worksheet's temporary file"
                : "libxlsxwriter could not create the worksheet")
        }
        sheets.append(ws)
        sheetNames.append(name)
        return XLSXWorksheet(workbook: self, name: name, index: sheets.count - 1)
    }

    /// A workbook-wide defined name, e.g. `defineName("Target", formula: "=Plan!$B$3")`
    /// (see `XLSXCell.reference`), usable in formulas as `=Target*2`. A sheet-local name is
    /// written `Plan!Target` (or `'Q3 plan'!Target`). Throws `.invalidArgument` for a name
    /// Excel refuses (checked here: libxlsxwriter 1.1.4 accepts `bad name`, `A1`, ... and
    /// misreports duplicates and unknown sheets as memory errors): it must start with a
    /// letter, `_` or `\`, continue with letters, digits, `_`, `.` or `\`, have at most 255
    /// characters, not read as a cell (`A1`, `R1C1`, `R`, `C`), be new in its scope
    /// (case-insensitively) and name a sheet of this workbook as scope.
    public func defineName(_ name: String, formula: String) throws {
        let context = "define name \"\(name)\""
        let wb = try open(context)
        try Self.checkNoNUL(name, context: context)
        try Self.checkNoNUL(formula, context: context)
        let key = try definedNameKey(name, context: context)
        guard !definedNames.contains(key) else {
            throw XLSXError(.invalidArgument, context: context, message: "the name is already defined")
        }
        guard !formula.drop(while: { $0 == "=" || $0 == " " }).isEmpty else {
            throw XLSXError(.invalidArgument, context: context, message: "empty formula")
        }
        let err = name.withCString { n in formula.withCString { f in workbook_define_name(wb, n, f) } }
        if err != LXW_NO_ERROR { throw Self.error(err, context: context) }
        definedNames.insert(key)
    }

    /// `scope index or -1` + lowercased name, after checking Excel's rules for names.
    private func definedNameKey(_ fullName: String, context: String) throws -> String {
        func fail(_ why: String) -> XLSXError { XLSXError(.invalidArgument, context: context, message: why) }
        var name = Substring(fullName)
        var scope = -1
        if let bang = fullName.lastIndex(of: "!") {
            var sheet = String(fullName[..<bang])
            name = fullName[fullName.index(after: bang)...]
            if sheet.count >= 2, sheet.hasPrefix("'"), sheet.hasSuffix("'") {
                sheet = String(sheet.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
            }
            guard let index = sheetNames.firstIndex(of: sheet) else {
                throw fail("no worksheet named \"\(sheet)\" in this workbook")
            }
            scope = index
        }
        guard let first = name.first else { throw fail("a defined name cannot be empty") }
        guard name.count <= 255 else { throw fail("a defined name has at most 255 characters") }
        guard first.isLetter || first == "_" || first == "\\" else {
            throw fail("a defined name starts with a letter, '_' or '\\'")
        }
        if let bad = name.first(where: { !($0.isLetter || $0.isNumber || "_.\\".contains($0)) }) {
            throw fail("a defined name cannot contain '\(bad)' (letters, digits, '_', '.' and '\\' only)")
        }
        let upper = name.uppercased()
        let letters = upper.prefix(while: { $0.isASCII && $0.isLetter })
        let digits = upper.dropFirst(letters.count)
        let looksA1 = (1...3).contains(letters.count) && !digits.isEmpty
            && digits.allSatisfy({ $0.isASCII && $0.isNumber })
        let looksR1C1 = upper.range(of: #"^R[0-9]*C?[0-9]*$|^C[0-9]*$"#, options: .regularExpression) != nil
        if looksA1 || looksR1C1 { throw fail("a defined name cannot look like a cell reference") }
        return "\(scope)|\(upper)"
    }

    /// A cell format. Identical specs share one libxlsxwriter format; the format is made now
    /// when possible, else when first used (where a problem, e.g. a `numFormat` longer than
    /// 127 bytes, throws with the cell being written).
    @discardableResult
    public func addFormat(_ spec: XLSXFormatSpec) -> XLSXFormat {
        let format = XLSXFormat(spec)
        _ = try? cFormat(format, context: "add format")
        return format
    }

    /// Document properties (File > Properties). `created` defaults to now; pass a fixed
    /// date for byte-identical output.
    public func setProperties(title: String? = nil, subject: String? = nil, author: String? = nil,
                              comments: String? = nil, created: Date? = nil) throws {
        let context = "set document properties"
        let wb = try open(context)
        for s in [title, subject, author, comments] { if let s { try Self.checkNoNUL(s, context: context) } }
        var props = lxw_doc_properties()
        if let created { props.created = time_t(created.timeIntervalSince1970.rounded(.down)) }
        let err = Self.withOptionalCString(title) { t in
            Self.withOptionalCString(subject) { s in
                Self.withOptionalCString(author) { a in
                    Self.withOptionalCString(comments) { c -> lxw_error in
                        props.title = t
                        props.subject = s
                        props.author = a
                        props.comments = c
                        return workbook_set_properties(wb, &props)  // copies the strings
                    }
                }
            }
        }
        if err != LXW_NO_ERROR { throw Self.error(err, context: context) }
    }

    /// A chart whose series read worksheet ranges of this workbook; place it with
    /// `XLSXWorksheet.insertChart`. Throws `.invalidArgument` without series or when a
    /// range names a sheet this workbook does not have, `.cellOutOfRange` for bad ranges.
    public func addChart(_ spec: XLSXChartSpec) throws -> XLSXChart {
        let context = "add chart" + (spec.title.map { " \"\($0)\"" } ?? "")
        let wb = try open(context)
        guard !spec.series.isEmpty else {
            throw XLSXError(.invalidArgument, context: context, message: "a chart needs at least one series")
        }
        for text in [spec.title, spec.categoryAxisName, spec.valueAxisName, spec.valueAxisNumFormat] {
            if let text { try Self.checkNoNUL(text, context: context) }
        }
        for series in spec.series {
            if let name = series.name { try Self.checkNoNUL(name, context: context) }
            for range in [series.nameCell, series.categories, series.values].compactMap({ $0 }) {
                guard sheetNames.contains(range.sheet) else {
                    throw XLSXError(.invalidArgument, context: context,
                                    message: "no worksheet named \"\(range.sheet)\" in this workbook")
                }
                try Self.checkRange(firstRow: range.firstRow, firstCol: range.firstCol,
                                    lastRow: range.lastRow, lastCol: range.lastCol, context: context)
            }
        }
        let type: lxw_chart_type
        switch spec.type {
        case .column: type = LXW_CHART_COLUMN
        case .bar: type = LXW_CHART_BAR
        case .line: type = LXW_CHART_LINE
        }
        guard let chart = workbook_add_chart(wb, UInt8(type.rawValue)) else {
            throw XLSXError(.library, context: context, message: "libxlsxwriter could not create the chart")
        }
        charts.append(chart)
        // For bar charts libxlsxwriter's X axis is the horizontal (value) axis.
        let categoryAxis = chart_axis_get(chart, spec.type == .bar ? LXW_CHART_AXIS_TYPE_Y : LXW_CHART_AXIS_TYPE_X)
        let valueAxis = chart_axis_get(chart, spec.type == .bar ? LXW_CHART_AXIS_TYPE_X : LXW_CHART_AXIS_TYPE_Y)
        if let title = spec.title { title.withCString { chart_title_set_name(chart, $0) } }
        if let name = spec.categoryAxisName { name.withCString { chart_axis_set_name(categoryAxis, $0) } }
        if let name = spec.valueAxisName { name.withCString { chart_axis_set_name(valueAxis, $0) } }
        if let fmt = spec.valueAxisNumFormat { fmt.withCString { chart_axis_set_num_format(valueAxis, $0) } }
        if let min = spec.valueAxisMin {
            guard min.isFinite else { throw XLSXError(.nonFiniteNumber, context: context, message: "the value axis minimum \(min) is not a number") }
            chart_axis_set_min(valueAxis, min)
        }
        let legend: lxw_chart_legend_position
        switch spec.legend {
        case .none: legend = LXW_CHART_LEGEND_NONE
        case .right: legend = LXW_CHART_LEGEND_RIGHT
        case .left: legend = LXW_CHART_LEGEND_LEFT
        case .top: legend = LXW_CHART_LEGEND_TOP
        case .bottom: legend = LXW_CHART_LEGEND_BOTTOM
        }
        chart_legend_set_position(chart, UInt8(legend.rawValue))

        for series in spec.series {
            guard let s = chart_add_series(chart, nil, nil) else {
                throw XLSXError(.library, context: context, message: "libxlsxwriter could not add a series")
            }
            let v = series.values
            v.sheet.withCString {
                chart_series_set_values(s, $0, lxw_row_t(v.firstRow), lxw_col_t(v.firstCol),
                                        lxw_row_t(v.lastRow), lxw_col_t(v.lastCol))
            }
            if let c = series.categories {
                c.sheet.withCString {
                    chart_series_set_categories(s, $0, lxw_row_t(c.firstRow), lxw_col_t(c.firstCol),
                                                lxw_row_t(c.lastRow), lxw_col_t(c.lastCol))
                }
            }
            if let cell = series.nameCell {
                cell.sheet.withCString {
                    chart_series_set_name_range(s, $0, lxw_row_t(cell.firstRow), lxw_col_t(cell.firstCol))
                }
            } else if let name = series.name {
                name.withCString { chart_series_set_name(s, $0) }
            }
            if let color = series.color {
                if spec.type == .line {
                    var line = lxw_chart_line()
                    line.color = Self.cColor(color)
                    chart_series_set_line(s, &line)  // copied
                } else {
                    var fill = lxw_chart_fill()
                    fill.color = Self.cColor(color)
                    chart_series_set_fill(s, &fill)  // copied
                }
            }
        }
        return XLSXChart(workbook: self, id: charts.count - 1, spec: spec)
    }

    /// The usual report chart: clustered columns, one series per `(name, values)`, sharing
    /// `categories` (e.g. payout and target by unit).
    public func addColumnChart(title: String?, categories: XLSXRange,
                               series: [(name: String, values: XLSXRange)],
                               categoryAxisName: String? = nil, valueAxisName: String? = nil,
                               valueAxisNumFormat: String? = nil, valueAxisMin: Double? = nil) throws -> XLSXChart {
        try addChart(XLSXChartSpec(
            type: .column, title: title, categoryAxisName: categoryAxisName,
            valueAxisName: valueAxisName, valueAxisNumFormat: valueAxisNumFormat, valueAxisMin: valueAxisMin,
            series: series.map { XLSXChartSeries(name: $0.name, categories: categories, values: $0.values) }))
    }

    // MARK: - Worksheet operations (called by XLSXWorksheet)

    func writeString(_ sheet: XLSXWorksheet, row: Int, col: Int, _ value: String,
                     format: XLSXFormat?) throws {
        let (ws, r, c, context) = try cell(sheet, row, col, "write string to")
        try Self.checkNoNUL(value, context: context())
        let f = try cFormat(format, context: context())
        try check(value.withCString { worksheet_write_string(ws, r, c, $0, f) }, context())
    }

    func writeNumber(_ sheet: XLSXWorksheet, row: Int, col: Int, _ value: Double,
                     format: XLSXFormat?) throws {
        let (ws, r, c, context) = try cell(sheet, row, col, "write number to")
        try Self.checkFinite(value, context: context())
        let f = try cFormat(format, context: context())
        try check(worksheet_write_number(ws, r, c, value, f), context())
    }

    func writeFormula(_ sheet: XLSXWorksheet, row: Int, col: Int, _ formula: String, cached: Double,
                      format: XLSXFormat?) throws {
        let (ws, r, c, context) = try cell(sheet, row, col, "write formula to")
        try Self.checkFormula(formula, context: context())
        try Self.checkFinite(cached, context: context())
        let f = try cFormat(format, context: context())
        try check(formula.withCString { worksheet_write_formula_num(ws, r, c, $0, f, cached) }, context())
    }

    func writeFormulaString(_ sheet: XLSXWorksheet, row: Int, col: Int, _ formula: String,
                            cachedString: String, format: XLSXFormat?) throws {
        let (ws, r, c, context) = try cell(sheet, row, col, "write formula to")
        try Self.checkFormula(formula, context: context())
        try Self.checkNoNUL(cachedString, context: context())
        let f = try cFormat(format, context: context())
        let err = formula.withCString { fp in
            cachedString.withCString { worksheet_write_formula_str(ws, r, c, fp, f, $0) }
        }
        try check(err, context())
    }

    func writeBoolean(_ sheet: XLSXWorksheet, row: Int, col: Int, _ value: Bool,
                      format: XLSXFormat?) throws {
        let (ws, r, c, context) = try cell(sheet, row, col, "write boolean to")
        let f = try cFormat(format, context: context())
        try check(worksheet_write_boolean(ws, r, c, value ? 1 : 0, f), context())
    }

    func writeBlank(_ sheet: XLSXWorksheet, row: Int, col: Int, format: XLSXFormat?) throws {
        let (ws, r, c, context) = try cell(sheet, row, col, "write blank to")
        let f = try cFormat(format, context: context())
        try check(worksheet_write_blank(ws, r, c, f), context())
    }

    func mergeRange(_ sheet: XLSXWorksheet, firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int,
                    _ text: String, format: XLSXFormat?) throws {
        let (ws, context) = try range(sheet, firstRow, firstCol, lastRow, lastCol, "merge")
        try Self.checkNoNUL(text, context: context)
        let f = try cFormat(format, context: context)
        let err = text.withCString {
            worksheet_merge_range(ws, lxw_row_t(firstRow), lxw_col_t(firstCol),
                                  lxw_row_t(lastRow), lxw_col_t(lastCol), $0, f)
        }
        try check(err, context)
    }

    func setColumn(_ sheet: XLSXWorksheet, first: Int, last: Int, width: Double, format: XLSXFormat?,
                   hidden: Bool, level: Int) throws {
        let (ws, context) = try range(sheet, 0, first, 0, last, "set width of columns",
                                      columnsOnly: true)
        guard width.isFinite, width >= 0, width <= 255 else {
            throw XLSXError(.invalidArgument, context: context, message: "column width \(width) is not in 0...255")
        }
        guard (0...7).contains(level) else {
            throw XLSXError(.invalidArgument, context: context, message: "outline level \(level) is not in 0...7")
        }
        let f = try cFormat(format, context: context)
        var options = lxw_row_col_options()
        options.hidden = hidden ? 1 : 0
        options.level = UInt8(level)
        try check(worksheet_set_column_opt(ws, lxw_col_t(first), lxw_col_t(last), width, f, &options), context)
    }

    func setRow(_ sheet: XLSXWorksheet, _ row: Int, height: Double, format: XLSXFormat?,
                hidden: Bool) throws {
        let (ws, r, _, _) = try cell(sheet, row, 0, "set height of row")
        let context = "set height of row \(row + 1) on \(XLSXCell.quotedSheetName(sheet.name))"
        guard height.isFinite, height >= 0, height <= 409 else {
            throw XLSXError(.invalidArgument, context: context, message: "row height \(height) is not in 0...409")
        }
        let f = try cFormat(format, context: context)
        var options = lxw_row_col_options()
        options.hidden = hidden ? 1 : 0
        try check(worksheet_set_row_opt(ws, r, height, f, &options), context)
    }

    func freezePanes(_ sheet: XLSXWorksheet, row: Int, col: Int) throws {
        let (ws, r, c, _) = try cell(sheet, row, col, "freeze panes at")
        worksheet_freeze_panes(ws, r, c)
    }

    func autofilter(_ sheet: XLSXWorksheet, firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws {
        let (ws, context) = try range(sheet, firstRow, firstCol, lastRow, lastCol, "set autofilter on")
        try check(worksheet_autofilter(ws, lxw_row_t(firstRow), lxw_col_t(firstCol),
                                       lxw_row_t(lastRow), lxw_col_t(lastCol)), context)
    }

    func insertPageBreaks(_ sheet: XLSXWorksheet, rows: [Int]) throws {
        let context = "insert page breaks on \(XLSXCell.quotedSheetName(sheet.name))"
        _ = try worksheetPointer(sheet, context)
        if let bad = rows.first(where: { $0 < 1 || $0 >= XLSXCell.maxRows }) {
            throw XLSXError(.cellOutOfRange, context: context,
                            message: "a page break goes above a row in 1..<\(XLSXCell.maxRows), not \(bad)")
        }
        let all = pageBreaks[sheet.index, default: []].union(rows)
        guard all.count <= 1023 else {
            throw XLSXError(.invalidArgument, context: context,
                            message: "\(all.count) page breaks; Excel allows at most 1023 per sheet")
        }
        pageBreaks[sheet.index] = all
    }

    func printArea(_ sheet: XLSXWorksheet, firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws {
        let (ws, context) = try range(sheet, firstRow, firstCol, lastRow, lastCol, "set print area")
        try check(worksheet_print_area(ws, lxw_row_t(firstRow), lxw_col_t(firstCol),
                                       lxw_row_t(lastRow), lxw_col_t(lastCol)), context)
    }

    func fitToPages(_ sheet: XLSXWorksheet, width: Int, height: Int) throws {
        let context = "fit \(XLSXCell.quotedSheetName(sheet.name)) to pages"
        let ws = try worksheetPointer(sheet, context)
        guard (0...65535).contains(width), (0...65535).contains(height) else {
            throw XLSXError(.invalidArgument, context: context,
                            message: "pages wide and tall must be in 0...65535, not \(width) x \(height)")
        }
        worksheet_fit_to_pages(ws, UInt16(width), UInt16(height))
    }

    func setLandscape(_ sheet: XLSXWorksheet) throws {
        worksheet_set_landscape(try worksheetPointer(sheet, "set landscape on \(XLSXCell.quotedSheetName(sheet.name))"))
    }

    func repeatRows(_ sheet: XLSXWorksheet, first: Int, last: Int) throws {
        let (ws, context) = try range(sheet, first, 0, last, 0, "repeat rows")
        try check(worksheet_repeat_rows(ws, lxw_row_t(first), lxw_row_t(last)), context)
    }

    func setPrintScale(_ sheet: XLSXWorksheet, _ percent: Int) throws {
        let context = "set the print scale of \(XLSXCell.quotedSheetName(sheet.name))"
        let ws = try worksheetPointer(sheet, context)
        guard (10...400).contains(percent) else {
            throw XLSXError(.invalidArgument, context: context, message: "a print scale is 10...400 percent, not \(percent)")
        }
        worksheet_set_print_scale(ws, UInt16(percent))
    }

    func repeatColumns(_ sheet: XLSXWorksheet, first: Int, last: Int) throws {
        let (ws, context) = try range(sheet, 0, first, 0, last, "repeat columns", columnsOnly: true)
        try check(worksheet_repeat_columns(ws, lxw_col_t(first), lxw_col_t(last)), context)
    }

    func setHeaderFooter(_ sheet: XLSXWorksheet, _ text: String, footer: Bool) throws {
        let context = "set the page \(footer ? "footer" : "header") of \(XLSXCell.quotedSheetName(sheet.name))"
        let ws = try worksheetPointer(sheet, context)
        try Self.checkNoNUL(text, context: context)
        // Excel's limit (libxlsxwriter checks it too, with a warning on standard error).
        guard text.utf16.count <= 255 else {
            throw XLSXError(.invalidArgument, context: context, message: "a page header or footer has at most 255 characters")
        }
        let err = text.withCString { footer ? worksheet_set_footer(ws, $0) : worksheet_set_header(ws, $0) }
        try check(err, context)
    }

    func setTabColor(_ sheet: XLSXWorksheet, _ color: XLSXColor) throws {
        let ws = try worksheetPointer(sheet, "set tab colour of \(XLSXCell.quotedSheetName(sheet.name))")
        worksheet_set_tab_color(ws, Self.cColor(color))
    }

    func insertChart(_ sheet: XLSXWorksheet, _ chart: XLSXChart, row: Int, col: Int, xScale: Double,
                     yScale: Double, xOffset: Int, yOffset: Int) throws {
        let (ws, r, c, context) = try cell(sheet, row, col, "insert chart at")
        guard chart.workbook === self, chart.id < charts.count else {
            throw XLSXError(.invalidArgument, context: context(), message: "the chart belongs to another workbook")
        }
        guard !insertedCharts.contains(chart.id) else {
            throw XLSXError(.invalidArgument, context: context(), message: "the chart is already placed")
        }
        guard xScale.isFinite, yScale.isFinite, xScale > 0, yScale > 0 else {
            throw XLSXError(.invalidArgument, context: context(), message: "chart scales must be finite and positive")
        }
        guard let xo = Int32(exactly: xOffset), let yo = Int32(exactly: yOffset) else {
            throw XLSXError(.invalidArgument, context: context(), message: "chart offsets out of range")
        }
        var options = lxw_chart_options()
        options.x_offset = xo
        options.y_offset = yo
        options.x_scale = xScale
        options.y_scale = yScale
        try check(worksheet_insert_chart_opt(ws, r, c, charts[chart.id], &options), context())
        insertedCharts.insert(chart.id)
    }

    // MARK: - Helpers

    private func open(_ context: @autoclosure () -> String) throws -> UnsafeMutablePointer<lxw_workbook> {
        guard let wb = handle else {
            throw XLSXError(.workbookClosed, context: context(), message: "the workbook is already closed")
        }
        return wb
    }

    private func worksheetPointer(_ sheet: XLSXWorksheet, _ context: @autoclosure () -> String) throws
        -> UnsafeMutablePointer<lxw_worksheet> {
        _ = try open(context())
        guard sheet.workbook === self, sheet.index < sheets.count else {
            throw XLSXError(.invalidArgument, context: context(), message: "the worksheet belongs to another workbook")
        }
        return sheets[sheet.index]
    }

    /// The worksheet pointer and C coordinates of one cell, with a context such as
    /// `write string to Plan!B3`; throws `.cellOutOfRange` outside Excel's grid.
    /// The worksheet and cell, checked. The context text for messages is built only when
    /// an error is reported: writing a million cells must not format a million names.
    private func cell(_ sheet: XLSXWorksheet, _ row: Int, _ col: Int, _ verb: String) throws
        -> (UnsafeMutablePointer<lxw_worksheet>, lxw_row_t, lxw_col_t, () -> String) {
        let context = { "\(verb) \(XLSXCell.reference(sheet: sheet.name, row: row, col: col, absolute: false))" }
        let ws = try worksheetPointer(sheet, context())
        try Self.checkCell(row: row, col: col, context: context())
        return (ws, lxw_row_t(row), lxw_col_t(col), context)
    }

    private func range(_ sheet: XLSXWorksheet, _ firstRow: Int, _ firstCol: Int, _ lastRow: Int,
                       _ lastCol: Int, _ verb: String, columnsOnly: Bool = false) throws
        -> (UnsafeMutablePointer<lxw_worksheet>, String) {
        let where_ = columnsOnly
            ? "\(XLSXCell.columnName(firstCol)):\(XLSXCell.columnName(lastCol))"
            : XLSXCell.range(firstRow: firstRow, firstCol: firstCol, lastRow: lastRow, lastCol: lastCol)
        let context = "\(verb) \(XLSXCell.quotedSheetName(sheet.name))!\(where_)"
        let ws = try worksheetPointer(sheet, context)
        try Self.checkRange(firstRow: firstRow, firstCol: firstCol, lastRow: lastRow, lastCol: lastCol,
                            context: context)
        return (ws, context)
    }

    private func check(_ err: lxw_error, _ context: @autoclosure () -> String) throws {
        guard err != LXW_NO_ERROR else { return }
        var e = Self.error(err, context: context())
        if constantMemory && err == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE {
            e = XLSXError(e.kind, context: e.context,
                          message: e.message + " (constant-memory mode: rows must be written in increasing order)",
                          lxwCode: e.lxwCode)
        }
        throw e
    }

    /// The libxlsxwriter format for `format` (nil for none), made once per spec.
    private func cFormat(_ format: XLSXFormat?, context: @autoclosure () -> String) throws -> UnsafeMutablePointer<lxw_format>? {
        guard let spec = format?.spec else { return nil }
        if let f = formats[spec] { return f }
        let wb = try open(context())
        if let nf = spec.numFormat {
            try Self.checkNoNUL(nf, context: context())
            guard nf.utf8.count < Int(LXW_FORMAT_FIELD_LEN) else {
                throw XLSXError(.invalidArgument, context: context(),
                                message: "number format longer than \(Int(LXW_FORMAT_FIELD_LEN) - 1) bytes: \(nf)")
            }
        }
        guard let f = workbook_add_format(wb) else {
            throw XLSXError(.library, context: context(), message: "libxlsxwriter could not create a format")
        }
        if spec.bold { format_set_bold(f) }
        if spec.italic { format_set_italic(f) }
        if let nf = spec.numFormat { nf.withCString { format_set_num_format(f, $0) } }
        if let c = spec.fontColor { format_set_font_color(f, Self.cColor(c)) }
        if let c = spec.bgColor {
            format_set_pattern(f, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(f, Self.cColor(c))
        }
        if let b = spec.border {
            let style: lxw_format_borders
            switch b {
            case .thin: style = LXW_BORDER_THIN
            case .medium: style = LXW_BORDER_MEDIUM
            case .thick: style = LXW_BORDER_THICK
            case .dashed: style = LXW_BORDER_DASHED
            case .dotted: style = LXW_BORDER_DOTTED
            case .double: style = LXW_BORDER_DOUBLE
            case .hair: style = LXW_BORDER_HAIR
            }
            format_set_border(f, UInt8(style.rawValue))
        }
        if let a = spec.alignment {
            let align: lxw_format_alignments
            switch a {
            case .left: align = LXW_ALIGN_LEFT
            case .center: align = LXW_ALIGN_CENTER
            case .right: align = LXW_ALIGN_RIGHT
            case .fill: align = LXW_ALIGN_FILL
            case .justify: align = LXW_ALIGN_JUSTIFY
            case .centerAcross: align = LXW_ALIGN_CENTER_ACROSS
            }
            format_set_align(f, UInt8(align.rawValue))
        }
        if let v = spec.verticalAlignment {
            let align: lxw_format_alignments
            switch v {
            case .top: align = LXW_ALIGN_VERTICAL_TOP
            case .center: align = LXW_ALIGN_VERTICAL_CENTER
            case .bottom: align = LXW_ALIGN_VERTICAL_BOTTOM
            }
            format_set_align(f, UInt8(align.rawValue))
        }
        if spec.textWrap { format_set_text_wrap(f) }
        formats[spec] = f
        return f
    }

    /// libxlsxwriter reads colour 0 as "unset"; black has its own value.
    private static func cColor(_ color: XLSXColor) -> lxw_color_t {
        color.rgb == 0 ? lxw_color_t(LXW_COLOR_BLACK.rawValue) : lxw_color_t(color.rgb)
    }

    private static func error(_ err: lxw_error, context: String) -> XLSXError {
        let message = lxw_strerror(err).map { String(cString: $0) } ?? "libxlsxwriter error \(err.rawValue)"
        let kind: XLSXError.Kind
        switch err {
        case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED, LXW_ERROR_INVALID_SHEETNAME_CHARACTER,
             LXW_ERROR_SHEETNAME_START_END_APOSTROPHE, LXW_ERROR_SHEETNAME_ALREADY_USED:
            kind = .invalidSheetName
        case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
            kind = .cellOutOfRange
        case LXW_ERROR_CREATING_XLSX_FILE, LXW_ERROR_CREATING_TMPFILE, LXW_ERROR_READING_TMPFILE,
             LXW_ERROR_ZIP_FILE_OPERATION, LXW_ERROR_ZIP_PARAMETER_ERROR, LXW_ERROR_ZIP_BAD_ZIP_FILE,
             LXW_ERROR_ZIP_INTERNAL_ERROR, LXW_ERROR_ZIP_FILE_ADD, LXW_ERROR_ZIP_CLOSE:
            kind = .file
        case LXW_ERROR_PARAMETER_VALIDATION, LXW_ERROR_NULL_PARAMETER_IGNORED,
             LXW_ERROR_32_STRING_LENGTH_EXCEEDED, LXW_ERROR_128_STRING_LENGTH_EXCEEDED,
             LXW_ERROR_255_STRING_LENGTH_EXCEEDED, LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED,
             LXW_ERROR_FEATURE_NOT_SUPPORTED:
            kind = .invalidArgument
        default:
            kind = .library
        }
        return XLSXError(kind, context: context, message: message, lxwCode: Int(err.rawValue))
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func checkNoNUL(_ s: String, context: @autoclosure () -> String) throws {
        // memchr over the contiguous bytes: this runs for every cell of the workbook.
        let hasNUL = s.utf8.withContiguousStorageIfAvailable { $0.isEmpty ? false : memchr($0.baseAddress!, 0, $0.count) != nil }
            ?? s.utf8.contains(0)
        if hasNUL {
            throw XLSXError(.invalidArgument, context: context(), message: "text contains a NUL character")
        }
    }

    private static func checkFinite(_ value: Double, context: @autoclosure () -> String) throws {
        if !value.isFinite {
            throw XLSXError(.nonFiniteNumber, context: context(), message: "\(value) cannot be stored in a cell")
        }
    }

    private static func checkFormula(_ formula: String, context: @autoclosure () -> String) throws {
        try checkNoNUL(formula, context: context())
        guard !formula.drop(while: { $0 == "=" || $0 == " " }).isEmpty else {
            throw XLSXError(.invalidArgument, context: context(), message: "empty formula")
        }
        // UTF-8 is never shorter than UTF-16, so most formulas pass without counting.
        guard formula.utf8.count <= 8192 || formula.utf16.count <= 8192 else {
            throw XLSXError(.invalidArgument, context: context(), message: "formula longer than Excel's 8192 characters")
        }
    }

    private static func checkCell(row: Int, col: Int, context: @autoclosure () -> String) throws {
        guard (0..<XLSXCell.maxRows).contains(row), (0..<XLSXCell.maxColumns).contains(col) else {
            throw XLSXError(.cellOutOfRange, context: context(),
                            message: "row \(row), col \(col) is outside the sheet (0-based rows 0..<\(XLSXCell.maxRows), cols 0..<\(XLSXCell.maxColumns))")
        }
    }

    private static func checkRange(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int,
                                   context: String) throws {
        try checkCell(row: firstRow, col: firstCol, context: context)
        try checkCell(row: lastRow, col: lastCol, context: context)
        guard firstRow <= lastRow, firstCol <= lastCol else {
            throw XLSXError(.cellOutOfRange, context: context,
                            message: "the first row/column comes after the last")
        }
    }

    static func validateSheetName(_ name: String, context: String) throws {
        func fail(_ why: String) -> XLSXError { XLSXError(.invalidSheetName, context: context, message: why) }
        if name.isEmpty { throw fail("a worksheet name cannot be empty") }
        if name.utf16.count > 31 { throw fail("a worksheet name has at most 31 characters") }
        if let bad = name.first(where: { "[]:*?/\\".contains($0) }) {
            throw fail("a worksheet name cannot contain '\(bad)' (none of [ ] : * ? / \\)")
        }
        if name.hasPrefix("'") || name.hasSuffix("'") {
            throw fail("a worksheet name cannot start or end with an apostrophe")
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw fail("a worksheet name cannot contain control characters")
        }
    }

    private static func withOptionalCString<R>(_ s: String?, _ body: (UnsafeMutablePointer<CChar>?) -> R) -> R {
        guard let s else { return body(nil) }
        return s.withCString { body(UnsafeMutablePointer(mutating: $0)) }
    }
}
