import Foundation
import XCTest
import AdvocompKit

/// LibreOffice as the workbooks' proof: it recalculates every formula (a private profile
/// with OOXMLRecalcMode 0, so cached values are ignored) and writes each sheet as CSV.
public enum LibreOffice {
    /// A recomputed value (LibreOffice writes full precision) rounded to the minor unit.
    public static func money(_ text: String, digits: Int) -> String {
        guard case .success(let v) = FixedDecimal.parse(text.trimmingCharacters(in: .whitespaces)) else { return "not a number: \(text)" }
        return v.formatted(places: digits)
    }

    /// The LibreOffice program: a test without it is skipped, except on CI (`CI` set), where it fails.
    public static func soffice() throws -> String {
        for p in ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/usr/local/bin/soffice"]
        where FileManager.default.isExecutableFile(atPath: p) { return p }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            // On CI the proof must run: scripts/test installs LibreOffice.
            throw Conformance.CaseError("LibreOffice (soffice) is missing on CI: scripts/setup must install libreoffice-calc-nogui")
        }
        throw XCTSkip("LibreOffice (soffice) is not installed; scripts/setup installs libreoffice-calc-nogui")
    }

    /// Recalculates `book` with LibreOffice and returns each sheet as CSV rows (the recipe
    /// of shared/tools/recalc-xlsx: a private profile with OOXMLRecalcMode 0).
    public static func recalculate(_ book: URL, soffice: String, into dir: URL) throws -> [String: [[String]]] {
        let out = dir.appendingPathComponent("csv")
        try recalculate([book], soffice: soffice, into: out, profile: dir.appendingPathComponent("profile"))
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

    /// Every book in one LibreOffice run (one CSV per sheet: BOOK-SHEET.csv).
    public static func recalculate(_ books: [URL], soffice: String, into out: URL, profile: URL) throws {
        let user = profile.appendingPathComponent("user")
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
            <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
            <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
            </oor:items>
            """.write(to: user.appendingPathComponent("registrymodifications.xcu"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soffice)
        p.arguments = ["-env:UserInstallation=file://\(profile.path)", "--headless",
                       "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                       "--outdir", out.path] + books.map(\.path)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
    }
}
