import Foundation
import XCTest
@testable import AdvocompKit
@testable import AdvocompWorkbook
import AdvocompTestSupport

/// A curve is laid out once, as a table of points that every measure on it reads: edit
/// one point in the workbook (the sheet's XML, as a person would in a spreadsheet), have
/// LibreOffice recalculate, and every payee on the curve changes, each to what the engine
/// pays with the edited plan.
final class SharedCurveEditTests: XCTestCase {
    func testEditingOnePointOfASharedCurveChangesEveryPayeeOnIt() throws {
        let soffice = try LibreOffice.soffice()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-curve-edit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Case 01: curve `standard` ([80%, 50%], [100%, 100%], [120%, 150%]) is used by all
        // three measures of the scorecard.
        let folder = try Conformance.folder("01-scorecard-basics")
        let planText = try String(contentsOf: folder.appendingPathComponent("plan.yaml"), encoding: .utf8)
        XCTAssertEqual(planText.components(separatedBy: "curve: standard").count - 1, 3, "three measures on the curve")
        let before = try XCTUnwrap(Conformance.outcome(of: folder, recordFigures: true).result)
        let book = dir.appendingPathComponent("book.xlsx")
        let sink = try XLSXSink(path: book.path, constantMemory: false)
        var builder = WorkbookBuilder(run: before, context: WorkbookContext(command: "test", generatedAt: "now", advocompVersion: "test", files: []))
        try builder.write(to: sink)
        try sink.close()

        // Point 2's factor (Curves!C6, 100%) becomes 120%, in the sheet's XML.
        let read = try Workbook.read(book)
        let part = try XCTUnwrap(read.sheetParts["Curves"])
        XCTAssertEqual(read.cells["Curves"]?["A6"]?.v, "Point 2")
        XCTAssertEqual(read.cells["Curves"]?["C6"]?.v, "1")
        let edited = dir.appendingPathComponent("edited.xlsx")
        let python = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import re, sys, zipfile
            src, dst, part = sys.argv[1], sys.argv[2], sys.argv[3]
            with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as out:
                for item in z.infolist():
                    data = z.read(item.filename)
                    if item.filename == part:
                        text, n = re.subn(r'(<c r="C6"[^>]*>)<v>[^<]*</v>', r'\\g<1><v>1.2</v>', data.decode())
                        assert n == 1, n
                        data = text.encode()
                    out.writestr(item, data)
            """, book.path, edited.path, part])
        XCTAssertEqual(python.status, 0, python.stderr)

        // What the engine pays with the plan so edited.
        let editedPlan = planText.replacingOccurrences(of: "[100%, 100%]", with: "[100%, 120%]")
        XCTAssertNotEqual(editedPlan, planText)
        let after = try XCTUnwrap(TestSupport.calculate(
            plan: editedPlan, roster: try String(contentsOf: folder.appendingPathComponent("roster.csv"), encoding: .utf8),
            actuals: try String(contentsOf: folder.appendingPathComponent("actuals.csv"), encoding: .utf8), period: "2026-Q1").result)

        let sheets = try LibreOffice.recalculate(edited, soffice: soffice, into: dir.appendingPathComponent("recalc"))
        let payouts = try XCTUnwrap(sheets["Payouts"])
        let header = payouts[0]
        let id = try XCTUnwrap(header.firstIndex(of: "Payee ID")), payout = try XCTUnwrap(header.firstIndex(of: "Payout"))
        let scorecard = try XCTUnwrap(header.firstIndex(of: "Scorecard"))
        var changed = 0
        for (row, (old, new)) in zip(payouts.dropFirst(), zip(before.payees, after.payees)) {
            XCTAssertEqual(row[id], old.payee.id)
            let d = new.currency.minorDigits
            XCTAssertEqual(LibreOffice.money(row[payout], digits: d), new.payout.amount.formatted(places: d), "\(old.payee.id): the edited workbook pays what the engine pays with the edited curve")
            let amount = try XCTUnwrap(Double(row[scorecard]))
            XCTAssertEqual(amount, WorkbookBuilder.double(old.componentAmountCount > 0 ? new.componentAmount(0).amount : .zero), accuracy: 1e-6, old.payee.id)
            if old.status != .ineligible {
                XCTAssertNotEqual(new.payout, old.payout, "\(old.payee.id) is on the curve: the edit changes its payout")
                changed += 1
            }
        }
        XCTAssertGreaterThanOrEqual(changed, 3, "every eligible payee of the case is on the curve")
    }
}
