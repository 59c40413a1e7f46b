import Foundation
import GRDB
import XCTest
@testable import AdvocompStore
import AdvocompTestSupport

/// Migration 5: the web app's accounts, sessions, login attempts, audit log and inquiries.
final class WebStoreTests: XCTestCase {
    func store() throws -> RunStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-webstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return try RunStore(path: dir.appendingPathComponent("h.db").path)
    }

    func user(_ name: String, _ role: WebRole, _ payee: String? = nil) -> WebUser {
        WebUser(username: name, role: role, payeeID: payee, passwordHash: "$2b$04$hash", createdAt: "2026-11-30T10:00:00Z", createdBy: "t")
    }

    func testAccountsBindExecutivesToOnePayeeAndSessionsEndWithThem() throws {
        let s = try store()
        try s.addUser(user("fiona", .finance))
        try s.addUser(user("daniel", .executive, "E1101"))
        XCTAssertThrowsError(try s.addUser(user("eve", .executive))) { XCTAssertTrue("\($0)".contains("bound to one payee")) }
        XCTAssertThrowsError(try s.addUser(user("hr2", .hr, "E1"))) { XCTAssertTrue("\($0)".contains("only an executive")) }
        XCTAssertThrowsError(try s.addUser(user("fiona", .hr))) { XCTAssertTrue("\($0)".contains("already exists")) }
        XCTAssertEqual(try s.users().map(\.username), ["daniel", "fiona"])
        try s.createSession(tokenSHA256: "t1", username: "daniel", csrfToken: "c1", createdAt: "x", expiresEpoch: 1000)
        XCTAssertEqual(try s.session(tokenSHA256: "t1", nowEpoch: 999)?.user.payeeID, "E1101")
        XCTAssertNil(try s.session(tokenSHA256: "t1", nowEpoch: 1000), "expired")
        try s.setPasswordHash("daniel", "$2b$04$other")
        XCTAssertNil(try s.session(tokenSHA256: "t1", nowEpoch: 1), "a new password ends the sessions")
        try s.createSession(tokenSHA256: "t2", username: "daniel", csrfToken: "c2", createdAt: "x", expiresEpoch: 1000)
        try s.removeUser("daniel")
        XCTAssertNil(try s.session(tokenSHA256: "t2", nowEpoch: 1))
        XCTAssertThrowsError(try s.removeUser("daniel"))
    }

    func testFailedLoginsAreCountedPerAccountAndAddressInTheWindow() throws {
        let s = try store()
        for t in [100, 200, 300] as [Int64] { try s.recordLoginAttempt(username: "a", address: "1.2.3.4", atEpoch: t, succeeded: false) }
        try s.recordLoginAttempt(username: "b", address: "1.2.3.4", atEpoch: 300, succeeded: false)
        try s.recordLoginAttempt(username: "a", address: "5.6.7.8", atEpoch: 300, succeeded: true)
        let f = try s.failedLogins(username: "a", address: "1.2.3.4", sinceEpoch: 150)
        XCTAssertEqual(f.account, 2)
        XCTAssertEqual(f.address, 3)
    }

    func testTheAuditLogAndInquiriesAreOnlyEverAddedTo() throws {
        let s = try store()
        try s.audit(at: "2026-11-30T10:00:00Z", username: "fiona", action: "approve", detail: "run 1", address: "127.0.0.1")
        XCTAssertEqual(try s.auditLog().map(\.action), ["approve"])
        for sql in ["UPDATE audit_log SET username = 'mallory'", "DELETE FROM audit_log"] {
            XCTAssertThrowsError(try s.pool.write { try $0.execute(sql: sql) }) { XCTAssertTrue("\($0)".contains("only ever added to"), "\($0)") }
        }
        try s.pool.write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, period, plan_id, plan_version, plan_sha256, kind, result_json, result_sha256, created_at, created_by, command_line, advocomp_version)
                VALUES (1, '2026-Q3', 'p', '1', 'x', 'regular', '{}', 'y', 't', 'u', 'c', 'v')
                """)
        }
        let id = try s.raiseInquiry(runID: 1, payeeID: "E1101", line: "payout", question: "why?", at: "t1", by: "daniel")
        try s.addInquiryMessage(id, kind: .answer, text: "because", at: "t2", by: "fiona")
        XCTAssertEqual(try s.inquiry(id)?.state, .answered)
        try s.addInquiryMessage(id, kind: .resolve, text: "", at: "t3", by: "fiona")
        XCTAssertEqual(try s.inquiry(id)?.state, .resolved)
        XCTAssertThrowsError(try s.addInquiryMessage(id, kind: .answer, text: "more", at: "t4", by: "fiona"))
        for sql in ["UPDATE inquiry_messages SET text = 'edited'", "DELETE FROM inquiries"] {
            XCTAssertThrowsError(try s.pool.write { try $0.execute(sql: sql) }) { XCTAssertTrue("\($0)".contains("only ever added to"), "\($0)") }
        }
        XCTAssertEqual(try s.inquiries(payeeID: "E1102"), [])
    }
}
