import Crypto

/// SHA-256 (FIPS 180-4) for the audit trail of input files and results, computed by
/// swift-crypto (BoringSSL on Linux, CryptoKit on Apple systems). Only the hex digest is
/// wanted here: what the history stores and the workbook's Audit sheet shows.
public enum SHA256 {
    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(Crypto.SHA256.hash(data: $0)) }
    }

    /// The digest of the UTF-8 of `text` (no copy of a large text).
    public static func hex(utf8 text: String) -> String {
        var text = text
        return text.withUTF8 { hex(Crypto.SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { Array(Crypto.SHA256.hash(data: $0)) }
    }

    private static func hex(_ digest: Crypto.SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
