import Foundation
import XCTest
@testable import AdvocompStore
import AdvocompTestSupport

/// `advocomp users` and `advocomp serve`'s refusals, as a user runs them.
final class UsersCLITests: XCTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    func dir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-users-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    /// Runs advocomp with `input` on standard input.
    func run(_ args: [String], input: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        let inPipe = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = inPipe
        p.standardOutput = out
        p.standardError = err
        try p.run()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testUsersAreAddedListedChangedAndRemovedWithOnlyAHashStored() throws {
        let db = try dir().appendingPathComponent("h.db").path
        let add = try run(["users", "add", "daniel", "--role", "executive", "--payee", "E1101", "--password-stdin", "--db", db], input: "a-long-password\n")
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertEqual(add.stderr, "added executive account daniel (payee E1101)\n")
        let short = try run(["users", "add", "fiona", "--role", "finance", "--password-stdin", "--db", db], input: "short\n")
        XCTAssertNotEqual(short.status, 0)
        XCTAssertTrue(short.stderr.contains("at least 10 characters"), short.stderr)
        let noPayee = try run(["users", "add", "eve", "--role", "executive", "--password-stdin", "--db", db], input: "a-long-password\n")
        XCTAssertTrue(noPayee.stderr.contains("bound to one payee"), noPayee.stderr)
        let list = try CLI.run(CLI.binary, ["users", "list", "--db", db])
        XCTAssertTrue(list.stdout.contains("daniel") && list.stdout.contains("E1101") && !list.stdout.contains("$2"), list.stdout)
        let store = try RunStore(path: db)
        let hash = try store.user("daniel")!.passwordHash
        XCTAssertTrue(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2y$12$"), hash)
        XCTAssertFalse(try Data(contentsOf: URL(fileURLWithPath: db)).range(of: Data("a-long-password".utf8)) != nil, "no password in the file")
        let passwd = try run(["users", "passwd", "daniel", "--password-stdin", "--db", db], input: "another-long-one\n")
        XCTAssertEqual(passwd.status, 0, passwd.stderr)
        XCTAssertNotEqual(try store.user("daniel")!.passwordHash, hash)
        XCTAssertEqual(try CLI.run(CLI.binary, ["users", "remove", "daniel", "--db", db]).status, 0)
        XCTAssertEqual(try RunStore(path: db).users(), [])
        XCTAssertEqual(try RunStore(path: db).auditLog().map(\.action), ["user added", "password set", "user removed"])
    }

    func testServeRefusesAPublicAddressWithoutTheLoudFlag() throws {
        let r = try CLI.run(CLI.binary, ["serve", "--host", "0.0.0.0", "--db", try dir().appendingPathComponent("h.db").path])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--insecure-public-bind"), r.stderr)
    }
}
