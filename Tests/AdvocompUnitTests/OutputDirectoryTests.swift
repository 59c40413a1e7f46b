import Foundation
import XCTest
import AdvocompFiles
import AdvocompModel

/// `OutputDirectory`: many files into one directory, all or none, never over a file.
final class OutputDirectoryTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-outdir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func listing(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    func testFileNamesAreSafeAndDistinct() {
        let names = OutputDirectory.fileNames(["E001", "a/b", "..", "CON", "x y", "Ab", "aB", "", "E-2_3.v"], extension: "xlsx")
        XCTAssertEqual(names[0], "E001.xlsx")
        XCTAssertEqual(names[8], "E-2_3.v.xlsx")
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertEqual(Set(names.map { $0.lowercased() }).count, names.count, "distinct where letter case is ignored")
        for (id, name) in zip(["a/b", "..", "CON", "x y", "Ab", "aB", ""], names[1...7]) {
            // Changed, clashing or reserved: the SHA-256 of the id tells them apart.
            XCTAssertTrue(name.hasSuffix("-\(SHA256.hex(utf8: id).prefix(8)).xlsx"), "\(id) -> \(name)")
            XCTAssertFalse(name.hasPrefix("."), name)
            XCTAssertFalse(name.contains("/") || name.contains(" "), name)
        }
        XCTAssertTrue(names[1].hasPrefix("a_b-"))
        XCTAssertEqual(OutputDirectory.fileNames([String(repeating: "x", count: 300)], extension: "xlsx")[0].count, 100 + 9 + 5, "100 characters, the hash, .xlsx")
    }

    func testStagedFilesArePutInPlaceTogetherInADirectoryItMakes() throws {
        let dir = root.appendingPathComponent("a/b")
        let out = try OutputDirectory(dir.path, names: ["one.txt", "two.txt"])
        XCTAssertEqual(try listing(dir).count, 1, "only the staging directory, before the commit")
        for i in 0..<2 { try "file \(i)".write(toFile: out.stagingPath(i), atomically: false, encoding: .utf8) }
        try out.commit()
        XCTAssertEqual(try listing(dir), ["one.txt", "two.txt"])
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("two.txt"), encoding: .utf8), "file 1")
        let mode = try FileManager.default.attributesOfItem(atPath: dir.path)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o700)
    }

    func testAnExistingFileIsRefusedAndWhatWasMadeIsTakenBack() throws {
        let dir = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "old".write(to: dir.appendingPathComponent("two.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try OutputDirectory(dir.path, names: ["one.txt", "two.txt"])) { error in
            XCTAssertEqual((error as? DiagnosticsError)?.diagnostics.map(\.description),
                           ["\(dir.path)/two.txt: error: --dir: \(dir.path)/two.txt exists; statements never replace a file (remove it, or name another directory)"])
        }
        XCTAssertEqual(try listing(dir), ["two.txt"], "no staging directory left")
        // Names that are no plain file names, or twice the same, make nothing.
        let fresh = root.appendingPathComponent("fresh/inner")
        XCTAssertThrowsError(try OutputDirectory(fresh.path, names: ["a", "a"]))
        XCTAssertThrowsError(try OutputDirectory(fresh.path, names: ["../a"]))
        XCTAssertThrowsError(try OutputDirectory(fresh.path, names: [".."]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("fresh").path))
    }

    /// A file that appears under one of the names after the check is not replaced: the
    /// commit fails, the files it had placed are removed, and the stranger's file stays.
    func testAFileThatAppearsMeanwhileFailsTheCommitAndNothingIsLeft() throws {
        let dir = root.appendingPathComponent("out")
        let out = try OutputDirectory(dir.path, names: ["one.txt", "two.txt", "three.txt"])
        for i in 0..<3 { try "new \(i)".write(toFile: out.stagingPath(i), atomically: false, encoding: .utf8) }
        try "stranger".write(to: dir.appendingPathComponent("two.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try out.commit()) { error in
            XCTAssertTrue("\(error)".contains("two.txt"), "\(error)")
        }
        out.discard()
        XCTAssertEqual(try listing(dir), ["two.txt"])
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("two.txt"), encoding: .utf8), "stranger")
    }

    func testDiscardRemovesTheStagedFilesAndTheDirectoriesItMade() throws {
        let dir = root.appendingPathComponent("made/here")
        let out = try OutputDirectory(dir.path, names: ["one.txt"])
        try "x".write(toFile: out.stagingPath(0), atomically: false, encoding: .utf8)
        out.discard()
        XCTAssertEqual(try listing(root), [])
    }
}
