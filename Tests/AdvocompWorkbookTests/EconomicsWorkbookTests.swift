import Foundation
import XCTest
import AdvocompTestSupport

/// The economics workbook (`economics --xlsx`), recalculated by LibreOffice: its incremental
/// revenue, contribution and return formulas give the report's figures.
final class EconomicsWorkbookTests: XCTestCase {
    func testTheEconomicsSheetRecalculatesToTheReport() throws {
        let soffice = try LibreOffice.soffice()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-economics-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("h.db").path
        func advocomp(_ args: [String]) throws -> CLI.Run { try CLI.run(CLI.binary, args, in: CLI.repoRoot) }
        let calc = try advocomp(["calculate", "-q", "--period", "2026-Q3", "--db", db,
                                 "--plan", "plans/field-advocacy-ledger.yaml", "--plan", "plans/cro-reference-program.yaml", "--plan", "plans/cco-nrr-expansion.yaml",
                                 "--roster", "samples/roster.csv", "--actuals", "samples/actuals-2026.csv", "--events", "samples/events-2026.csv"])
        XCTAssertEqual(calc.status, 0, calc.stderr)
        XCTAssertEqual(try advocomp(["approve", "S1", "--db", db]).status, 0)
        let book = dir.appendingPathComponent("e.xlsx")
        let r = try advocomp(["economics", "--db", db, "--format", "csv", "--xlsx", book.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The CSV's first row of each line carries its revenue figures (exact).
        var expected: [String: [String]] = [:]
        for line in r.stdout.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !f[9].isEmpty else { continue }
            expected["\(f[0]) \(f[1]) \(f[4] == "*" ? "all units" : f[4])"] = f
        }
        let sheets = try LibreOffice.recalculate(book, soffice: soffice, into: dir)
        let sheet = try XCTUnwrap(sheets["Economics"], "sheets: \(sheets.keys.sorted())")
        var seen = 0
        for row in sheet where row.count > 13 {
            guard let e = expected["\(row[0]) \(row[1]) \(row[3])"] else { continue }
            seen += 1
            XCTAssertEqual(LibreOffice.money(row[11], digits: 2), LibreOffice.money(e[11], digits: 2), "incremental \(row[0]) \(row[1]) \(row[3])")
            if e[12].isEmpty {
                XCTAssertEqual(row[12], "n/a")
            } else {
                XCTAssertEqual(LibreOffice.money(row[12], digits: 2), LibreOffice.money(e[12], digits: 2), "contribution \(row[0]) \(row[1]) \(row[3])")
            }
            if !e[13].isEmpty {
                XCTAssertEqual(LibreOffice.money(row[13], digits: 6), e[13], "return \(row[0]) \(row[1]) \(row[3])")
            }
        }
        XCTAssertEqual(seen, expected.count, "every line of the report is a row of the sheet")
        XCTAssertEqual(seen, 8, "field-advocacy-ledger: three units and all units; the other two plans: sales or customer-success and all units")
    }
}
