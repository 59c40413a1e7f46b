import XCTest
@testable import AdvocompKit
@testable import AdvocompWorkbook
import AdvocompTestSupport

/// An in-memory workbook: what the builder wrote, cell by cell.
final class MemoryBook: WorkbookSink {
    final class Sheet: SheetSink {
        let name: String
        var cells: [String: (kind: String, value: String, style: CellStyle)] = [:]
        /// Each formula cell's cached value.
        var cached: [String: Double] = [:]
        var breaks: [Int] = []
        var frozen: (Int, Int)?
        var layout: [ColumnLayout] = []
        var setup: PageSetup?
        var filter: (headerRow: Int, lastRow: Int, lastCol: Int)?
        var heights: [Int: Double] = [:]
        init(_ name: String) { self.name = name }
        func key(_ r: Int, _ c: Int) -> String { "\(ExcelRef.column(c))\(r + 1)" }
        func text(_ r: Int, _ c: Int, _ v: String, _ s: CellStyle) throws { cells[key(r, c)] = ("text", v, s) }
        func number(_ r: Int, _ c: Int, _ v: Double, _ s: CellStyle) throws { cells[key(r, c)] = ("number", String(v), s) }
        func formula(_ r: Int, _ c: Int, _ f: String, cached: Double, _ s: CellStyle) throws {
            cells[key(r, c)] = ("formula", f, s)
            self.cached[key(r, c)] = cached
        }
        func formulaText(_ r: Int, _ c: Int, _ f: String, cached: String, _ s: CellStyle) throws { cells[key(r, c)] = ("formula", f, s) }
        func columns(_ columns: [ColumnLayout]) throws { layout = columns }
        func rowHeight(_ row: Int, _ points: Double) throws { heights[row] = points }
        func freezeHeader(rows: Int, cols: Int) throws { frozen = (rows, cols) }
        func autofilter(headerRow: Int, lastRow: Int, lastCol: Int) throws { filter = (headerRow, lastRow, lastCol) }
        func pageBreaks(beforeRows: [Int]) throws { breaks = beforeRows }
        func pageSetup(_ setup: PageSetup) throws { self.setup = setup }

        /// Row `r` (1-based) from column A, as far as it has cells.
        func row(_ r: Int) -> [String] {
            var out: [String] = []
            var c = 0
            while let cell = cells["\(ExcelRef.column(c))\(r)"] { out.append(cell.value); c += 1 }
            return out
        }
        /// The cells whose text is `text`.
        func find(_ text: String) -> [String] { cells.filter { $0.value.value == text }.map(\.key).sorted() }
    }
    var sheets: [Sheet] = []
    var names: [String: String] = [:]
    var charts: [(sheet: String, title: String, categories: ColumnRange, series: [String])] = []
    func addSheet(_ name: String) throws -> SheetSink { let s = Sheet(name); sheets.append(s); return s }
    func defineName(_ name: String, refersTo: String) throws { names[name] = refersTo }
    func columnChart(on sheet: SheetSink, row: Int, col: Int, title: String, categories: ColumnRange,
                     series: [(name: String, values: ColumnRange)], valueFormat: String?) throws {
        charts.append(((sheet as? Sheet)?.name ?? "", title, categories, series.map(\.name)))
    }
    func close() throws {}
    func sheet(_ n: String) -> Sheet? { sheets.first { $0.name == n } }
}

final class WorkbookBuilderTests: XCTestCase {
    static let context = WorkbookContext(
        command: "advocomp calculate ...", generatedAt: "2026-11-23T10:00:00Z", advocompVersion: "0.1.0",
        files: [.init(role: "plan", path: "plan.yaml", sha256: String(repeating: "a", count: 64), bytes: 10)],
        user: "maria", run: .init(id: 12, state: "draft"))

    func run(_ caseName: String, roster: String? = nil) throws -> RunResult {
        var outcome = try Conformance.outcome(of: try Conformance.folder(caseName), recordFigures: true)
        if let roster {
            let dir = try Conformance.folder(caseName)
            outcome = TestSupport.calculate(plan: try String(contentsOf: dir.appendingPathComponent("plan.yaml"), encoding: .utf8),
                                            roster: roster,
                                            actuals: try String(contentsOf: dir.appendingPathComponent("actuals.csv"), encoding: .utf8),
                                            period: "2026-Q1")
        }
        return try XCTUnwrap(outcome.result, "\(outcome.diagnostics)")
    }

