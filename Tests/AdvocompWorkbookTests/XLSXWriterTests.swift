import Foundation
import XCTest
import AdvocompXLSX

/// AdvocompXLSX: workbooks written through libxlsxwriter, checked by reading the XML parts
/// back out of the .xlsx (a zip) with python3's zipfile.
final class XLSXWriterTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("advocomp-xlsx-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: A full workbook

    func testWorkbookCellsFormulasNamesChartAndPrintSetup() throws {
        let path = dir.appendingPathComponent("report.xlsx").path
        let wb = try XLSXWorkbook(path: path)
        try wb.setProperties(title: "Q3 payouts", subject: "advocacy bonus", author: "advocomp",
                             comments: "test", created: Date(timeIntervalSince1970: 1_780_000_000))
        let bold = wb.addFormat(XLSXFormatSpec(bold: true, bgColor: .lightGray, border: .thin))
        let money = wb.addFormat(XLSXFormatSpec(numFormat: "#,##0.00", alignment: .right))
        XCTAssertEqual(wb.addFormat(XLSXFormatSpec(numFormat: "#,##0.00", alignment: .right)), money)

        let plan = try wb.addWorksheet("Plan")
        let units = try wb.addWorksheet("Units")
        XCTAssertEqual(plan.index, 0)
        XCTAssertEqual(units.name, "Units")

        try plan.writeString(row: 0, col: 0, "Item", format: bold)
        try plan.writeString(row: 2, col: 0, "Target")
        try plan.writeNumber(row: 2, col: 1, 1234.5, format: money)                      // B3
        try wb.defineName("Target", formula: "=" + XLSXCell.reference(sheet: "Plan", row: 2, col: 1))
        try plan.writeFormula(row: 3, col: 1, "=Target*2", cached: 2469, format: money)  // B4
        try plan.writeString(row: 5, col: 0, #"=HYPERLINK("http://x","y")"#)            // A6
        try plan.writeFormulaString(row: 6, col: 1, #"="A"&"B""#, cachedString: "AB")   // B7
        try plan.writeBoolean(row: 7, col: 1, true)                                       // B8
        try plan.writeBlank(row: 8, col: 1, format: bold)                                 // B9
        try plan.mergeRange(firstRow: 10, firstCol: 0, lastRow: 10, lastCol: 3, "Merged", format: bold)
        try plan.setTabColor(.blue)

        // Payout against target by unit.
        try units.writeString(row: 0, col: 0, "Unit", format: bold)
        try units.writeString(row: 0, col: 1, "Payout", format: bold)
        try units.writeString(row: 0, col: 2, "Target", format: bold)
        for (i, (unit, payout, target)) in [("enterprise", 120.5, 100.0), ("mid-market", 80.0, 90.0),
                                             ("smb", 40.25, 50.0)].enumerated() {
            try units.writeString(row: i + 1, col: 0, unit)
            try units.writeNumber(row: i + 1, col: 1, payout, format: money)
            try units.writeNumber(row: i + 1, col: 2, target, format: money)
        }
        try units.setColumn(first: 0, last: 0, width: 18)
        try units.setColumn(first: 1, last: 2, width: 12, format: money)
        try units.setRow(0, height: 20, format: bold)
        try units.freezePanes(row: 1, col: 0)
        try units.autofilter(firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 2)
        try units.insertPageBreaks(rows: [2])
        try units.insertPageBreaks(rows: [3, 2])  // accumulates, duplicates ignored
        try units.setLandscape()
        try units.fitToPages(width: 1, height: 0)
        try units.repeatRows(first: 0, last: 0)
        try units.printArea(firstRow: 0, firstCol: 0, lastRow: 3, lastCol: 2)
        let chart = try wb.addColumnChart(
            title: "Payout against target by unit",
            categories: XLSXRange(sheet: "Units", col: 0, rows: 1...3),
            series: [(name: "Payout", values: XLSXRange(sheet: "Units", col: 1, rows: 1...3)),
                     (name: "Target", values: XLSXRange(sheet: "Units", col: 2, rows: 1...3))],
            categoryAxisName: "Unit", valueAxisName: "EUR", valueAxisNumFormat: "#,##0")
        try units.insertChart(chart, row: 1, col: 4, xScale: 1.5)
        XCTAssertThrowsError(try units.insertChart(chart, row: 20, col: 4)) { error in
            XCTAssertEqual((error as? XLSXError)?.kind, .invalidArgument)
        }

        XCTAssertFalse(wb.isClosed)
        try wb.close()
        XCTAssertTrue(wb.isClosed)

        // Only the file itself: the temporary file was renamed into place, mode 0600.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.xlsx"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        let sheet1 = try zipEntry(path, "xl/worksheets/sheet1.xml")
        let strings = try zipEntry(path, "xl/sharedStrings.xml")
        // The =HYPERLINK text is a shared string, never a formula.
        let a6 = try XCTUnwrap(cellXML(sheet1, "A6"), sheet1)
        XCTAssertTrue(a6.contains(#"t="s""#), a6)
        XCTAssertFalse(a6.contains("<f>"), a6)
        XCTAssertFalse(sheet1.contains("HYPERLINK"), sheet1)
        XCTAssertTrue(strings.contains(#"<t>=HYPERLINK("http://x","y")</t>"#), strings)
        // The formula keeps the engine's value as its cached result.
        let b4 = try XCTUnwrap(cellXML(sheet1, "B4"), sheet1)
        XCTAssertTrue(b4.contains("<f>Target*2</f><v>2469</v>"), b4)
        let b7 = try XCTUnwrap(cellXML(sheet1, "B7"), sheet1)
        XCTAssertTrue(b7.contains(#"t="str""#) && b7.contains("<v>AB</v>"), b7)
        XCTAssertTrue(try XCTUnwrap(cellXML(sheet1, "B3")).contains("<v>1234.5</v>"))
        XCTAssertTrue(try XCTUnwrap(cellXML(sheet1, "B8")).contains(#"t="b""#))
        XCTAssertNotNil(cellXML(sheet1, "B9"))
        XCTAssertTrue(sheet1.contains(#"<mergeCell ref="A11:D11"/>"#), sheet1)

        let workbookXML = try zipEntry(path, "xl/workbook.xml")
        XCTAssertTrue(workbookXML.contains(#"<definedName name="Target">Plan!$B$3</definedName>"#), workbookXML)
        XCTAssertTrue(workbookXML.contains("_xlnm.Print_Titles"), workbookXML)
        XCTAssertTrue(workbookXML.contains("_xlnm.Print_Area"), workbookXML)

        let sheet2 = try zipEntry(path, "xl/worksheets/sheet2.xml")
        XCTAssertTrue(sheet2.contains(#"state="frozen""#), sheet2)
        XCTAssertTrue(sheet2.contains(#"<autoFilter ref="A1:C4"/>"#), sheet2)
        XCTAssertTrue(sheet2.contains(#"<rowBreaks count="2" manualBreakCount="2"><brk id="2" max="16383" man="1"/><brk id="3" max="16383" man="1"/></rowBreaks>"#), sheet2)
        XCTAssertTrue(sheet2.contains(#"orientation="landscape""#), sheet2)
        XCTAssertTrue(sheet2.contains("<drawing "), sheet2)

        let chartXML = try zipEntry(path, "xl/charts/chart1.xml")
        XCTAssertTrue(chartXML.contains(#"<c:barDir val="col"/>"#), chartXML)
        XCTAssertTrue(chartXML.contains(#"<c:grouping val="clustered"/>"#), chartXML)
        XCTAssertEqual(chartXML.components(separatedBy: "<c:ser>").count - 1, 2, chartXML)
        XCTAssertTrue(chartXML.contains("<c:f>Units!$A$2:$A$4</c:f>"), chartXML)
        XCTAssertTrue(chartXML.contains("<c:f>Units!$B$2:$B$4</c:f>"), chartXML)
        XCTAssertTrue(chartXML.contains("<c:f>Units!$C$2:$C$4</c:f>"), chartXML)
        XCTAssertTrue(chartXML.contains("Payout against target by unit"), chartXML)
        XCTAssertTrue(chartXML.contains(#"<c:legendPos val="b"/>"#), chartXML)
        // The category axis is titled "Unit", the value axis "EUR".
        let catAx = try XCTUnwrap(section(chartXML, "c:catAx"))
        let valAx = try XCTUnwrap(section(chartXML, "c:valAx"))
        XCTAssertTrue(catAx.contains("<a:t>Unit</a:t>"), catAx)
        XCTAssertTrue(valAx.contains("<a:t>EUR</a:t>"), valAx)

        let core = try zipEntry(path, "docProps/core.xml")
        XCTAssertTrue(core.contains("<dc:title>Q3 payouts</dc:title>"), core)

        // Closed: everything throws, nothing crashes.
        XCTAssertThrowsError(try plan.writeNumber(row: 0, col: 0, 1)) { error in
            XCTAssertEqual((error as? XLSXError)?.kind, .workbookClosed)
        }
        XCTAssertThrowsError(try wb.close()) { error in
            XCTAssertEqual((error as? XLSXError)?.kind, .workbookClosed)
        }
    }

    // MARK: Errors

    func testMissingDirectoryThrows() throws {
        let path = dir.appendingPathComponent("no/such/dir/report.xlsx").path
        XCTAssertThrowsError(try XLSXWorkbook(path: path)) { error in
            let e = error as? XLSXError
            XCTAssertEqual(e?.kind, .file)
            XCTAssertTrue(e?.description.contains(path) ?? false, "\(error)")
        }
        XCTAssertThrowsError(try XLSXWorkbook(path: dir.appendingPathComponent("r.xlsx").path,
                                              tmpdir: dir.appendingPathComponent("missing").path)) { error in
            XCTAssertEqual((error as? XLSXError)?.kind, .file)
        }
    }

    func testDirectoryRemovedBeforeCloseThrowsFromClose() throws {
        let sub = dir.appendingPathComponent("gone", isDirectory: true)
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let wb = try XLSXWorkbook(path: sub.appendingPathComponent("report.xlsx").path)
        let sheet = try wb.addWorksheet("Plan")
        try sheet.writeNumber(row: 0, col: 0, 1)
        try FileManager.default.removeItem(at: sub)
        XCTAssertThrowsError(try wb.close()) { error in
            let e = error as? XLSXError
            XCTAssertEqual(e?.kind, .file, "\(error)")
            XCTAssertNotNil(e?.lxwCode, "\(error)")  // from workbook_close
        }
        XCTAssertTrue(wb.isClosed)
        XCTAssertThrowsError(try sheet.writeNumber(row: 1, col: 0, 1)) { error in
            XCTAssertEqual((error as? XLSXError)?.kind, .workbookClosed)
        }
    }

    func testInvalidSheetNamesThrow() throws {
        let wb = try XLSXWorkbook(path: dir.appendingPathComponent("names.xlsx").path)
        _ = try wb.addWorksheet("Plan")
        _ = try wb.addWorksheet(String(repeating: "x", count: 31))
        _ = try wb.addWorksheet("Q3 plan (EUR)")
        for bad in ["Bad/Name", "a[1]", "what?", "x:y", "star*", #"back\slash"#,
                    String(repeating: "y", count: 32), "", "'quoted'", "plan", "PLAN"] {
            XCTAssertThrowsError(try wb.addWorksheet(bad), bad) { error in
                XCTAssertEqual((error as? XLSXError)?.kind, .invalidSheetName, "\(bad): \(error)")
            }
        }
        try wb.close()
    }

    func testCellAndArgumentErrors() throws {
        let wb = try XLSXWorkbook(path: dir.appendingPathComponent("errors.xlsx").path)
        let sheet = try wb.addWorksheet("Plan")
        func kind(_ body: () throws -> Void) -> XLSXError.Kind? {
            do { try body(); return nil } catch { return (error as? XLSXError)?.kind }
        }
        XCTAssertEqual(kind { try sheet.writeNumber(row: -1, col: 0, 1) }, .cellOutOfRange)
        XCTAssertEqual(kind { try sheet.writeString(row: 0, col: 16_384, "x") }, .cellOutOfRange)
        XCTAssertEqual(kind { try sheet.writeString(row: 1_048_576, col: 0, "x") }, .cellOutOfRange)
        XCTAssertEqual(kind { try sheet.writeNumber(row: 0, col: 0, .nan) }, .nonFiniteNumber)
        XCTAssertEqual(kind { try sheet.writeFormula(row: 0, col: 0, "=1/0", cached: .infinity) },
                       .nonFiniteNumber)
        XCTAssertEqual(kind { try sheet.writeString(row: 0, col: 0, "a\u{0}b") }, .invalidArgument)
        XCTAssertEqual(kind { try sheet.writeFormula(row: 0, col: 0, "=", cached: 0) }, .invalidArgument)
        XCTAssertEqual(kind { try sheet.writeString(row: 0, col: 0, String(repeating: "x", count: 32_768)) },
                       .invalidArgument)
        XCTAssertEqual(kind { try sheet.autofilter(firstRow: 3, firstCol: 0, lastRow: 1, lastCol: 2) },
                       .cellOutOfRange)
        XCTAssertEqual(kind { try sheet.insertPageBreaks(rows: [0]) }, .cellOutOfRange)
        XCTAssertEqual(kind { try sheet.insertPageBreaks(rows: Array(1...1024)) }, .invalidArgument)
        XCTAssertEqual(kind { try sheet.mergeRange(firstRow: 0, firstCol: 0, lastRow: 0, lastCol: 0, "one") },
                       .invalidArgument)  // libxlsxwriter: a single cell cannot be merged
        // libxlsxwriter 1.1.4 accepts all of these (and writes a broken workbook): checked in Swift.
        for bad in ["bad name", "1abc", "A1", "xfd1048576", "R1C1", "r", "C", "RC3", "a-b", "",
                    "Nope!Local", "'Nope'!Local"] {
            XCTAssertEqual(kind { try wb.defineName(bad, formula: "=Plan!$A$1") }, .invalidArgument, bad)
        }
        try wb.defineName("Rate", formula: "=Plan!$A$1")
        try wb.defineName("Plan!Rate", formula: "=Plan!$A$2")      // another scope
        try wb.defineName("_payout.total", formula: "=Plan!$A$3")
        XCTAssertEqual(kind { try wb.defineName("RATE", formula: "=Plan!$A$1") }, .invalidArgument)
        XCTAssertEqual(kind { try wb.defineName("'Plan'!rate", formula: "=Plan!$A$1") }, .invalidArgument)
        let longFormat = wb.addFormat(XLSXFormatSpec(numFormat: String(repeating: "0", count: 200)))
        XCTAssertEqual(kind { try sheet.writeNumber(row: 0, col: 0, 1, format: longFormat) }, .invalidArgument)

        // The message names the sheet and the cell in A1 notation, and libxlsxwriter's reason.
        do {
            try sheet.writeString(row: 2, col: 1, String(repeating: "x", count: 32_768))
            XCTFail("expected an error")
        } catch let e as XLSXError {
            XCTAssertEqual(e.context, "write string to Plan!B3")
            XCTAssertNotNil(e.lxwCode)
            XCTAssertTrue(e.description.hasPrefix("cannot write string to Plan!B3: "), e.description)
            XCTAssertTrue(e.message.contains("32,767") || e.message.contains("32767"), e.message)
        }

        // Charts: unknown sheet, no series, another workbook's chart.
        XCTAssertEqual(kind {
            _ = try wb.addChart(XLSXChartSpec(series: [XLSXChartSeries(values: XLSXRange(sheet: "Nope", col: 1, rows: 0...2))]))
        }, .invalidArgument)
        XCTAssertEqual(kind { _ = try wb.addChart(XLSXChartSpec(series: [])) }, .invalidArgument)
        let other = try XLSXWorkbook(path: dir.appendingPathComponent("other.xlsx").path)
        let otherSheet = try other.addWorksheet("Plan")
        let otherChart = try other.addChart(XLSXChartSpec(
            series: [XLSXChartSeries(values: XLSXRange(sheet: "Plan", col: 0, rows: 0...1))]))
        XCTAssertEqual(kind { try sheet.insertChart(otherChart, row: 0, col: 0) }, .invalidArgument)
        _ = otherSheet
        other.discard()

        // The workbook is still usable after rejected calls.
        try sheet.writeNumber(row: 0, col: 0, 42)
        try wb.close()
        XCTAssertTrue(try zipEntry(dir.appendingPathComponent("errors.xlsx").path, "xl/worksheets/sheet1.xml")
            .contains("<v>42</v>"))
    }

    // MARK: Life cycle

    func testUnclosedWorkbookWritesNothing() throws {
        let path = dir.appendingPathComponent("never.xlsx").path
        let openFiles = { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count }
        let filesBefore = try openFiles()
        do {
            let wb = try XLSXWorkbook(path: path)
            let sheet = try wb.addWorksheet("Plan")
            try sheet.writeString(row: 0, col: 0, "x")
            let cm = try XLSXWorkbook(path: dir.appendingPathComponent("never-cm.xlsx").path,
                                      constantMemory: true, tmpdir: dir.path)
            let cmSheet = try cm.addWorksheet("Plan")
            try cmSheet.writeString(row: 0, col: 0, "x")
            try cmSheet.writeNumber(row: 1, col: 0, 2)
        }  // deinit discards both
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        // The constant-memory sheet's temporary file was closed too.
        XCTAssertEqual(try openFiles(), filesBefore)
    }

    func testBarAndLineChartsTitleTheRightAxes() throws {
        let path = dir.appendingPathComponent("charts.xlsx").path
        let wb = try XLSXWorkbook(path: path)
        let sheet = try wb.addWorksheet("By unit")
        for (i, unit) in ["a", "b"].enumerated() {
            try sheet.writeString(row: i, col: 0, unit)
            try sheet.writeNumber(row: i, col: 1, Double(i + 1))
        }
        let values = XLSXRange(sheet: "By unit", col: 1, rows: 0...1)
        let categories = XLSXRange(sheet: "By unit", col: 0, rows: 0...1)
        for (i, type) in [XLSXChartType.bar, .line].enumerated() {
            let chart = try wb.addChart(XLSXChartSpec(
                type: type, title: "T", categoryAxisName: "Unit", valueAxisName: "EUR", legend: .none,
                series: [XLSXChartSeries(nameCell: XLSXRange(sheet: "By unit", col: 0, rows: 0...0),
                                         categories: categories, values: values, color: .black)]))
            try sheet.insertChart(chart, row: 4 + 16 * i, col: 3)
        }
        try wb.close()
        let bar = try zipEntry(path, "xl/charts/chart1.xml")
        XCTAssertTrue(bar.contains(#"<c:barDir val="bar"/>"#), bar)
        XCTAssertTrue(try XCTUnwrap(section(bar, "c:catAx")).contains("<a:t>Unit</a:t>"), bar)
        XCTAssertTrue(try XCTUnwrap(section(bar, "c:valAx")).contains("<a:t>EUR</a:t>"), bar)
        XCTAssertTrue(bar.contains("<c:f>'By unit'!$B$1:$B$2</c:f>"), bar)
        XCTAssertTrue(bar.contains("<c:f>'By unit'!$A$1</c:f>"), bar)  // series name from a cell
        XCTAssertTrue(bar.contains(#"<a:srgbClr val="000000"/>"#), bar)  // black, not "unset"
        XCTAssertFalse(bar.contains("<c:legend>"), bar)
        let line = try zipEntry(path, "xl/charts/chart2.xml")
        XCTAssertTrue(line.contains("<c:lineChart>"), line)
        XCTAssertTrue(try XCTUnwrap(section(line, "c:catAx")).contains("<a:t>Unit</a:t>"), line)
    }

    /// Print setup for finance: footer, a print scale (which keeps manual page breaks),
    /// repeated columns, helper columns hidden in an outline group, a value axis from 0.
    func testFooterScaleRepeatedColumnsGroupedColumnsAndAxisMinimum() throws {
        let path = dir.appendingPathComponent("print.xlsx").path
        let wb = try XLSXWorkbook(path: path)
        let sheet = try wb.addWorksheet("Payouts")
        for r in 0..<3 { try sheet.writeString(row: r, col: 0, "p\(r)"); try sheet.writeNumber(row: r, col: 1, Double(r + 1)) }
        try sheet.setColumn(first: 1, last: 1, width: 12)
        try sheet.setColumn(first: 2, last: 4, width: 13, hidden: true, level: 1)
        try sheet.setFooter("&L" + XLSXWorksheet.escapeHeaderFooter("plan R&D v1") + "&Crun 12, draft&R&A, page &P of &N")
        try sheet.setPrintScale(73)
        try sheet.repeatColumns(first: 0, last: 0)
        try sheet.insertPageBreaks(rows: [2])
        let chart = try wb.addColumnChart(title: "T", categories: XLSXRange(sheet: "Payouts", col: 0, rows: 0...2),
                                          series: [(name: "Payout", values: XLSXRange(sheet: "Payouts", col: 1, rows: 0...2))],
                                          valueAxisNumFormat: "#,##0", valueAxisMin: 0)
        try sheet.insertChart(chart, row: 5, col: 0)
        XCTAssertThrowsError(try sheet.setPrintScale(5)) { XCTAssertEqual(($0 as? XLSXError)?.kind, .invalidArgument) }
        XCTAssertThrowsError(try sheet.setColumn(first: 5, last: 5, width: 8, level: 8)) { XCTAssertEqual(($0 as? XLSXError)?.kind, .invalidArgument) }
        XCTAssertThrowsError(try sheet.setFooter(String(repeating: "x", count: 256))) { XCTAssertEqual(($0 as? XLSXError)?.kind, .invalidArgument) }
        try wb.close()
        let xml = try zipEntry(path, "xl/worksheets/sheet1.xml")
        XCTAssertTrue(xml.contains("<oddFooter>&amp;Lplan R&amp;&amp;D v1&amp;Crun 12, draft&amp;R&amp;A, page &amp;P of &amp;N</oddFooter>"), xml)
        XCTAssertTrue(xml.contains(#"<col min="3" max="5" width="13.7109375" hidden="1" customWidth="1" outlineLevel="1"/>"#), xml)
        XCTAssertTrue(xml.contains(#"scale="73""#), xml)
        XCTAssertFalse(xml.contains("fitToPage"), xml)
        XCTAssertTrue(xml.contains("<rowBreaks"), xml)
        let workbookXML = try zipEntry(path, "xl/workbook.xml")
        XCTAssertTrue(workbookXML.contains("Payouts!$A:$A"), workbookXML)
        let chartXML = try zipEntry(path, "xl/charts/chart1.xml")
        XCTAssertTrue(try XCTUnwrap(section(chartXML, "c:valAx")).contains(#"<c:min val="0"/>"#), chartXML)
    }

    func testConstantMemoryModeWritesInlineStringsInRowOrder() throws {
        let path = dir.appendingPathComponent("big.xlsx").path
        let wb = try XLSXWorkbook(path: path, constantMemory: true, tmpdir: dir.path)
        let sheet = try wb.addWorksheet("Rows")
        try sheet.writeString(row: 0, col: 0, #"=HYPERLINK("http://x","y")"#)
        try sheet.writeFormula(row: 0, col: 1, "=1+1", cached: 2)
        try sheet.writeNumber(row: 5, col: 0, 5)
        XCTAssertThrowsError(try sheet.writeNumber(row: 2, col: 0, 2)) { error in
            let e = error as? XLSXError
            XCTAssertEqual(e?.kind, .cellOutOfRange)
            XCTAssertTrue(e?.message.contains("constant-memory") ?? false, "\(error)")
        }
        try wb.close()
        let xml = try zipEntry(path, "xl/worksheets/sheet1.xml")
        let a1 = try XCTUnwrap(cellXML(xml, "A1"), xml)
        XCTAssertTrue(a1.contains(#"t="inlineStr""#) && !a1.contains("<f>"), a1)
        XCTAssertTrue(try XCTUnwrap(cellXML(xml, "B1")).contains("<f>1+1</f><v>2</v>"), xml)
        XCTAssertNil(cellXML(xml, "A3"))
    }

    // MARK: A1 helpers

    func testA1Helpers() {
        XCTAssertEqual(XLSXCell.columnName(0), "A")
        XCTAssertEqual(XLSXCell.columnName(25), "Z")
        XCTAssertEqual(XLSXCell.columnName(26), "AA")
        XCTAssertEqual(XLSXCell.columnName(701), "ZZ")
        XCTAssertEqual(XLSXCell.columnName(702), "AAA")
        XCTAssertEqual(XLSXCell.columnName(16_383), "XFD")
        XCTAssertEqual(XLSXCell.a1(row: 2, col: 1), "B3")
        XCTAssertEqual(XLSXCell.a1(row: 2, col: 1, absolute: true), "$B$3")
        XCTAssertEqual(XLSXCell.a1(row: 1_048_575, col: 16_383), "XFD1048576")
        XCTAssertEqual(XLSXCell.range(firstRow: 0, firstCol: 0, lastRow: 4, lastCol: 2), "A1:C5")
        XCTAssertEqual(XLSXCell.quotedSheetName("Plan"), "Plan")
        XCTAssertEqual(XLSXCell.quotedSheetName("Q3 plan"), "'Q3 plan'")
        XCTAssertEqual(XLSXCell.quotedSheetName("O'Brien"), "'O''Brien'")
        XCTAssertEqual(XLSXCell.quotedSheetName("A1"), "'A1'")
        XCTAssertEqual(XLSXCell.quotedSheetName("R1C1"), "'R1C1'")
        XCTAssertEqual(XLSXCell.quotedSheetName("2026"), "'2026'")
        XCTAssertEqual(XLSXCell.reference(sheet: "Plan", row: 2, col: 1), "Plan!$B$3")
        XCTAssertEqual(XLSXRange(sheet: "By unit", col: 1, rows: 1...3).reference, "'By unit'!$B$2:$B$4")
    }

    // MARK: Reading the .xlsx back

    /// One part of the zip, as text (python3's zipfile; python3 is installed by scripts/setup).
    private func zipEntry(_ path: String, _ entry: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c",
                             "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
                             path, entry]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw XLSXError(.file, context: "read \(entry) from \(path)",
                            message: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The `<c r="REF" ...>...</c>` (or self-closed `<c .../>`) element of a cell.
    private func cellXML(_ xml: String, _ ref: String) -> String? {
        guard let start = xml.range(of: "<c r=\"\(ref)\"") else { return nil }
        let rest = xml[start.lowerBound...]
        guard let close = rest.firstIndex(of: ">") else { return nil }
        if rest[rest.index(before: close)] == "/" { return String(rest[...close]) }
        guard let end = rest.range(of: "</c>") else { return nil }
        return String(rest[..<end.upperBound])
    }

    private func section(_ xml: String, _ tag: String) -> String? {
        guard let start = xml.range(of: "<\(tag)>"), let end = xml.range(of: "</\(tag)>") else { return nil }
        return String(xml[start.lowerBound..<end.upperBound])
    }
}
