import Foundation
import XCTest
@testable import AdvocompKit
@testable import AdvocompWorkbook
import AdvocompTestSupport

/// The workbook's proof: LibreOffice recalculates every formula (its cached values are
/// ignored: OOXMLRecalcMode 0) and every payee's recomputed payout must equal the
/// engine's to the minor unit, for every successful conformance case.
final class WorkbookRecalcTests: XCTestCase {
    func test01ScorecardBasics() throws { try recalcCase("01-scorecard-basics") }
    func test02OKRAndModifiers() throws { try recalcCase("02-okr-and-modifiers") }
    func test03CurrenciesPoolFormulas() throws { try recalcCase("03-currencies-pool-formulas") }
    func test04LedgerGaming() throws { try recalcCase("04-ledger-gaming") }
    func test05Escalation() throws { try recalcCase("05-escalation") }

    func testEverySuccessfulCaseIsRecalculated() throws {
        let success = try Conformance.caseFolders().map(\.lastPathComponent)
            .filter { FileManager.default.fileExists(atPath: try! Conformance.folder($0).appendingPathComponent("expected.csv").path) }
        XCTAssertEqual(success, ["01-scorecard-basics", "02-okr-and-modifiers", "03-currencies-pool-formulas", "04-ledger-gaming",
                                 "05-escalation"])
    }