    func book(_ caseName: String, roster: String? = nil, context: WorkbookContext = WorkbookBuilderTests.context) throws -> MemoryBook {
        let b = MemoryBook()
        var builder = WorkbookBuilder(run: try run(caseName, roster: roster), context: context)
        try builder.write(to: b)
        return b
    }

    func testSheetsNamesAndChart() throws {
        let b = try book("01-scorecard-basics")
        XCTAssertEqual(b.sheets.map(\.name), ["Summary", "Payouts", "Inputs", "Plan", "Curves", "Statements", "Findings", "Audit"])
        XCTAssertEqual(b.names["Weight_scorecard"], "=Plan!$B$\(Int(b.names["Weight_scorecard"]!.split(separator: "$").last!)!)")
        XCTAssertNotNil(b.names["Cap"])
        XCTAssertNotNil(b.names["Target_review_velocity_enterprise"])
        XCTAssertEqual(b.charts.map(\.title), ["Payout against target by unit, USD"])
    }

    func testPayoutsAreFormulasDownToTheInputs() throws {
        let payouts = try XCTUnwrap(try book("01-scorecard-basics").sheet("Payouts"))
        XCTAssertEqual(payouts.row(1), ["Payee ID", "Name", "Title", "Unit", "Currency", "Target incentive", "Scorecard",
                                        "Company multiplier factor", "Gross", "Rounded payout", "Payout", "Status"])
        for col in ["F", "G", "H", "I", "J", "K"] { XCTAssertEqual(payouts.cells["\(col)2"]?.kind, "formula", col) }
        XCTAssertEqual(payouts.cells["F2"]?.value, "IF(Inputs!I2<MinActiveDays,0,Inputs!H2*Inputs!I2/(DaysInPeriod*PeriodsPerYear))")
        XCTAssertEqual(payouts.cells["I2"]?.value, "MIN(MAX(0,SUM(G2:G2)),Cap*F2)")
        XCTAssertTrue(payouts.cells["G2"]?.value.hasSuffix("*H2") == true, payouts.cells["G2"]?.value ?? "")
        XCTAssertEqual(payouts.frozen?.0, 1)
        XCTAssertEqual(payouts.filter?.lastRow, 5, "the filter covers the payees, not the totals")
    }

    /// Below the payees, a totals row per currency: live formulas over the columns, cached
    /// with the engine's totals.
    func testPayoutsTotalsPerCurrencyAreTheEnginesTotals() throws {
        let run = try run("01-scorecard-basics")
        let b = MemoryBook()
        var builder = WorkbookBuilder(run: run, context: Self.context)
        try builder.write(to: b)
        let payouts = try XCTUnwrap(b.sheet("Payouts"))
        let usd = try XCTUnwrap(run.totals.byCurrency.first)
        // Five payees on rows 2-6, a blank row, the totals on row 8.
        XCTAssertEqual(payouts.cells["A8"]?.value, "Total USD")
        XCTAssertEqual(payouts.cells["B8"]?.value, "COUNTIF($E$2:$E$6,$E8)")
        XCTAssertEqual(payouts.cached["B8"], Double(usd.payees))
        XCTAssertEqual(payouts.cells["F8"]?.value, "SUMIFS($F$2:$F$6,$E$2:$E$6,$E8)")
        XCTAssertEqual(payouts.cached["F8"], WorkbookBuilder.double(usd.exactTargetIncentive.amount))
        XCTAssertEqual(payouts.cells["K8"]?.value, "SUMIFS($K$2:$K$6,$E$2:$E$6,$E8)")
        XCTAssertEqual(payouts.cached["K8"], WorkbookBuilder.double(usd.payout.amount))
        XCTAssertNil(payouts.cells["A9"], "one currency, one totals row")
    }

    func testColumnsFitTheirContentAndPoolHelpersAreHiddenInAGroup() throws {
        let b = try book("03-currencies-pool-formulas")
        let payouts = try XCTUnwrap(b.sheet("Payouts"))
        let header = payouts.row(1)
        XCTAssertEqual(header.count, payouts.layout.count)
        for (h, c) in zip(header, payouts.layout) where !c.helper {
            // Every name fits its column on at most three lines: no name is cut off.
            XCTAssertLessThanOrEqual(ColumnFit.lines(h, width: c.width), 3, h)
            XCTAssertGreaterThanOrEqual(c.width, Double(h.split(separator: " ").map(\.count).max() ?? 0), h)
        }
        let helpers = zip(header, payouts.layout).filter { $0.1.helper }.map(\.0)
        XCTAssertEqual(helpers, ["Pool: payout in minor units", "Pool: share", "Pool: remainder", "Pool: order", "Pool: extra unit"])
        XCTAssertTrue(header.contains("Payout before pool"), "\(header)")
        // The names column is as wide as the longest name.
        let nameCol = try XCTUnwrap(header.firstIndex(of: "Name"))
        XCTAssertGreaterThanOrEqual(payouts.layout[nameCol].width, Double("Haruto Sato".count))
    }

