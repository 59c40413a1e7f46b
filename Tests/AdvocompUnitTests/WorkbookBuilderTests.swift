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
        init(_ name: String) { self.name = name }
        func key(_ r: Int, _ c: Int) -> String { "\(ExcelRef.column(c))\(r + 1)" }
        func text(_ r: Int, _ c: Int, _ v: String, _ s: CellStyle) throws { cells[key(r, c)] = ("text", v, s) }
        func number(_ r: Int, _ c: Int, _ v: Double, _ s: CellStyle) throws { cells[key(r, c)] = ("number", String(v), s) }
        func formula(_ r: Int, _ c: Int, _ f: String, cached: Double, _ s: CellStyle) throws {
            cells[key(r, c)] = ("formula", f, s)
            self.cached[key(r, c)] = cached
        }
        func formulaText(_ r: Int, _ c: Int, _ f: String, cached: String, _ s: CellStyle) throws { cells[key(r, c)] = ("formula", f, s) }
        func columnWidths(_ widths: [Double]) throws {}
        func freezeHeader(rows: Int, cols: Int) throws { frozen = (rows, cols) }
        func autofilter(lastRow: Int, lastCol: Int) throws {}
        func pageBreaks(beforeRows: [Int]) throws { breaks = beforeRows }
        func printSetup(lastRow: Int, lastCol: Int, fitToWidth: Bool, landscape: Bool) throws {}
    }
    var sheets: [Sheet] = []
    var names: [String: String] = [:]
    var charts = 0
    func addSheet(_ name: String) throws -> SheetSink { let s = Sheet(name); sheets.append(s); return s }
    func defineName(_ name: String, refersTo: String) throws { names[name] = refersTo }
    func columnChart(on sheet: SheetSink, row: Int, col: Int, title: String, categories: ColumnRange,
                     series: [(name: String, values: ColumnRange)]) throws { charts += 1 }
    func close() throws {}
    func sheet(_ n: String) -> Sheet? { sheets.first { $0.name == n } }
}

final class WorkbookBuilderTests: XCTestCase {
    func book(_ caseName: String, roster: String? = nil) throws -> MemoryBook {
        var outcome = try Conformance.outcome(of: try Conformance.folder(caseName), recordFigures: true)
        if let roster {
            let dir = try Conformance.folder(caseName)
            outcome = TestSupport.calculate(plan: try String(contentsOf: dir.appendingPathComponent("plan.yaml"), encoding: .utf8),
                                            roster: roster,
                                            actuals: try String(contentsOf: dir.appendingPathComponent("actuals.csv"), encoding: .utf8),
                                            period: "2026-Q1")
        }
        let run = try XCTUnwrap(outcome.result, "\(outcome.diagnostics)")
        let b = MemoryBook()
        var builder = WorkbookBuilder(run: run, context: WorkbookContext(
            command: "advocomp calculate ...", generatedAt: "2026-11-23T10:00:00Z", advocompVersion: "0.1.0",
            files: [.init(role: "plan", path: "plan.yaml", sha256: String(repeating: "a", count: 64), bytes: 10)]))
        try builder.write(to: b)
        return b
    }

    func testSheetsNamesAndChart() throws {
        let b = try book("01-scorecard-basics")
        XCTAssertEqual(b.sheets.map(\.name), ["Summary", "Payouts", "Inputs", "Plan", "Statements", "Findings", "Audit"])
        XCTAssertEqual(b.names["Weight_scorecard"], "=Plan!$B$\(Int(b.names["Weight_scorecard"]!.split(separator: "$").last!)!)")
        XCTAssertNotNil(b.names["Cap"])
        XCTAssertNotNil(b.names["Target_review_velocity_enterprise"])
        XCTAssertEqual(b.charts, 1)
    }

    func testPayoutsAreFormulasDownToTheInputs() throws {
        let payouts = try XCTUnwrap(try book("01-scorecard-basics").sheet("Payouts"))
        let header = (0..<12).map { payouts.cells["\(ExcelRef.column($0))1"]?.value ?? "" }
        XCTAssertEqual(header, ["payee_id", "name", "title", "unit", "currency", "target_incentive", "scorecard",
                                "company-multiplier", "gross", "payout_before_pool", "payout", "status"])
        for col in ["F", "G", "H", "I", "J", "K"] { XCTAssertEqual(payouts.cells["\(col)2"]?.kind, "formula", col) }
        XCTAssertEqual(payouts.cells["F2"]?.value, "IF(Inputs!I2<MinActiveDays,0,Inputs!H2*Inputs!I2/(DaysInPeriod*PeriodsPerYear))")
        XCTAssertEqual(payouts.cells["I2"]?.value, "MIN(MAX(0,SUM(G2:G2)),Cap*F2)")
        XCTAssertTrue(payouts.cells["G2"]?.value.hasSuffix("*H2") == true, payouts.cells["G2"]?.value ?? "")
        XCTAssertEqual(payouts.frozen?.0, 1)
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
        XCTAssertEqual(statements.cells["A1"]?.value, "Payee E001: Ada Park, CMO, unit enterprise")
        let audit = try XCTUnwrap(b.sheet("Audit"))
        XCTAssertEqual(audit.cells["C4"]?.value, String(repeating: "a", count: 64))
        XCTAssertEqual(audit.cells["B4"]?.value, "plan.yaml")
    }

    func testRoundingFormulas() {
        XCTAssertEqual(ExcelFormula.roundHalfEven("G2", places: 2),
                       "SIGN(G2)*IF(MOD(ROUND(ABS(G2)*10^2,6),1)=0.5,2*ROUND(ROUND(ABS(G2)*10^2,6)/2,0),ROUND(ROUND(ABS(G2)*10^2,6),0))/10^2")
        XCTAssertEqual(ExcelFormula.roundHalfUp("G2", places: 0), "SIGN(G2)*ROUND(ROUND(ABS(G2)*1,6),0)/1")
    }
}
