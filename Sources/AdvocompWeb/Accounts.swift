import AdvocompModel
import AdvocompStore
import Foundation
import HummingbirdBcrypt

/// Passwords and tokens: bcrypt hashes for passwords (never stored otherwise), random
/// tokens for sessions and CSRF, stored as their SHA-256.
public enum Accounts {
    /// bcrypt's cost for new hashes (the tests use a lower one through `cost`).
    public static let defaultCost: UInt8 = 12

    public static func hash(_ password: String, cost: UInt8 = defaultCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// A password must be 10 characters at least.
    public static func check(password: String) -> String? {
        password.count < 10 ? "a password has at least 10 characters" : nil
    }

    /// A username: letters, digits, `.`, `_`, `-`, 1 to 64 characters.
    public static func check(username: String) -> String? {
        let ok = !username.isEmpty && username.count <= 64 && username.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
        return ok ? nil : "a username is 1 to 64 letters, digits, '.', '_' or '-'"
    }

    /// 32 random bytes as hex.
    public static func token() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    public static func sha256(_ token: String) -> String { SHA256.hex(Array(token.utf8)) }

    /// Equal strings, in time independent of where they differ.
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }

    /// UTC now as the history writes times.
    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