    /// Percent KPIs show as percentages (a 90% target is 90%, not 0.9), months and days
    /// with the word, counts with thousands separators.
    func testNumberFormatsByKPIUnit() throws {
        let b = try book("01-scorecard-basics")
        let plan = try XCTUnwrap(b.sheet("Plan"))
        func style(of label: String) -> CellStyle? {
            guard let cell = plan.find(label).first, let row = Int(cell.dropFirst()) else { return nil }
            return plan.cells["B\(row)"]?.style
        }
        XCTAssertEqual(style(of: "Target: Reference fill rate"), .format("0%"))
        XCTAssertEqual(style(of: "Target: NRR"), .format("0%"))
        XCTAssertEqual(style(of: "Target: CAC payback"), .format("#,##0\" months\""))
        XCTAssertEqual(style(of: "Target: Review velocity, unit enterprise"), .format("#,##0"))
        let inputs = try XCTUnwrap(b.sheet("Inputs"))
        let header = inputs.row(1)
        let fill = try XCTUnwrap(header.firstIndex(of: "Reference fill rate: target"))
        XCTAssertEqual(inputs.cells["\(ExcelRef.column(fill))2"]?.style, .format("0%"))
        XCTAssertEqual(inputs.cells["\(ExcelRef.column(fill + 1))2"]?.style, .percent, "attainments are percentages")
    }

    /// A curve that three measures use is one table on the Curves sheet: one set of names
    /// that every measure's formula reads.
    func testASharedCurveIsLaidOutOnce() throws {
        let b = try book("01-scorecard-basics")
        let curves = try XCTUnwrap(b.sheet("Curves"))
        XCTAssertEqual(curves.find("Curve standard"), ["A1"])
        XCTAssertEqual(b.names.keys.filter { $0.hasSuffix("_X") }.sorted(), ["standard_X"])
        XCTAssertEqual(b.names["standard_X"], "=Curves!$B$5:$B$7")
        XCTAssertEqual(b.names["standard_Y"], "=Curves!$C$5:$C$7")
        XCTAssertEqual(b.names["standard_S"], "=Curves!$D$5:$D$7")
        XCTAssertEqual(b.names["standard_Below"], "=Curves!$C$8")
        XCTAssertEqual(curves.cells["D5"]?.value, "(C6-C5)/(B6-B5)", "the slope is a formula over the points")
        XCTAssertEqual(curves.layout.map(\.helper), [false, false, false, true], "the slope column is a hidden helper")
        let used = curves.cells.filter { $0.value.value.hasPrefix("  Scorecard: ") }.map(\.value.value).sorted()
        XCTAssertEqual(used, ["  Scorecard: NRR", "  Scorecard: Reference fill rate", "  Scorecard: Review velocity"])
        let scorecard = try XCTUnwrap(b.sheet("Payouts")?.cells["G2"]?.value)
        XCTAssertEqual(scorecard.components(separatedBy: "LOOKUP(Inputs!").count - 1, 9, "three measures, three LOOKUPs each: \(scorecard)")
        XCTAssertFalse(scorecard.contains("Curve2"), scorecard)
    }

    func testEverySheetPrintsLandscapeWithTheFooterAndRepeatedHeaders() throws {
        let b = try book("01-scorecard-basics")
        for s in b.sheets {
            let setup = try XCTUnwrap(s.setup, "\(s.name) has no print setup")
            XCTAssertTrue(setup.landscape, s.name)
            XCTAssertEqual(setup.footer, "&Lexec-advocacy v2026.1, 2026-Q1&Crun 12, draft&R&A, page &P of &N", s.name)
            XCTAssertTrue(setup.scale != nil || setup.pagesWide >= 1, s.name)
        }
        for name in ["Payouts", "Inputs", "Plan", "Findings"] { XCTAssertEqual(b.sheet(name)?.setup?.repeatRows, 0...0, name) }
        // Statements have a page per payee: a scale, since Excel ignores page breaks on a
        // sheet fitted to pages.
        XCTAssertNotNil(b.sheet("Statements")?.setup?.scale)
        XCTAssertEqual(b.sheet("Payouts")?.setup?.pagesWide, 1)
    }

