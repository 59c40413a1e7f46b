import Foundation
import XCTest
import AdvocompTestSupport

/// The true-up's workbook (`true-up --xlsx`), recalculated by LibreOffice.
final class TrueUpWorkbookTests: XCTestCase, TrueUpWorkspace {
    func testTheTrueUpWorkbookRecalculatesToTheTrueUps() throws {
        // LibreOffice recomputes every formula (cached values ignored): the True-up sheet's
        // full-year payouts come from the Payouts sheet's formula chains, and its true-ups
        // must equal the engine's to the cent.
        let soffice = try LibreOffice.soffice()
        let dir = try workspace()
        _ = try closeQuarters(of: 2026, in: dir)
        let r = try advocomp(["true-up", "--year", "2026", "--format", "csv", "--no-db", "--xlsx", "t.xlsx"] + Self.inputs, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let sheets = try LibreOffice.recalculate(dir.appendingPathComponent("t.xlsx"), soffice: soffice, into: dir)
        let sheet = try XCTUnwrap(sheets["True-up"], "sheets: \(sheets.keys.sorted())")
        let header = try XCTUnwrap(sheet.first)
        XCTAssertEqual(header, ["Payee ID", "Name", "Status", "Currency", "Full-year payout", "Paid 2026-Q1", "Paid 2026-Q2", "Paid 2026-Q3",
                                "Paid 2026-Q4", "Paid", "Carried in", "Difference", "True-up", "Carry forward", "Forgiven"])
        let rows = sheet.dropFirst().filter { !$0[0].isEmpty && !$0[0].hasPrefix("True-up") && !$0[0].hasPrefix("A negative") }
        XCTAssertEqual(rows.map { $0[0] }, expected.map { $0[0] })
        for (row, e) in zip(rows, expected) {
            // full year, paid, carried in, true-up, carry forward, forgiven
            for (col, k) in [(4, 3), (9, 4), (10, 5), (12, 6), (13, 7), (14, 8)] {
                XCTAssertEqual(LibreOffice.money(row[col], digits: 2), e[k], "\(e[0]) \(header[col])")
            }
        }
    }
}
