import Foundation
import XCTest
import AdvocompTestSupport

/// `advocomp calculate --xlsx FILE` and `--payroll FILE`, run as a user would (the built
/// binary, in temporary directories): what is written, its mode, the temporary file beside
/// the target, spreadsheet-injection safety, and failures that leave nothing behind.
/// The workbook is read back with python3's zipfile and ElementTree (python3 is installed
/// by scripts/setup).
final class ExportCLITests: XCTestCase {
    typealias Run = CLI.Run

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    // MARK: Helpers

    func run(_ executable: URL, _ args: [String], in directory: URL? = nil) throws -> Run {
        try CLI.run(executable, args, in: directory)
    }

    func advocomp(_ args: [String], in directory: URL) throws -> Run {
        try run(CLI.binary, CLI.withoutHistory(args), in: directory)
    }

    /// A copy of a conformance case in a fresh temporary directory, removed after the test.
    func copyOfCase(_ name: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("advocomp-export-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.copyItem(at: try Conformance.folder(name), to: dir)
        // The bundle's fixtures may be read-only; the tests write beside them.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        return dir
    }

    func listing(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    func mode(_ file: URL) throws -> String? {
        let m = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        return m.map { String($0.intValue, radix: 8) }
    }

    static let caseFiles = ["actuals.csv", "case.yaml", "expected.csv", "plan.yaml", "roster.csv"]
    static let calculate = ["calculate"] + CLITests.case01Args

    /// The workbook as python3 reads it back (`Workbook.read`).
    func readWorkbook(_ file: URL) throws -> Workbook {
        try Workbook.read(file)
    }

    /// The column letter of the header `name` in row 1 of `sheet`.
    func column(_ book: Workbook, _ sheet: String, header name: String) -> String? {
        book.cells[sheet]?.first { ref, cell in
            ref.hasSuffix("1") && ref.dropLast().allSatisfy(\.isLetter) && cell.v == name
        }.map { String($0.key.dropLast()) }
    }

    /// Case 01's payroll file, with E003's amount as the calculate CSV of the same run has it.
    static func case01Payroll(e003: String) -> String {
        """
        payee_id,name,currency,amount,earning_code,period
        E001,Ada Park,USD,37089.29,BONUS,2026-Q1
        E002,Ben Ortiz,USD,26431.47,BONUS,2026-Q1
        E003,Cleo Varga,USD,\(e003),BONUS,2026-Q1
        E004,Dev Rao,USD,12039.06,BONUS,2026-Q1

        """
    }

    // MARK: --xlsx

    func testWorkbookBesideTheCSV() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let r = try advocomp(Self.calculate + ["--format", "csv", "--xlsx", "book.xlsx"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(CLITests.case01CSVAlternatives.contains(r.stdout), "the CSV still goes to standard output:\n\(r.stdout)")

        let file = dir.appendingPathComponent("book.xlsx")
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
        XCTAssertEqual(try mode(file), "600")
        let bytes = try Data(contentsOf: file)
        XCTAssertEqual(Array(bytes.prefix(2)), Array("PK".utf8), "an .xlsx is a zip")
        XCTAssertEqual(try listing(dir), (Self.caseFiles + ["book.xlsx"]).sorted(),
                       "no temporary file (.book.xlsx.tmp-*) is left beside the workbook")

        let book = try readWorkbook(file)
        XCTAssertEqual(book.sheets, ["Summary", "Payouts", "Inputs", "Plan", "Curves", "Statements", "Findings", "Audit"])
        for part in ["[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"] + (1...8).map({ "xl/worksheets/sheet\($0).xml" }) {
            XCTAssertTrue(book.parts.contains(part), "missing part \(part): \(book.parts)")
        }
        XCTAssertEqual(book.sheetParts["Payouts"], "xl/worksheets/sheet2.xml")
        for name in ["Weight_scorecard", "Cap", "MinActiveDays", "DaysInPeriod", "PeriodsPerYear"] {
            XCTAssertTrue(book.definedNames.contains(name), "defined name \(name) missing: \(book.definedNames)")
        }

        // Payouts: headers (shared strings resolved), and the payout column is formulas
        // whose cached values are the engine's amounts.
        let payouts = try XCTUnwrap(book.cells["Payouts"])
        let headers = Set(payouts.filter { $0.key.hasSuffix("1") && $0.key.dropLast().allSatisfy(\.isLetter) }.compactMap(\.value.v))
        for h in ["Payee ID", "Payout", "Status"] { XCTAssertTrue(headers.contains(h), "header \(h) missing: \(headers)") }
        let payoutCol = try XCTUnwrap(column(book, "Payouts", header: "Payout"))
        let idCol = try XCTUnwrap(column(book, "Payouts", header: "Payee ID"))
        let csvRows = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(csvRows.count, 5)
        for (i, row) in csvRows.enumerated() {
            let R = i + 2
            XCTAssertEqual(payouts["\(idCol)\(R)"]?.v, String(row[0]), "payee on row \(R)")
            let cell = try XCTUnwrap(payouts["\(payoutCol)\(R)"], "\(payoutCol)\(R)")
            XCTAssertNotNil(cell.f, "\(payoutCol)\(R) is a formula")
            XCTAssertFalse(cell.f?.isEmpty ?? true)
            XCTAssertEqual(cell.v.flatMap(Double.init) ?? -1, Double(String(row[4]))!, accuracy: 0.0051,
                           "cached payout of \(row[0])")
        }
        // The amounts are formulas in the sheet's XML itself (not only values).
        XCTAssertGreaterThanOrEqual(payouts.values.filter { $0.f != nil }.count, 5 * 3)
    }

    /// On a terminal the export shows a progress bar on standard error (here at once:
    /// ADVOCOMP_PROGRESS_DELAY=0; normally after a second), ending with the compression
    /// step, and clears it; through a pipe there is none.
    func testProgressBarOnATerminalOnly() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let args = CLI.withoutHistory(Self.calculate + ["--xlsx", "book.xlsx", "--output", "out.csv"])
        let command = ([CLI.binary.path] + args).map { "'\($0)'" }.joined(separator: " ")
        let typescript = dir.appendingPathComponent("typescript")
        let tty = try run(URL(fileURLWithPath: "/usr/bin/env"),
                          ["ADVOCOMP_PROGRESS_DELAY=0", "script", "-qec", command, typescript.path], in: dir)
        XCTAssertEqual(tty.status, 0, tty.stderr)
        let seen = try String(contentsOf: typescript, encoding: .utf8)
        XCTAssertTrue(seen.contains("writing book.xlsx"), seen)
        XCTAssertTrue(seen.contains("compressing (zip)"), seen)
        XCTAssertTrue(seen.contains("\u{1b}[K"), "the line is cleared at the end")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("book.xlsx"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("out.csv"))
        let piped = try run(URL(fileURLWithPath: "/usr/bin/env"), ["ADVOCOMP_PROGRESS_DELAY=0", CLI.binary.path] + args, in: dir)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertFalse(piped.stderr.contains("writing book.xlsx"), piped.stderr)
    }

    func testWorkbookIntoAMissingDirectoryFailsAndLeavesNothing() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let r = try advocomp(Self.calculate + ["--format", "csv", "--xlsx", "nowhere/book.xlsx"], in: dir)
        XCTAssertEqual(r.status, 1)
        // The workbook is written before the report, so the failure prints no CSV.
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "nowhere/book.xlsx: error: --xlsx: cannot write nowhere/book.xlsx: no such directory (nowhere)\n1 error\n")
        XCTAssertEqual(try listing(dir), Self.caseFiles)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("nowhere").path))
    }

    /// A full disk, made real for one process: a file-size limit of 4 KiB (RLIMIT_FSIZE,
    /// with SIGXFSZ ignored so writes fail with EFBIG as they would with ENOSPC). Every
    /// write past it fails, in libxlsxwriter's temporary files and in the zip itself.
    func testWorkbookOnAFullDiskFailsAndLeavesNothing() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let script = "trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\""
        let r = try run(URL(fileURLWithPath: "/bin/bash"),
                        ["-c", script, CLI.binary.path] + Self.calculate + ["--format", "csv", "--xlsx", "book.xlsx",
                                                                                  "--payroll", "pay.csv"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasPrefix("book.xlsx: error: cannot write the workbook"), r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }.count, 2, "the error and its count: \(r.stderr)")
        // Neither the workbook, nor the payroll staged beside it, nor a temporary file.
        XCTAssertEqual(try listing(dir), Self.caseFiles)
    }

    // MARK: --payroll

    func testPayrollOfCase01() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let r = try advocomp(Self.calculate + ["--format", "csv", "--payroll", "pay.csv"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(CLITests.case01CSVAlternatives.contains(r.stdout), r.stdout)
        // A preview (--no-db) says so: its payroll is not for paying.
        XCTAssertEqual(r.stderr, "payroll: 4 payees written to pay.csv; left out: 1 ineligible\npayroll: this calculation was not recorded (--no-db): the file is a preview for review, not for paying\n")

        let file = dir.appendingPathComponent("pay.csv")
        // Same amounts as the calculate CSV of the same run (E003's tie either way, README "Numbers").
        let e003 = r.stdout.contains("E003,ok,USD,13125.00,14390.63") ? "14390.63" : "14390.62"
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), Self.case01Payroll(e003: e003))
        XCTAssertEqual(try mode(file), "600")
        XCTAssertEqual(try listing(dir), (Self.caseFiles + ["pay.csv"]).sorted(), "no temporary file is left")
    }

    func testPayrollIntoAMissingDirectoryFailsAndLeavesNothing() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let r = try advocomp(Self.calculate + ["--format", "csv", "--payroll", "nowhere/pay.csv"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "", "the payroll file is written before the report")
        XCTAssertEqual(r.stderr, "nowhere/pay.csv: error: --payroll: cannot write nowhere/pay.csv: no such directory (nowhere)\n1 error\n")
        XCTAssertFalse(r.stderr.contains("payees written"), r.stderr)
        XCTAssertEqual(try listing(dir), Self.caseFiles)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("nowhere").path))
    }

    func testPayrollOntoADirectoryFailsAndLeavesNothing() throws {
        // A path that cannot be written even by root: an existing (empty) directory.
        let dir = try copyOfCase("01-scorecard-basics")
        let target = dir.appendingPathComponent("pay.csv", isDirectory: true)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let r = try advocomp(Self.calculate + ["--format", "csv", "--payroll", "pay.csv"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "pay.csv: error: --payroll: pay.csv is a directory; an output must be a regular file (use - for standard output)\n1 error\n")
        XCTAssertFalse(r.stderr.contains("payees written"), r.stderr)
        XCTAssertEqual(try listing(dir), (Self.caseFiles + ["pay.csv"]).sorted(), "no temporary file is left")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.path), [])
    }

    // MARK: Spreadsheet injection

    func testFormulaLikeRosterTextStaysText() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let name = #"=HYPERLINK("http://x","y")"#
        try """
            payee_id,name,title,unit,plan,currency,base_salary,target_bonus_pct,start_date,end_date
            +E9,"=HYPERLINK(""http://x"",""y"")",CMO,enterprise,exec-advocacy,USD,310000,40%,2024-03-01,

            """.write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let r = try advocomp(Self.calculate + ["--format", "csv", "--payroll", "pay.csv", "--xlsx", "book.xlsx"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            payee_id,status,currency,target_incentive,payout
            '+E9,ok,USD,31000.00,37089.29

            """)
        XCTAssertEqual(r.stderr, "payroll: 1 payee written to pay.csv\npayroll: this calculation was not recorded (--no-db): the file is a preview for review, not for paying\n")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("pay.csv"), encoding: .utf8), """
            payee_id,name,currency,amount,earning_code,period
            '+E9,"'=HYPERLINK(""http://x"",""y"")",USD,37089.29,BONUS,2026-Q1

            """)

        // In the workbook the id and name are string cells holding the roster's text
        // exactly (a string cell is never evaluated), and no formula calls HYPERLINK.
        let book = try readWorkbook(dir.appendingPathComponent("book.xlsx"))
        let payouts = try XCTUnwrap(book.cells["Payouts"])
        let idCol = try XCTUnwrap(column(book, "Payouts", header: "Payee ID"))
        let nameCol = try XCTUnwrap(column(book, "Payouts", header: "Name"))
        let idCell = try XCTUnwrap(payouts["\(idCol)2"])
        let nameCell = try XCTUnwrap(payouts["\(nameCol)2"])
        XCTAssertNil(nameCell.f, "the name is not a formula")
        XCTAssertTrue(["s", "inlineStr", "str"].contains(nameCell.t ?? ""), "the name is a string cell: \(nameCell)")
        XCTAssertEqual(nameCell.v, name)
        XCTAssertNil(idCell.f)
        XCTAssertTrue(["s", "inlineStr", "str"].contains(idCell.t ?? ""), "the payee_id is a string cell: \(idCell)")
        XCTAssertEqual(idCell.v, "+E9")
        XCTAssertTrue(book.sharedStrings.contains(name) || nameCell.t == "inlineStr")
        for (sheet, cells) in book.cells {
            for (ref, cell) in cells {
                XCTAssertFalse((cell.f ?? "").uppercased().contains("HYPERLINK"), "\(sheet)!\(ref) has a formula \(cell.f ?? "")")
            }
        }
        // And in the raw XML of every sheet: no <f> element mentions HYPERLINK.
        let raw = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import re, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            for n in z.namelist():
                if n.startswith('xl/worksheets/') and n.endswith('.xml'):
                    for f in re.findall(r'<f[ >][^<]*', z.read(n).decode()):
                        if 'HYPERLINK' in f.upper(): print(n, f)
            """, dir.appendingPathComponent("book.xlsx").path])
        XCTAssertEqual(raw.status, 0, raw.stderr)
        XCTAssertEqual(raw.stdout, "")
    }

    // MARK: All outputs or none

    /// When one of several outputs cannot be written, none of them is left behind: the
    /// workbook and the payroll file that could be written are not kept either.
    func testAFailingOutputLeavesNoneOfTheOthers() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let r = try advocomp(Self.calculate + ["--format", "csv", "--xlsx", "book.xlsx", "--payroll", "pay.csv",
                                              "--output", "nowhere/out.csv"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "nowhere/out.csv: error: --output: cannot write nowhere/out.csv: no such directory (nowhere)\n1 error\n")
        XCTAssertEqual(try listing(dir), Self.caseFiles)
    }

    func testAllOutputsAppearTogether() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let r = try advocomp(Self.calculate + ["--format", "csv", "--xlsx", "book.xlsx", "--payroll", "pay.csv",
                                              "--output", "out.csv"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(try listing(dir), (Self.caseFiles + ["book.xlsx", "out.csv", "pay.csv"]).sorted())
        for f in ["book.xlsx", "out.csv", "pay.csv"] { XCTAssertEqual(try mode(dir.appendingPathComponent(f)), "600", f) }
    }

    // MARK: Escalation findings in every output (case 05)

    func testEscalationFindingsInTheTableJSONWorkbookAuditAndCalendar() throws {
        let dir = try copyOfCase("05-escalation")
        let args = ["--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv", "--events", "events.csv",
                    "--period", "2026-Q1", "-q"]
        let table = try advocomp(["calculate"] + args + ["--xlsx", "book.xlsx"], in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("escalation        P4     exclude  ev11 es2  "), table.stdout)

        let json = try advocomp(["calculate"] + args + ["--format", "json"], in: dir)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let escalations = try XCTUnwrap(object["findings"] as? [[String: Any]]).filter { $0["check"] as? String == "escalation" }
        XCTAssertEqual(escalations.map { $0["event_ids"] as? [String] ?? [] }, [["ev04", "es1"], ["ev11", "es2"], ["ev18", "es4"]])
        XCTAssertEqual(escalations.map { $0["payee_id"] as? String }, ["P1", "P4", "P5"])

        let book = try readWorkbook(dir.appendingPathComponent("book.xlsx"))
        let findings = try XCTUnwrap(book.cells["Findings"])
        let rows = (2...11).map { r in (findings["A\(r)"]?.v ?? "", findings["D\(r)"]?.v ?? "") }.filter { $0.0 == "escalation" }
        XCTAssertEqual(rows.map(\.1), ["ev04 es1", "ev11 es2", "ev18 es4"])

        let audit = try advocomp(["audit", "--plan", "plan.yaml", "--roster", "roster.csv", "--events", "events.csv", "--period", "2026-Q1"], in: dir)
        XCTAssertEqual(audit.status, 0, audit.stderr)
        XCTAssertTrue(audit.stdout.contains("Asks made during escalations (escalation check, 30 days): 3\n"), audit.stdout)
        XCTAssertTrue(audit.stdout.contains("    events.csv:31  es2  2026-02-01  escalation  account AC5  (signal row: escalation opened)\n"), audit.stdout)

        let calendar = try advocomp(["advocates", "--plan", "plan.yaml", "--events", "events.csv", "--as-of", "2026-02-20", "--format", "csv", "-q"], in: dir)
        XCTAssertEqual(calendar.status, 0, calendar.stderr)
        XCTAssertTrue(calendar.stdout.contains("\nA5,1,1,ev11,2026-02-20,2026-04-21,do not ask (escalated since 2026-02-01)\n"), calendar.stdout)
        XCTAssertTrue(calendar.stdout.contains("\nA1,2,1,ev04,2026-01-05,2026-03-06,cooling down\n"), calendar.stdout)
    }
}
