import Foundation
import XCTest
@testable import AdvocompKit
@testable import AdvocompWorkbook

/// The workbook's proof: LibreOffice recalculates every formula (its cached values are
/// ignored: OOXMLRecalcMode 0) and every payee's recomputed payout must equal the
/// engine's to the minor unit, for every successful conformance case.
final class WorkbookRecalcTests: XCTestCase {
    func test01ScorecardBasics() throws { try recalcCase("01-scorecard-basics") }
    func test02OKRAndModifiers() throws { try recalcCase("02-okr-and-modifiers") }
    func test03CurrenciesPoolFormulas() throws { try recalcCase("03-currencies-pool-formulas") }

    func testEverySuccessfulCaseIsRecalculated() throws {
        let success = try ConformanceTests.caseFolders().map(\.lastPathComponent)
            .filter { FileManager.default.fileExists(atPath: try! ConformanceTests.folder($0).appendingPathComponent("expected.csv").path) }
        XCTAssertEqual(success, ["01-scorecard-basics", "02-okr-and-modifiers", "03-currencies-pool-formulas"])
    }

    func recalcCase(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let soffice = try Self.soffice()
        let outcome = try ConformanceTests.outcome(of: try ConformanceTests.folder(name), recordKPIActuals: true)
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

        let sheets = try Self.recalculate(book, soffice: soffice, into: dir)
        let payouts = try XCTUnwrap(sheets["Payouts"], "no Payouts sheet in \(sheets.keys.sorted())")
        let header = try XCTUnwrap(payouts.first)
        let idCol = try XCTUnwrap(header.firstIndex(of: "payee_id"))
        let payoutCol = try XCTUnwrap(header.firstIndex(of: "payout"))
        let tiCol = try XCTUnwrap(header.firstIndex(of: "target_incentive"))
        let statusCol = try XCTUnwrap(header.firstIndex(of: "status"))
        XCTAssertEqual(payouts.count - 1, run.payees.count, name, file: file, line: line)
        for (row, p) in zip(payouts.dropFirst(), run.payees) {
            let d = p.currency.minorDigits
            XCTAssertEqual(row[idCol], p.payee.id, name, file: file, line: line)
            XCTAssertEqual(row[statusCol], p.status.rawValue, "\(name) \(p.payee.id) status", file: file, line: line)
            XCTAssertEqual(Self.money(row[payoutCol], digits: d), p.payout.formatted(places: d),
                           "\(name) \(p.payee.id): recomputed payout", file: file, line: line)
            XCTAssertEqual(Self.money(row[tiCol], digits: d), p.roundedTargetIncentive.formatted(places: d),
                           "\(name) \(p.payee.id): recomputed target incentive", file: file, line: line)
        }
    }

    /// A recomputed value (LibreOffice writes full precision) rounded to the minor unit.
    static func money(_ text: String, digits: Int) -> String {
        guard case .success(let v) = FixedDecimal.parse(text.trimmingCharacters(in: .whitespaces)) else { return "not a number: \(text)" }
        return v.formatted(places: digits)
    }

    static func soffice() throws -> String {
        for p in ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/usr/local/bin/soffice"]
        where FileManager.default.isExecutableFile(atPath: p) { return p }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            // On CI the proof must run: scripts/test installs LibreOffice.
            throw ConformanceTests.CaseError("LibreOffice (soffice) is missing on CI: scripts/setup must install libreoffice-calc-nogui")
        }
        throw XCTSkip("LibreOffice (soffice) is not installed; scripts/setup installs libreoffice-calc-nogui")
    }

    /// Recalculates `book` with LibreOffice and returns each sheet as CSV rows (the recipe
    /// of shared/tools/recalc-xlsx: a private profile with OOXMLRecalcMode 0).
    static func recalculate(_ book: URL, soffice: String, into dir: URL) throws -> [String: [[String]]] {
        let profile = dir.appendingPathComponent("profile/user")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
            <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
            <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
            </oor:items>
            """.write(to: profile.appendingPathComponent("registrymodifications.xcu"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("csv")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soffice)
        p.arguments = ["-env:UserInstallation=file://\(dir.appendingPathComponent("profile").path)", "--headless",
                       "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                       "--outdir", out.path, book.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        var sheets: [String: [[String]]] = [:]
        let base = book.deletingPathExtension().lastPathComponent
        for f in try FileManager.default.contentsOfDirectory(atPath: out.path) where f.hasSuffix(".csv") {
            let sheet = String(f.dropFirst(base.count + 1).dropLast(4))
            var diagnostics: [Diagnostic] = []
            let bytes = [UInt8](try Data(contentsOf: out.appendingPathComponent(f)))
            let table = CSVTable(file: f, bytes: bytes, diagnostics: &diagnostics)
            var rows = [table.header]
            for r in 0..<table.count { rows.append((0..<table.header.count).map { table.string(row: r, column: $0) }) }
            sheets[sheet] = rows
        }
        return sheets
    }
}

/// The harness itself: LibreOffice must recompute formulas, not echo the cached values.
final class RecalcHarnessTests: XCTestCase {
    func testCachedValuesAreNotTrusted() throws {
        let soffice = try WorkbookRecalcTests.soffice()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-harness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let book = dir.appendingPathComponent("h.xlsx")
        let sink = try XLSXSink(path: book.path, constantMemory: false)
        let sheet = try sink.addSheet("Payouts")
        try sheet.text(0, 0, "payout", .header)
        try sheet.formula(1, 0, "1+1", cached: 5, .plain)   // a wrong cached value on purpose
        try sink.close()
        let sheets = try WorkbookRecalcTests.recalculate(book, soffice: soffice, into: dir)
        XCTAssertEqual(sheets["Payouts"]?.dropFirst().first?.first, "2")
    }
}