    func recalcCase(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let soffice = try LibreOffice.soffice()
        let outcome = try Conformance.outcome(of: try Conformance.folder(name), recordFigures: true)
        let run = try XCTUnwrap(outcome.result, "\(outcome.diagnostics)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-recalc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let book = dir.appendingPathComponent("\(name).xlsx")
        let sink = try XLSXSink(path: book.path, constantMemory: false)
        var builder = WorkbookBuilder(run: run, context: WorkbookContext(command: "test", generatedAt: "2026-11-23T00:00:00Z",
                                                                          advocompVersion: "test", files: []))
        try builder.write(to: sink)
        try sink.close()

        let sheets = try LibreOffice.recalculate(book, soffice: soffice, into: dir)
        let payouts = try XCTUnwrap(sheets["Payouts"], "no Payouts sheet in \(sheets.keys.sorted())")
        let header = try XCTUnwrap(payouts.first)
        let idCol = try XCTUnwrap(header.firstIndex(of: "Payee ID"))
        let payoutCol = try XCTUnwrap(header.firstIndex(of: "Payout"))
        let tiCol = try XCTUnwrap(header.firstIndex(of: "Target incentive"))
        let statusCol = try XCTUnwrap(header.firstIndex(of: "Status"))
        // The payees, a blank row, a totals row per currency.
        XCTAssertEqual(payouts.count - 1, run.payees.count + 1 + run.totals.byCurrency.count, name, file: file, line: line)
        for (row, p) in zip(payouts.dropFirst(), run.payees) {
            let d = p.currency.minorDigits
            XCTAssertEqual(row[idCol], p.payee.id, name, file: file, line: line)
            XCTAssertEqual(row[statusCol], p.status.rawValue, "\(name) \(p.payee.id) status", file: file, line: line)
            XCTAssertEqual(LibreOffice.money(row[payoutCol], digits: d), p.payout.amount.formatted(places: d),
                           "\(name) \(p.payee.id): recomputed payout", file: file, line: line)
            XCTAssertEqual(LibreOffice.money(row[tiCol], digits: d), p.roundedTargetIncentive.amount.formatted(places: d),
                           "\(name) \(p.payee.id): recomputed target incentive", file: file, line: line)
        }
    }
}

/// The harness itself: LibreOffice must recompute formulas, not echo the cached values.
final class RecalcHarnessTests: XCTestCase {
    func testCachedValuesAreNotTrusted() throws {
        let soffice = try LibreOffice.soffice()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-harness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let book = dir.appendingPathComponent("h.xlsx")
        let sink = try XLSXSink(path: book.path, constantMemory: false)
        let sheet = try sink.addSheet("Payouts")
        try sheet.text(0, 0, "payout", .header)
        try sheet.formula(1, 0, "1+1", cached: 5, .plain)   // a wrong cached value on purpose
        try sink.close()
        let sheets = try LibreOffice.recalculate(book, soffice: soffice, into: dir)
        XCTAssertEqual(sheets["Payouts"]?.dropFirst().first?.first, "2")
    }
}

/// The payout's rounding formula (the short form for amounts that are never negative),
/// recomputed by LibreOffice, against the engine's rounding: ties at each number of
/// places, in both modes, including values that binary floating point cannot hold
/// exactly (2.675 is 2.67499999... as a double).
final class RoundingFormulaRecalcTests: XCTestCase {
    func testShortRoundingMatchesTheEngine() throws {
        let soffice = try LibreOffice.soffice()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-rounding-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let values = ["0", "0.125", "0.135", "2.675", "1.005", "0.005", "0.015", "0.5", "1.5", "2.5", "12344.5", "12345.5",
                      "1234567.885", "1234567.875", "0.0005", "1.0015", "99999.995", "7.2349999", "14390.625", "3.14159"]
        var cases: [(value: String, places: Int, mode: RoundingMode)] = []
        for v in values { for places in [0, 2, 3] { for mode in RoundingMode.allCases { cases.append((v, places, mode)) } } }
        let book = dir.appendingPathComponent("r.xlsx")
        let sink = try XLSXSink(path: book.path, constantMemory: false)
        let sheet = try sink.addSheet("Rounding")
        try sheet.text(0, 0, "value", .header)
        try sheet.text(0, 1, "rounded", .header)
        for (i, c) in cases.enumerated() {
            try sheet.number(i + 1, 0, Double(c.value)!, .plain)
            try sheet.formula(i + 1, 1, ExcelFormula.round("A\(i + 2)", places: c.places, mode: c.mode, nonNegative: true),
                              cached: -1, .plain)
        }
        try sink.close()
        let rows = try XCTUnwrap(LibreOffice.recalculate(book, soffice: soffice, into: dir)["Rounding"])
        XCTAssertEqual(rows.count, cases.count + 1)
        for (row, c) in zip(rows.dropFirst(), cases) {
            let expected = try FixedDecimal.parse(c.value).get().rounded(places: c.places, mode: c.mode)
            XCTAssertEqual(LibreOffice.money(row[1], digits: c.places), expected.formatted(places: c.places),
                           "\(c.value) to \(c.places) places, \(c.mode.rawValue)")
        }
    }
}

/// Every formula shape recomputed by LibreOffice against the engine, on a plan built to
/// reach each branch: below the first point, exactly at a point, between points, past the
/// last point (cap and extend), step curves, a closed gate, floor and cap, tables with
/// both bounds, a formula component with round(), lower-is-better, BHD and JPY payees
/// (no pool: mixed currencies), and half-up rounding.
final class WorkbookShapesRecalcTests: XCTestCase {
    static let plan = """
        plan: shapes
        version: "1"
        currency: BHD
        pays: quarter
        rounding: half-up
        cap: 150%
        floor: 20%
        kpis:
          a: { scope: payee, target: 100 }
          b: { scope: payee, target: 50 }
          c: { scope: payee, better: lower, target: 10 }
          d: { target: 1000 }
          ratio: { formula: "a / b", target: 2 }
        curves:
          lin: { points: [[80%, 50%], [100%, 100%], [120%, 150%]], below: 10% }
          ext: { points: [[50%, 0], [100%, 100%]], above: extend }
          stp: { interpolate: step, points: [[50%, 25%], [100%, 100%], [130%, 140%]] }
        components:
          - id: m
            weight: 60%
            max_score: 160%
            measures:
              - { kpi: a, weight: 40%, curve: lin }
              - { kpi: b, weight: 30%, curve: ext }
              - { kpi: c, weight: 30%, curve: stp }
          - { id: f, weight: 40%, formula: "round(min(attainment(ratio), 1.5) * 0.9, 3)" }
        modifiers:
          - { id: g, type: gate, when: "d >= 900 and a > 20", otherwise: 40%, applies_to: [m] }
          - { id: t, type: table, kpi: c, on: attainment, rows: [ { at_least: 120%, factor: 1.2 }, { at_least: 90%, at_most: 120%, factor: 1 } ], otherwise: 0.9 }
          - { id: x, type: accelerator, kpi: b, above: 100%, rate: 1.5, max_extra: 30% }
        """
    static let roster = """
        payee_id,name,unit,currency,base_salary,target_bonus_pct,start_date,end_date
        P01,Below,u,BHD,48000,25%,,
        P02,AtPoint,u,BHD,48000.5,25%,,
        P03,Between,u,BHD,51234.567,22.5%,2026-02-03,
        P04,PastCap,u,BHD,60000,30%,,2026-03-15
        P05,Extend,u,BHD,39999,33.3%,,
        P06,StepLow,u,JPY,9000000,20%,,
        P07,GateShut,u,BHD,45000,25%,,
        P08,Floor,u,BHD,45000,25%,,
        """
    static let actuals = """
        period,scope,kpi,value
        2026-Q1,company,d,950
        2026-Q1,payee:P01,a,70
        2026-Q1,payee:P01,b,20
        2026-Q1,payee:P01,c,25
        2026-Q1,payee:P02,a,100
        2026-Q1,payee:P02,b,50
        2026-Q1,payee:P02,c,10
        2026-Q1,payee:P03,a,93.7
        2026-Q1,payee:P03,b,41.3
        2026-Q1,payee:P03,c,7.7
        2026-Q1,payee:P04,a,140
        2026-Q1,payee:P04,b,55
        2026-Q1,payee:P04,c,1
        2026-Q1,payee:P05,a,110
        2026-Q1,payee:P05,b,95
        2026-Q1,payee:P05,c,11
        2026-Q1,payee:P06,a,81
        2026-Q1,payee:P06,b,26
        2026-Q1,payee:P06,c,14.9
        2026-Q1,payee:P07,a,15
        2026-Q1,payee:P07,b,60
        2026-Q1,payee:P07,c,9
        2026-Q1,payee:P08,a,1
        2026-Q1,payee:P08,b,1
        2026-Q1,payee:P08,c,30
        """