    func testSummaryNamesTheUserAndTheRun() throws {
        let summary = try XCTUnwrap(try book("01-scorecard-basics").sheet("Summary"))
        func fact(_ k: String) -> String? { summary.find(k).first.flatMap { summary.cells["B" + $0.dropFirst()]?.value } }
        XCTAssertEqual(fact("By"), "maria")
        XCTAssertEqual(fact("Run"), "run 12, draft")
        var preview = Self.context
        preview.run = nil
        let unrecorded = try XCTUnwrap(try book("01-scorecard-basics", context: preview).sheet("Summary"))
        let cell = try XCTUnwrap(unrecorded.find("Run").first)
        XCTAssertEqual(unrecorded.cells["B" + cell.dropFirst()]?.value, "not recorded (preview)")
    }

    func testGateAcceleratorAndOKRFormulas() throws {
        let payouts = try XCTUnwrap(try book("02-okr-and-modifiers").sheet("Payouts"))
        let formulas = payouts.cells.values.filter { $0.kind == "formula" }.map(\.value)
        XCTAssertTrue(formulas.contains { $0.hasPrefix("IF(IF((Inputs!S") && $0.hasSuffix("),(Inputs!M2>0.5),FALSE),1,Mod_retention_gate_Otherwise)") }, "gate with and")
        XCTAssertTrue(formulas.contains { $0.hasPrefix("1+MIN(Mod_fill_rate_accelerator_MaxExtra,Mod_fill_rate_accelerator_Rate*MAX(0,") })
        XCTAssertTrue(formulas.contains { $0.contains("KR_shared_okr_kr1_Weight*MIN(MAX((") })
    }

    func testInputTextIsNeverAFormula() throws {
        let roster = "payee_id,name,title,unit,plan,currency,base_salary,target_bonus_pct\n"
            + "E001,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",@cmd,enterprise,exec-advocacy,USD,310000,40%\n"
        let b = try book("01-scorecard-basics", roster: roster)
        let payouts = try XCTUnwrap(b.sheet("Payouts"))
        XCTAssertEqual(payouts.cells["B2"]?.kind, "text")
        XCTAssertEqual(payouts.cells["B2"]?.value, "=HYPERLINK(\"http://x\",\"y\")")
        XCTAssertEqual(payouts.cells["C2"]?.kind, "text")
    }

    func testStatementsHaveAPageBreakPerPayeeAndAuditHasHashes() throws {
        let b = try book("01-scorecard-basics")
        let statements = try XCTUnwrap(b.sheet("Statements"))
        XCTAssertEqual(statements.breaks.count, 4)   // 5 payees, a break before each but the first
        XCTAssertEqual(statements.cells["A1"]?.value, "Ada Park")
        XCTAssertEqual(statements.cells["A2"]?.value, "Payee E001, CMO, unit enterprise")
        let audit = try XCTUnwrap(b.sheet("Audit"))
        XCTAssertEqual(audit.cells["C4"]?.value, String(repeating: "a", count: 64))
        XCTAssertEqual(audit.cells["B4"]?.value, "plan.yaml")
    }

