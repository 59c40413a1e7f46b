import Foundation
import XCTest
import AdvocompTestSupport

/// `advocomp statements RUN --dir DIR`: a private workbook per payee of a recorded run,
/// each holding that payee's figures and no other payee's; and `show RUN --xlsx`, whose
/// workbook names the run and its state.
final class StatementsCLITests: XCTestCase {
    typealias Run = CLI.Run

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    /// A fresh directory with the CRO sample plan's 2026-Q3 run recorded in h.db (run 1:
    /// eleven payees, a pool that scales their payouts).
    func recordedRun() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-statements-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let root = CLI.repoRoot
        let r = try advocomp(["calculate", "--plan", root.appendingPathComponent("plans/cro-reference-program.yaml").path,
                              "--roster", root.appendingPathComponent("samples/roster.csv").path,
                              "--actuals", root.appendingPathComponent("samples/actuals-2026.csv").path,
                              "--events", root.appendingPathComponent("samples/events-2026.csv").path,
                              "--period", "2026-Q3", "--db", "h.db", "--format", "json", "-q"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        try r.stdout.write(to: dir.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        return dir
    }

    func advocomp(_ args: [String], in dir: URL) throws -> Run { try CLI.run(CLI.binary, args, in: dir) }

    /// Each payee of run.json: id, name, payout.
    func payees(_ dir: URL) throws -> [(id: String, name: String, payout: String)] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("run.json"))) as? [String: Any]
        let list = try XCTUnwrap(json?["payees"] as? [[String: Any]])
        return list.map { ($0["payee_id"] as? String ?? "", $0["name"] as? String ?? "", $0["payout"] as? String ?? "") }
    }

    /// Every part of the .xlsx (a zip), as text: sheets, shared strings, defined names,
    /// document properties, charts.
    func parts(_ file: URL) throws -> [String: String] {
        let r = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import json, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            json.dump({n: z.read(n).decode('utf-8', 'replace') for n in z.namelist()}, sys.stdout)
            """, file.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: String])
    }

    func mode(_ path: URL) throws -> String {
        let m = try FileManager.default.attributesOfItem(atPath: path.path)[.posixPermissions] as? NSNumber
        return String(m?.intValue ?? 0, radix: 8)
    }

    /// The ways a payout can be written in a part: plain (`57716.49`), grouped (`57,716.49`),
    /// and as the cell's number (`57716.49` with trailing zeros dropped: `32625` for `32625.00`).
    func forms(_ payout: String) -> [String] {
        var plain = payout
        if plain.contains(".") { while plain.hasSuffix("0") { plain.removeLast() }; if plain.hasSuffix(".") { plain.removeLast() } }
        let parts = payout.split(separator: ".")
        var grouped = ""
        for (i, ch) in Array(parts[0]).enumerated() {
            if i > 0 && (parts[0].count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return Array(Set([payout, plain, grouped + (parts.count > 1 ? "." + parts[1] : "")]))
    }

    func testAWorkbookPerPayeeHoldingNoOtherPayee() throws {
        let dir = try recordedRun()
        let r = try advocomp(["statements", "1", "--db", "h.db", "--dir", "out/2026-Q3"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("11 statements of run 1 (draft) written to out/2026-Q3\n"), r.stderr)
        let people = try payees(dir)
        XCTAssertEqual(people.count, 11)
        let out = dir.appendingPathComponent("out/2026-Q3")
        // The directories made private; one file per payee, named by payee id, private;
        // nothing else (no staging directory) left.
        XCTAssertEqual(try mode(dir.appendingPathComponent("out")), "700")
        XCTAssertEqual(try mode(out), "700")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), people.map { "\($0.id).xlsx" }.sorted())
        XCTAssertTrue(r.stdout.contains("E1101  Daniel Reyes     out/2026-Q3/E1101.xlsx"), r.stdout)
        // The payouts must be distinct for the check to mean anything.
        XCTAssertEqual(Set(people.map(\.payout)).count, people.count)
        for me in people {
            let file = out.appendingPathComponent("\(me.id).xlsx")
            XCTAssertEqual(try mode(file), "600", me.id)
            let all = try parts(file)
            XCTAssertTrue(all.keys.contains("xl/sharedStrings.xml") && all.keys.contains("xl/workbook.xml"), "\(all.keys.sorted())")
            let text = all.values.joined(separator: "\n")
            // The payee's own figures are there (so the check below can see a payout) ...
            XCTAssertTrue(text.contains(me.id) && text.contains(me.name), me.id)
            XCTAssertTrue(forms(me.payout).contains { text.contains($0) }, "\(me.id)'s payout \(me.payout) is in its workbook")
            // ... and no other payee's id, name or payout, in any part: sheets, shared
            // strings, defined names, cached values, properties.
            for other in people where other.id != me.id {
                for (part, content) in all {
                    XCTAssertFalse(content.contains(other.id), "\(me.id).xlsx \(part) holds \(other.id)")
                    XCTAssertFalse(content.contains(other.name), "\(me.id).xlsx \(part) holds \(other.name)")
                    for form in forms(other.payout) where !forms(me.payout).contains(form) {
                        XCTAssertFalse(content.contains(form), "\(me.id).xlsx \(part) holds \(other.id)'s payout \(form)")
                    }
                }
            }
        }
        // The statement's payout cell caches the run's payout, and its words say it.
        let book = try Workbook.read(out.appendingPathComponent("E1101.xlsx"))
        XCTAssertEqual(book.sheets, ["Statement", "Payouts", "Inputs", "Plan", "Curves", "Findings", "Audit"])
        let statement = try XCTUnwrap(book.cells["Statement"])
        let daniel = try XCTUnwrap(people.first { $0.id == "E1101" })
        let payoutLabel = try XCTUnwrap(statement.first { $0.value.v == "Payout (USD)" }?.key)
        let payoutCell = try XCTUnwrap(statement["B" + payoutLabel.dropFirst()])
        XCTAssertNotNil(payoutCell.f)
        XCTAssertEqual(Double(payoutCell.v ?? ""), Double(daniel.payout))
        XCTAssertTrue(statement.values.contains { $0.v?.hasPrefix("Daniel Reyes earned \(forms(daniel.payout).first { $0.contains(",") } ?? "") USD") == true },
                      "\(statement.values.compactMap(\.v))")
        let summaryRun = try XCTUnwrap(book.cells["Audit"]?.first { $0.value.v == "Run" }?.key)
        XCTAssertEqual(book.cells["Audit"]?["B" + summaryRun.dropFirst()]?.v, "run 1, draft")
    }

    func testNoFileIsReplacedAndNothingIsWrittenWhenOneExists() throws {
        let dir = try recordedRun()
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "keep me".write(to: out.appendingPathComponent("E1103.xlsx"), atomically: true, encoding: .utf8)
        let r = try advocomp(["statements", "1", "--db", "h.db", "--dir", "out"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasSuffix("""
            out/E1103.xlsx: error: --dir: out/E1103.xlsx exists; statements never replace a file (remove it, or name another directory)
            1 error

            """), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["E1103.xlsx"], "nothing written, no staging left")
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("E1103.xlsx"), encoding: .utf8), "keep me")
    }

    func testADirectoryThatIsAFileOrAMissingRunIsAnError() throws {
        let dir = try recordedRun()
        try "x".write(to: dir.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        let notDir = try advocomp(["statements", "1", "--db", "h.db", "--dir", "file"], in: dir)
        XCTAssertEqual(notDir.status, 1)
        XCTAssertTrue(notDir.stderr.hasSuffix("file: error: --dir: file exists and is not a directory\n1 error\n"), notDir.stderr)
        let under = try advocomp(["statements", "1", "--db", "h.db", "--dir", "file/sub"], in: dir)
        XCTAssertEqual(under.status, 1)
        XCTAssertTrue(under.stderr.contains("file/sub: error: --dir: cannot create the directory file/sub: Not a directory"), under.stderr)
        let missing = try advocomp(["statements", "9", "--db", "h.db", "--dir", "out"], in: dir)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "h.db: error: there is no run 9 (advocomp runs lists them)\n1 error\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path), "no directory made for nothing")
    }

    /// `show RUN --xlsx`: the workbook's Summary names the run, its state and the user.
    func testShowNamesTheRunAndItsStateInTheWorkbook() throws {
        let dir = try recordedRun()
        XCTAssertEqual(try advocomp(["approve", "1", "--db", "h.db"], in: dir).status, 0)
        let r = try advocomp(["show", "1", "--db", "h.db", "--format", "csv", "--xlsx", "run1.xlsx"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let book = try Workbook.read(dir.appendingPathComponent("run1.xlsx"))
        let summary = try XCTUnwrap(book.cells["Summary"])
        func fact(_ k: String) -> String? { summary.first { $0.value.v == k }.flatMap { summary["B" + $0.key.dropFirst()]?.v } }
        XCTAssertEqual(fact("Run"), "run 1, approved")
        XCTAssertEqual(fact("By"), NSUserName())
        // calculate's own workbook is a preview until it is recorded.
        let preview = try advocomp(["calculate", "--plan", CLI.repoRoot.appendingPathComponent("plans/cro-reference-program.yaml").path,
                                    "--roster", CLI.repoRoot.appendingPathComponent("samples/roster.csv").path,
                                    "--actuals", CLI.repoRoot.appendingPathComponent("samples/actuals-2026.csv").path,
                                    "--period", "2026-Q3", "--no-db", "-q", "--xlsx", "p.xlsx"], in: dir)
        XCTAssertEqual(preview.status, 0, preview.stderr)
        let p = try XCTUnwrap(try Workbook.read(dir.appendingPathComponent("p.xlsx")).cells["Summary"])
        XCTAssertEqual(p.first { $0.value.v == "Run" }.flatMap { p["B" + $0.key.dropFirst()]?.v }, "not recorded (preview)")
    }

    /// calculate's workbook names the run it is recorded as (the next id, a draft), checked
    /// against the record.
    func testCalculateNamesTheRunItRecordsInTheWorkbook() throws {
        let dir = try recordedRun()
        let r = try advocomp(["calculate", "--plan", CLI.repoRoot.appendingPathComponent("plans/cro-reference-program.yaml").path,
                              "--roster", CLI.repoRoot.appendingPathComponent("samples/roster.csv").path,
                              "--actuals", CLI.repoRoot.appendingPathComponent("samples/actuals-2026.csv").path,
                              "--period", "2026-Q3", "--db", "h.db", "-q", "--xlsx", "r2.xlsx"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("run 2"), r.stderr)
        let s = try XCTUnwrap(try Workbook.read(dir.appendingPathComponent("r2.xlsx")).cells["Summary"])
        XCTAssertEqual(s.first { $0.value.v == "Run" }.flatMap { s["B" + $0.key.dropFirst()]?.v }, "run 2, draft")
    }

    /// A run set's statements: one file per payee of each plan, named plan-payee, each
    /// naming its own plan's run.
    func testStatementsOfARunSet() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-statements-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let root = CLI.repoRoot
        let calc = try advocomp(["calculate", "--plan", root.appendingPathComponent("plans/cro-reference-program.yaml").path,
                                 "--plan", root.appendingPathComponent("plans/cfo-cac-payback.yaml").path,
                                 "--roster", root.appendingPathComponent("samples/roster.csv").path,
                                 "--actuals", root.appendingPathComponent("samples/actuals-2026.csv").path,
                                 "--events", root.appendingPathComponent("samples/events-2026.csv").path,
                                 "--period", "2026-Q3", "--db", "h.db", "-q"], in: dir)
        XCTAssertEqual(calc.status, 0, calc.stderr)
        let r = try advocomp(["statements", "S1", "--dir", "out", "--db", "h.db"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path).sorted()
        XCTAssertEqual(files.filter { $0.hasPrefix("cro-reference-program-") }.count, 11, files.description)
        XCTAssertEqual(files.filter { $0.hasPrefix("cfo-cac-payback-") }.count, 8, files.description)
        XCTAssertEqual(files.count, 19)
        XCTAssertTrue(r.stderr.contains("19 statements of run set S1"), r.stderr)
        let cfo = try XCTUnwrap(files.first { $0.hasPrefix("cfo-cac-payback-") })
        let s = try XCTUnwrap(try Workbook.read(dir.appendingPathComponent("out/" + cfo)).cells["Statement"])
        XCTAssertTrue(s.values.contains { ($0.v ?? "").contains("run 2, draft") },
                      "the CFO plan is the set's second run")
    }
}