    func testEveryShapeRecomputesToTheEngine() throws {
        let soffice = try LibreOffice.soffice()
        let request = CalculationRequest(
            plan: InputFile(path: "plan.yaml", bytes: Array(Self.plan.utf8)),
            roster: InputFile(path: "roster.csv", bytes: Array(Self.roster.utf8)),
            actuals: InputFile(path: "actuals.csv", bytes: Array(Self.actuals.utf8)),
            period: "2026-Q1", recordFigures: true)
        let outcome = Pipeline.calculate(request) { _ in .failure(PlanParser.FileLoadError("none")) }
        let run = try XCTUnwrap(outcome.result, TestSupport.rendered(outcome.diagnostics).joined(separator: "\n"))
        // The plan reaches what it means to: a capped and a floored payee, a closed gate.
        XCTAssertTrue(run.payees.contains { $0.clamp == .cap })
        XCTAssertTrue(run.payees.contains { $0.clamp == .floor })
        XCTAssertTrue(run.payees.contains { $0.modifierFactors.first.map { $0 < .one } == true })

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-shapes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let book = dir.appendingPathComponent("shapes.xlsx")
        let sink = try XLSXSink(path: book.path, constantMemory: false)
        var builder = WorkbookBuilder(run: run, context: WorkbookContext(command: "test", generatedAt: "now", advocompVersion: "test", files: []))
        try builder.write(to: sink)
        try sink.close()
        let sheets = try LibreOffice.recalculate(book, soffice: soffice, into: dir)
        let payouts = try XCTUnwrap(sheets["Payouts"])
        let header = payouts[0]
        let id = try XCTUnwrap(header.firstIndex(of: "Payee ID")), payout = try XCTUnwrap(header.firstIndex(of: "Payout"))
        let gross = try XCTUnwrap(header.firstIndex(of: "Gross"))
        for (row, p) in zip(payouts.dropFirst(), run.payees) {
            XCTAssertEqual(row[id], p.payee.id)
            let d = p.currency.minorDigits
            XCTAssertEqual(LibreOffice.money(row[payout], digits: d), p.payout.amount.formatted(places: d), "\(p.payee.id) payout")
            // The unrounded gross agrees to 1e-6 of a minor unit (binary floating point).
            let g = try XCTUnwrap(Double(row[gross]))
            XCTAssertEqual(g, try XCTUnwrap(Double(p.gross.amount.description)), accuracy: 1e-6, "\(p.payee.id) gross")
        }
    }
}
