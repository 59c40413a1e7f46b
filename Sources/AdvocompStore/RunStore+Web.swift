import AdvocompModel
import GRDB

/// Who may use the web app (`advocomp users`), and what they may see.
public enum WebRole: String, Sendable, CaseIterable {
    /// Runs, approvals, closes, downloads, the inquiries.
    case finance
    /// Plan versions, drafts, comparisons and simulations.
    case hr
    /// One payee's own statement, what-if and curve (the account is bound to that payee).
    case executive
}

/// A web account. The password is kept only as a bcrypt hash (made by the caller).
public struct WebUser: Sendable, Equatable {
    public var username: String
    public var role: WebRole
    /// The payee an executive account is bound to; nil for finance and HR.
    public var payeeID: String?
    public var passwordHash: String
    public var createdAt: String
    public var createdBy: String
    public init(username: String, role: WebRole, payeeID: String?, passwordHash: String, createdAt: String, createdBy: String) {
        self.username = username; self.role = role; self.payeeID = payeeID; self.passwordHash = passwordHash
        self.createdAt = createdAt; self.createdBy = createdBy
    }
}

/// A signed-in session: the user and the CSRF token every state-changing request carries.
public struct WebSession: Sendable, Equatable {
    public var user: WebUser
    public var csrfToken: String
    public var expiresEpoch: Int64
}

/// One entry of the audit log (logins, approvals, closes, uploads, saved plans).
public struct AuditEntry: Sendable, Equatable {
    public var seq: Int64
    public var at: String
    public var username: String
    public var action: String
    public var detail: String
    public var address: String
}

/// An executive's question on one line of a run's statement, and what followed.
public struct Inquiry: Sendable, Equatable {
    public struct Message: Sendable, Equatable {
        public enum Kind: String, Sendable { case question, answer, resolve }
        public var kind: Kind
        public var at: String
        public var by: String
        public var text: String
    }
    public enum State: String, Sendable { case open, answered, resolved }
    public var id: Int64
    public var runID: Int64
    public var payeeID: String
    public var line: String
    public var raisedAt: String
    public var raisedBy: String
    public var messages: [Message]
    /// Resolved once resolved; answered when the last message is an answer; else open.
    public var state: State {
        if messages.contains(where: { $0.kind == .resolve }) { return .resolved }
        return messages.last?.kind == .answer ? .answered : .open
    }
}

extension RunStore {
    // MARK: Accounts

