import Foundation
import XCTest
@testable import AdvocompKit
@testable import AdvocompWorkbook
import AdvocompTestSupport

/// Every cell a reader sees is right: the workbook of each conformance case and of each
/// sample plan is recalculated by LibreOffice, and **every formula cell of every sheet**
/// is compared with the value cached in the file: money to the minor unit (cells with a
/// money format), other numbers within 1e-9 relative, text exactly. A cached value that
/// the formula does not give (a 0 where the formula finds 4,760,000) fails here.
final class WorkbookCellsTests: XCTestCase {
    /// The workbooks: each successful conformance case, and each sample plan for each quarter.
    func books(into dir: URL) throws -> [URL] {
        var books: [URL] = []
        func write(_ name: String, _ outcome: CalculationOutcome) throws {
            let run = try XCTUnwrap(outcome.result, "\(name): \(outcome.diagnostics.map(\.description).joined(separator: "\n"))")
            let book = dir.appendingPathComponent("\(name).xlsx")
            let sink = try XLSXSink(path: book.path, constantMemory: false)
            var builder = WorkbookBuilder(run: run, context: WorkbookContext(command: "test", generatedAt: "2026-11-30T00:00:00Z",
                                                                             advocompVersion: "test", files: []))
            try builder.write(to: sink)
            try sink.close()
            books.append(book)
        }
        for folder in try Conformance.caseFolders() where FileManager.default.fileExists(atPath: folder.appendingPathComponent("expected.csv").path) {
            try write(folder.lastPathComponent, try Conformance.outcome(of: folder, recordFigures: true))
        }
        let root = CLI.repoRoot
        func input(_ path: String) throws -> InputFile {
            InputFile(path: path, bytes: [UInt8](try Data(contentsOf: root.appendingPathComponent(path))))
        }
        for plan in try CLI.samplePlans() { for quarter in 1...4 {
            var request = CalculationRequest(plan: try input("plans/\(plan)"), roster: try input("samples/roster.csv"),
                                             actuals: try input("samples/actuals-2026.csv"), period: "2026-Q\(quarter)",
                                             events: try input("samples/events-2026.csv"))
            request.recordFigures = true
            let outcome = Pipeline.calculate(request) { path in
                guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                    return .failure(PlanParser.FileLoadError("no such file (\(path))"))
                }
                return .success(String(decoding: data, as: UTF8.self))
            }
            try write("sample-" + plan.replacingOccurrences(of: ".yaml", with: "") + "-Q\(quarter)", outcome)
        } }
        return books
    }

    func testEveryFormulaCellOfEveryWorkbookRecalculatesToItsCachedValue() throws {
        let soffice = try LibreOffice.soffice()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-cells-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let books = try books(into: dir)
        XCTAssertGreaterThanOrEqual(books.count, 29, "the conformance cases and the sample plans for each quarter")
        let csv = dir.appendingPathComponent("csv")
        try LibreOffice.recalculate(books, soffice: soffice, into: csv, profile: dir.appendingPathComponent("profile"))
        var checked = 0
        for book in books {
            let r = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", Self.compare, book.path, csv.path])
            XCTAssertEqual(r.status, 0, "\(book.lastPathComponent): \(r.stderr)")
            let lines = r.stdout.split(separator: "\n").map(String.init)
            let summary = lines.last ?? ""
            XCTAssertTrue(summary.hasSuffix(" 0 failed"), "\(book.lastPathComponent): \(summary)\n" + lines.dropLast().prefix(30).joined(separator: "\n"))
            checked += Int(summary.split(separator: " ").first ?? "") ?? 0
        }
        XCTAssertGreaterThan(checked, 1000, "cells compared")
    }

    /// Compares each formula cell's cached value with the recalculated CSV: cells whose
    /// number format is money (`#,##0` or `#,##0.00...`) to its minor unit, other numbers
    /// within 1e-9 relative (absolute below 1), text exactly. Prints mismatches, then
    /// "N passed, N failed".
    static let compare = #"""
import csv, os, re, sys, zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal, ROUND_HALF_EVEN
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
P = '{http://schemas.openxmlformats.org/package/2006/relationships}'
book, out = sys.argv[1], sys.argv[2]
stem = os.path.splitext(os.path.basename(book))[0]
z = zipfile.ZipFile(book)
names = z.namelist()
shared = []
if 'xl/sharedStrings.xml' in names:
    shared = [''.join(t.text or '' for t in si.iter(M + 't')) for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(M + 'si')]
styles = ET.fromstring(z.read('xl/styles.xml'))
codes = {}
nf = styles.find(M + 'numFmts')
if nf is not None:
    for f in nf.findall(M + 'numFmt'):
        codes[int(f.get('numFmtId'))] = f.get('formatCode')
builtin = {3: '#,##0', 4: '#,##0.00'}
xfs = [int(x.get('numFmtId') or 0) for x in styles.find(M + 'cellXfs').findall(M + 'xf')]
def money_digits(s):
    code = codes.get(xfs[s], builtin.get(xfs[s], '')) if s is not None and s < len(xfs) else ''
    m = re.match(r'^#,##0(?:\.(0+))?$', code.split(';')[0])
    return None if m is None else len(m.group(1) or '')
def number(t):
    t = t.strip()
    if t.endswith('%'):
        return Decimal(t[:-1].replace(',', '')) / 100
    return Decimal(t)
def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels')).findall(P + 'Relationship')}
ok = bad = 0
for s in wb.find(M + 'sheets').findall(M + 'sheet'):
    name = s.get('name')
    target = rels[s.get(R + 'id')]
    part = target.lstrip('/') if target.startswith('/') else 'xl/' + target
    path = os.path.join(out, f'{stem}-{name}.csv')
    grid = list(csv.reader(open(path, newline='', encoding='utf-8'))) if os.path.exists(path) else []
    for c in ET.fromstring(z.read(part)).iter(M + 'c'):
        if c.find(M + 'f') is None:
            continue
        v = c.find(M + 'v')
        cached = '' if v is None or v.text is None else v.text
        t = c.get('t')
        if t == 's' and cached:
            cached = shared[int(cached)]
        if t == 'b':
            cached = {'1': 'TRUE', '0': 'FALSE'}.get(cached, cached)
        m = re.match(r'([A-Z]+)(\d+)', c.get('r'))
        row, col = int(m.group(2)) - 1, col_index(m.group(1))
        got = grid[row][col] if row < len(grid) and col < len(grid[row]) else ''
        style = c.get('s')
        digits = money_digits(int(style)) if style is not None else None
        try:
            x, y = number(cached), number(got)
            if digits is not None:
                # To the minor unit: less than half of one apart (an unrounded amount may
                # sit exactly on a half cent, which a double may show either side of).
                same = abs(x - y) < Decimal(1).scaleb(-digits) / 2
            else:
                same = abs(x - y) <= Decimal('1e-9') * max(Decimal(1), abs(x), abs(y))
        except Exception:
            same = cached == got
        if same:
            ok += 1
        else:
            bad += 1
            if bad <= 40:
                print(f"{name}!{c.get('r')}: cached {cached!r}, recalculated {got!r}" + (f" (money, {digits} digits)" if digits is not None else ''))
print(f'{ok} passed, {bad} failed')
"""#
}