    /// A statement says what the payee earned in words built from the engine's figures,
    /// names each KPI, component and modifier, and shows the pool's line between the
    /// payout before the pool and the payout.
    func testStatementSentenceNamesAndPoolLine() throws {
        let run = try run("03-currencies-pool-formulas")
        let pool = try XCTUnwrap(run.pool)
        XCTAssertTrue(pool.applied, "case 03's pool binds")
        let b = MemoryBook()
        var builder = WorkbookBuilder(run: run, context: Self.context)
        try builder.write(to: b)
        let s = try XCTUnwrap(b.sheet("Statements"))
        let p = try XCTUnwrap(run.payees.first { $0.status == .ok })
        let i = try XCTUnwrap(run.payees.firstIndex { $0.payee.id == p.payee.id })
        let pct = try XCTUnwrap(DisplayName.percent(try p.payout.amount / p.roundedTargetIncentive.amount))
        let ratio = try XCTUnwrap(pool.ratio.flatMap(DisplayName.percent))
        let sentence = "\(p.payee.name) earned \(p.payout.grouped) JPY, \(pct) of target; the pool scaled payouts by \(ratio)."
        let said = try XCTUnwrap(s.find(sentence).first, "\(s.cells.values.map(\.value).filter { $0.contains("earned") })")
        // The pool's line of this payee's statement: the first below its sentence.
        var r = Int(said.dropFirst())!
        while r < 10_000 && s.cells["A\(r)"]?.value != "Pool: payouts scaled to \(ratio)" { r += 1 }
        XCTAssertEqual(s.cells["A\(r - 1)"]?.value, "Payout before the pool (rounded)")
        XCTAssertEqual(s.cells["B\(r)"]?.value, "Payouts!\(ExcelRef.column(builder.payoutCol))\(i + 2)-B\(r - 1)")
        XCTAssertEqual(s.cached["B\(r)"], WorkbookBuilder.double(try (p.payout - p.roundedPayout).amount))
        XCTAssertEqual(s.cells["A\(r + 1)"]?.value, "Payout (JPY)")
        XCTAssertFalse(s.find("Win rate lift").isEmpty, "KPIs by name")
        XCTAssertFalse(s.find("days").isEmpty, "each KPI's unit")
    }

    /// One payee's own workbook: its statement and formula chain, no other payee.
    func testOnePayeesWorkbookHoldsNoOtherPayee() throws {
        let run = try run("03-currencies-pool-formulas")
        let b = MemoryBook()
        var builder = WorkbookBuilder(run: run, context: Self.context, payee: 0)
        try builder.write(to: b)
        XCTAssertEqual(b.sheets.map(\.name), ["Statement", "Payouts", "Inputs", "Plan", "Curves", "Findings", "Audit"])
        let me = run.payees[0]
        for other in run.payees.dropFirst() {
            for s in b.sheets {
                for (key, cell) in s.cells {
                    XCTAssertFalse(cell.value.contains(other.payee.id), "\(s.name)!\(key): \(cell.value)")
                    XCTAssertFalse(cell.value.contains(other.payee.name), "\(s.name)!\(key): \(cell.value)")
                }
            }
        }
        let payouts = try XCTUnwrap(b.sheet("Payouts"))
        XCTAssertEqual(payouts.cells["A2"]?.value, me.payee.id)
        XCTAssertNil(payouts.cells["A3"])
        XCTAssertNil(payouts.cells["A4"], "no totals row")
        XCTAssertFalse(payouts.row(1).contains("Pool: share"), "the pool's split reads every payee: not in one payee's workbook")
        XCTAssertEqual(b.sheet("Statement")?.setup?.footer?.contains("Statement of \(me.payee.id)"), true)
    }

    func testRoundingFormulas() {
        XCTAssertEqual(ExcelFormula.roundHalfEven("G2", places: 2),
                       "SIGN(G2)*IF(MOD(ROUND(ABS(G2)*10^2,6),1)=0.5,2*ROUND(ROUND(ABS(G2)*10^2,6)/2,0),ROUND(ROUND(ABS(G2)*10^2,6),0))/10^2")
        XCTAssertEqual(ExcelFormula.roundHalfUp("G2", places: 0), "SIGN(G2)*ROUND(ROUND(ABS(G2)*1,6),0)/1")
    }

    func testDisplayNamesAndFormats() {
        XCTAssertEqual(DisplayName.words("advocate-health"), "Advocate health")
        XCTAssertEqual(DisplayName.words("shared-okr"), "Shared OKR")
        XCTAssertEqual(DisplayName.words("cac_payback"), "CAC payback")
        XCTAssertEqual(DisplayName.numberFormat(unit: "percent", places: 1), "0%")
        XCTAssertEqual(DisplayName.numberFormat(unit: "percent", places: 3), "0.0%")
        XCTAssertEqual(DisplayName.numberFormat(unit: "money", places: 0), "#,##0")
        XCTAssertEqual(DisplayName.numberFormat(unit: "days", places: 0), "#,##0\" days\"")
        XCTAssertEqual(DisplayName.numberFormat(unit: nil, places: 1), "#,##0.0")
        XCTAssertEqual(DisplayName.places("1.05".d), 2)
        XCTAssertEqual(DisplayName.places("120".d), 0)
        XCTAssertEqual(ColumnFit.lines("Payout before pool", width: 14), 2)
        XCTAssertEqual(ColumnFit.lines("Payout before pool", width: 10), 3)
        XCTAssertEqual(ColumnFit.lines("Payout", width: 10), 1)
    }
}
