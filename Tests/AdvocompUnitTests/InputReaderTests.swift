import Foundation
import XCTest
@testable import AdvocompFiles

/// Bounded reads: each limit at its edge, pipes read as they come, special files refused.
final class InputReaderTests: XCTestCase {
    let small = InputLimits(maxBytes: 20, maxLines: 3, maxLineBytes: 8)

    func check(_ text: String, _ limits: InputLimits? = nil) -> String? {
        (limits ?? small).check(Array(text.utf8), kind: .roster, file: "r.csv")?.description
    }

    func testEachLimitAtItsEdge() {
        XCTAssertNil(check("12345678\n12345678\n"), "lines of exactly 8 bytes")
        XCTAssertEqual(check("12345678\n123456789\n"), "r.csv:2:1: error: line 2 is longer than 8 bytes, the limit for a line of a roster")
        XCTAssertNil(check("a\nb\nc\n"), "three lines")
        XCTAssertNil(check("a\nb\nc"), "three lines, the last without a line break")
        XCTAssertEqual(check("a\nb\nc\nd"), "r.csv:4:1: error: more than 3 lines, the limit for a roster")
        XCTAssertEqual(check("a\nb\nc\n\n"), "r.csv:4:1: error: more than 3 lines, the limit for a roster")
        let twenty = InputLimits(maxBytes: 20, maxLines: 100, maxLineBytes: 100)
        XCTAssertNil(check(String(repeating: "x", count: 19) + "\n", twenty), "exactly 20 bytes")
        XCTAssertEqual(check(String(repeating: "x", count: 20) + "\n", twenty), "r.csv:1:1: error: the file is larger than 20 bytes, the limit for a roster")
        XCTAssertEqual(check("1234\n1234\n1234\n1234\n123", twenty), "r.csv:5:1: error: the file is larger than 20 bytes, the limit for a roster")
    }

    func testTheScannerGivesTheSameAnswerInAnyChunking() {
        let text = Array("ab\ncdefgh\nij\nk".utf8)
        for cut in 0...text.count {
            var s = InputLimits.Scanner(limits: small, kind: .events, file: "e.csv")
            let first = text[..<cut].withUnsafeBytes { s.scan($0) }
            let second = first ?? text[cut...].withUnsafeBytes { s.scan($0) }
            XCTAssertEqual(second?.description, "e.csv:4:1: error: more than 3 lines, the limit for an events file", "cut at \(cut)")
        }
    }

    func testTheKindsLimitsAreThoseTheReadmeGives() {
        XCTAssertEqual(InputKind.plan.limits, InputLimits(maxBytes: 4 << 20, maxLines: 100_000, maxLineBytes: 64 << 10))
        XCTAssertEqual(InputKind.roster.limits, InputLimits(maxBytes: 256 << 20, maxLines: 2_000_000, maxLineBytes: 1 << 20))
        XCTAssertEqual(InputKind.actuals.limits, InputLimits(maxBytes: 1 << 30, maxLines: 20_000_000, maxLineBytes: 1 << 20))
        XCTAssertEqual(InputKind.events.limits, InputLimits(maxBytes: 1 << 30, maxLines: 10_000_000, maxLineBytes: 1 << 20))
        XCTAssertEqual(InputLimits.size(1 << 30), "1 GiB")
        XCTAssertEqual(InputLimits.size(64 << 10), "64 KiB")
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testARegularFileWithinItsLimitsIsReadWhole() throws {
        let file = try temporaryDirectory().appendingPathComponent("r.csv")
        let text = "payee_id,name\n" + (1...5000).map { "P\($0),Name \($0)\n" }.joined()
        try Data(text.utf8).write(to: file)
        XCTAssertEqual(try InputReader.read(file.path, kind: .roster).get(), Array(text.utf8))
        let over = InputLimits(maxBytes: text.utf8.count - 1, maxLines: 100_000, maxLineBytes: 100)
        guard case .failure(let d) = InputReader.read(file.path, kind: .roster, limits: over) else { return XCTFail("over the size limit") }
        XCTAssertEqual(d.description, "\(file.path): error: the file is \(text.utf8.count) bytes, larger than \(text.utf8.count - 1) bytes, the limit for a roster")
    }

    func testAPipeIsReadAsItComesAndASilentOneTimesOut() throws {
        let dir = try temporaryDirectory()
        let fifo = dir.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A writer that starts late and writes in pieces.
        let text = (1...2000).map { "line \($0)\n" }.joined()
        let writer = Thread {
            usleep(200_000)
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            let bytes = Array(text.utf8)
            let count = bytes.count
            var at = 0
            while at < count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + at, min(777, count - at)) }
                if n <= 0 { break }
                at += n
                usleep(100)
            }
            close(fd)
        }
        writer.start()
        XCTAssertEqual(try InputReader.read(fifo, kind: .actuals, pipeTimeout: 10).get(), Array(text.utf8))

        let started = Date()
        guard case .failure(let d) = InputReader.read(fifo, kind: .actuals, pipeTimeout: 0.3) else { return XCTFail("no writer: an error") }
        XCTAssertEqual(d.description, "\(fifo): error: nothing arrived from the pipe for 300 ms (after 0 bytes); is the program writing it still running?")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testWhatIsNotAFileIsRefused() throws {
        let dir = try temporaryDirectory()
        for (path, why) in [("/dev/zero", "it is a character device (such as /dev/zero or a terminal), not a file"),
                            (dir.path, "it is a directory"), (dir.appendingPathComponent("none").path, "no such file")] {
            guard case .failure(let d) = InputReader.read(path, kind: .plan) else { XCTFail(path); continue }
            XCTAssertEqual(d.description, "\(path): error: cannot read the file: \(why)")
        }
    }
}
