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
        XCTAssertTrue(r.stderr.contains("--tls-cert FILE --tls-key FILE"), r.stderr)
    }

    /// With a certificate and key the server speaks HTTPS itself (the session cookies are
    /// then Secure); one without the other, or a file that is not PEM, is refused before
    /// anything is served.
    func testServeOverTLS() throws {
        let d = try dir()
        let gen = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
                                                                     "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost"], in: d)
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let db = d.appendingPathComponent("h.db").path

        let half = try CLI.run(CLI.binary, ["serve", "--db", db, "--tls-cert", "cert.pem"], in: d)
        XCTAssertEqual(half.status, 64)
        XCTAssertTrue(half.stderr.contains("give both --tls-cert FILE and --tls-key FILE"), half.stderr)
        let notPEM = try CLI.run(CLI.binary, ["serve", "--db", db, "--port", "0", "--tls-cert", "key.pem", "--tls-key", "key.pem"], in: d)
        XCTAssertEqual(notPEM.status, 1)
        XCTAssertTrue(notPEM.stderr.hasPrefix("key.pem: error: cannot read the TLS certificate (PEM)"), notPEM.stderr)

        // A public address is accepted over TLS; served here on loopback, port chosen by the system.
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["serve", "--db", db, "--port", "0", "--tls-cert", "cert.pem", "--tls-key", "key.pem"]
        p.currentDirectoryURL = d
        let log = d.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: log)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        // Wait until the server says where it listens.
        var said = ""
        let deadline = Date().addingTimeInterval(30)
        while !said.contains("listening on"), Date() < deadline, p.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        let line = try XCTUnwrap(said.split(separator: "\n").first { $0.contains("advocomp serve: listening on https://127.0.0.1:") }, said)
        let url = String(try XCTUnwrap(line.split(separator: " ").first { $0.hasPrefix("https://") }))
        let page = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-sk", "-i", "--max-time", "10", url + "login"], in: d)
        XCTAssertEqual(page.status, 0, page.stderr)
        XCTAssertTrue(page.stdout.hasPrefix("HTTP/1.1 200"), page.stdout)
        let cookie = try XCTUnwrap(page.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
        XCTAssertTrue(cookie.hasSuffix("; Secure"), String(cookie))
        let plain = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-s", "--max-time", "5", url.replacingOccurrences(of: "https:", with: "http:") + "login"], in: d)
        XCTAssertNotEqual(plain.status, 0, "plain HTTP gets no page from the TLS server")
    }
}