    /// Adds an account; a username already taken, or an executive without a payee (or
    /// another role with one), is refused.
    public func addUser(_ user: WebUser) throws {
        guard (user.role == .executive) == (user.payeeID != nil) else {
            throw StoreError(user.role == .executive ? "an executive account is bound to one payee: give --payee ID"
                                                     : "only an executive account is bound to a payee")
        }
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE username = ?", arguments: [user.username]) == true {
                throw StoreError("user '\(user.username)' already exists (advocomp users passwd changes the password)")
            }
            try db.execute(sql: """
                INSERT INTO users (username, role, payee_id, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [user.username, user.role.rawValue, user.payeeID, user.passwordHash, user.createdAt, user.createdBy])
        }
    }

    /// Every account, by username.
    public func users() throws -> [WebUser] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY username").map(RunStore.user) }
    }

    public func user(_ username: String) throws -> WebUser? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [username]).map(RunStore.user) }
    }

    static func user(_ row: Row) throws -> WebUser {
        let name: String = row["username"]
        guard let role = WebRole(rawValue: row["role"]) else { throw damaged("user '\(name)' has an unknown role") }
        return WebUser(username: name, role: role, payeeID: row["payee_id"], passwordHash: row["password_hash"],
                       createdAt: row["created_at"], createdBy: row["created_by"])
    }

    /// Removes an account and its sessions (its audit entries and inquiries stay).
    public func removeUser(_ username: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE username = ?", arguments: [username])
            try db.execute(sql: "DELETE FROM users WHERE username = ?", arguments: [username])
            if db.changesCount == 0 { throw StoreError("there is no user '\(username)'") }
        }
    }

    /// Replaces an account's password hash and ends its sessions.
    public func setPasswordHash(_ username: String, _ hash: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE username = ?", arguments: [hash, username])
            if db.changesCount == 0 { throw StoreError("there is no user '\(username)'") }
            try db.execute(sql: "DELETE FROM sessions WHERE username = ?", arguments: [username])
        }
    }

    // MARK: Sessions

    /// Stores a session under the SHA-256 of its token (the token itself is never stored).
    public func createSession(tokenSHA256: String, username: String, csrfToken: String, createdAt: String, expiresEpoch: Int64) throws {
        try write { db in
            try db.execute(sql: "INSERT INTO sessions (token_sha256, username, csrf_token, created_at, expires_epoch) VALUES (?, ?, ?, ?, ?)",
                           arguments: [tokenSHA256, username, csrfToken, createdAt, expiresEpoch])
        }
    }

    /// The session of a token's SHA-256, nil when unknown or expired at `nowEpoch`.
    public func session(tokenSHA256: String, nowEpoch: Int64) throws -> WebSession? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.*, s.csrf_token, s.expires_epoch FROM sessions s JOIN users u ON u.username = s.username
                WHERE s.token_sha256 = ? AND s.expires_epoch > ?
                """, arguments: [tokenSHA256, nowEpoch]) else { return nil }
            return WebSession(user: try RunStore.user(row), csrfToken: row["csrf_token"], expiresEpoch: row["expires_epoch"])
        }
    }

    public func deleteSession(tokenSHA256: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_sha256 = ?", arguments: [tokenSHA256]) }
    }

    // MARK: Login attempts

    public func recordLoginAttempt(username: String, address: String, atEpoch: Int64, succeeded: Bool) throws {
        try write { db in
            try db.execute(sql: "INSERT INTO login_attempts (username, address, at_epoch, succeeded) VALUES (?, ?, ?, ?)",
                           arguments: [username, address, atEpoch, succeeded ? 1 : 0])
            // Attempts older than a day count for nothing: they are dropped.
            try db.execute(sql: "DELETE FROM login_attempts WHERE at_epoch < ?", arguments: [atEpoch - 86_400])
        }
    }

    /// Failed attempts since `sinceEpoch` for the account and from the address.
    public func failedLogins(username: String, address: String, sinceEpoch: Int64) throws -> (account: Int, address: Int) {
        try read { db in
            let a = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_attempts WHERE username = ? AND succeeded = 0 AND at_epoch >= ?",
                                     arguments: [username, sinceEpoch]) ?? 0
            let b = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM login_attempts WHERE address = ? AND succeeded = 0 AND at_epoch >= ?",
                                     arguments: [address, sinceEpoch]) ?? 0
            return (a, b)
        }
    }

    // MARK: Audit log

    public func audit(at: String, username: String, action: String, detail: String = "", address: String = "") throws {
        try write { db in
            try db.execute(sql: "INSERT INTO audit_log (done_at, username, action, detail, address) VALUES (?, ?, ?, ?, ?)",
                           arguments: [at, username, action, detail, address])
        }
    }

    /// The audit log, oldest first (the last `limit` entries when given).
    public func auditLog(limit: Int? = nil) throws -> [AuditEntry] {
        try read { db in
            let sql = limit.map { "SELECT * FROM (SELECT * FROM audit_log ORDER BY seq DESC LIMIT \($0)) ORDER BY seq" } ?? "SELECT * FROM audit_log ORDER BY seq"
            return try Row.fetchAll(db, sql: sql).map {
                AuditEntry(seq: $0["seq"], at: $0["done_at"], username: $0["username"], action: $0["action"], detail: $0["detail"], address: $0["address"])
            }
        }
    }

    // MARK: Inquiries

    /// Raises an inquiry on a line of a run's statement, with its question; returns its id.
    public func raiseInquiry(runID: Int64, payeeID: String, line: String, question: String, at: String, by: String) throws -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO inquiries (run_id, payee_id, line, raised_at, raised_by) VALUES (?, ?, ?, ?, ?)",
                           arguments: [runID, payeeID, line, at, by])
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO inquiry_messages (inquiry_id, kind, done_at, done_by, text) VALUES (?, 'question', ?, ?, ?)",
                           arguments: [id, at, by, question])
            return id
        }
    }

    /// Adds an answer, a follow-up question or the resolution to an inquiry. A resolved
    /// inquiry takes nothing more.
    public func addInquiryMessage(_ id: Int64, kind: Inquiry.Message.Kind, text: String, at: String, by: String) throws {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM inquiries WHERE id = ?", arguments: [id]) == true else {
                throw StoreError("there is no inquiry \(id)")
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM inquiry_messages WHERE inquiry_id = ? AND kind = 'resolve'", arguments: [id]) == true {
                throw StoreError("inquiry \(id) is resolved")
            }
            try db.execute(sql: "INSERT INTO inquiry_messages (inquiry_id, kind, done_at, done_by, text) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, kind.rawValue, at, by, text])
        }
    }

    /// Inquiries, newest first: one payee's, or every one.
    public func inquiries(payeeID: String? = nil) throws -> [Inquiry] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM inquiries" + (payeeID == nil ? "" : " WHERE payee_id = ?") + " ORDER BY id DESC",
                                        arguments: payeeID.map { [$0] } ?? [])
            return try rows.map { r in
                let id: Int64 = r["id"]
                let messages = try Row.fetchAll(db, sql: "SELECT * FROM inquiry_messages WHERE inquiry_id = ? ORDER BY seq", arguments: [id]).map {
                    Inquiry.Message(kind: Inquiry.Message.Kind(rawValue: $0["kind"]) ?? .question, at: $0["done_at"], by: $0["done_by"], text: $0["text"])
                }
                return Inquiry(id: id, runID: r["run_id"], payeeID: r["payee_id"], line: r["line"], raisedAt: r["raised_at"],
                               raisedBy: r["raised_by"], messages: messages)
            }
        }
    }

    public func inquiry(_ id: Int64) throws -> Inquiry? {
        try inquiries().first { $0.id == id }
    }

    // MARK: Runs of a payee

    /// The runs that hold a payee, newest first.
    public func runs(withPayee payeeID: String) throws -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT run_id FROM run_payees WHERE payee_id = ? ORDER BY run_id DESC", arguments: [payeeID]) }
    }
}
