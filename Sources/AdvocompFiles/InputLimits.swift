import AdvocompModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an input file is, for its limits and its messages.
public enum InputKind: String, Sendable, CaseIterable {
    case plan, okrSet = "OKR set", scenario, roster, actuals, events

    /// The limits of this kind of file.
    public var limits: InputLimits {
        switch self {
        case .plan, .okrSet, .scenario:
            return InputLimits(maxBytes: 4 << 20, maxLines: 100_000, maxLineBytes: 64 << 10)
        case .roster:
            return InputLimits(maxBytes: 256 << 20, maxLines: 2_000_000, maxLineBytes: 1 << 20)
        case .actuals:
            return InputLimits(maxBytes: 1 << 30, maxLines: 20_000_000, maxLineBytes: 1 << 20)
        case .events:
            return InputLimits(maxBytes: 1 << 30, maxLines: 10_000_000, maxLineBytes: 1 << 20)
        }
    }

    /// "a plan", "an OKR set", "an events file".
    public var described: String {
        switch self {
        case .plan: return "a plan"
        case .okrSet: return "an OKR set"
        case .scenario: return "a scenario"
        case .roster: return "a roster"
        case .actuals: return "an actuals file"
        case .events: return "an events file"
        }
    }
}

/// How much of one input advocomp reads: a file over a limit is a located error, read no
/// further than the limit, so no input can make the tool allocate without bound. The
/// limits are far above any real company (a million events take 76 MB and 10 million
/// lines are allowed), and below what would exhaust a machine's memory.
public struct InputLimits: Sendable, Equatable {
    /// Bytes in the whole file.
    public var maxBytes: Int
    /// Lines in the file (a CSV file's header is one of them).
    public var maxLines: Int
    /// Bytes in one line, its line break not counted.
    public var maxLineBytes: Int

    public init(maxBytes: Int, maxLines: Int, maxLineBytes: Int) {
        self.maxBytes = maxBytes; self.maxLines = maxLines; self.maxLineBytes = maxLineBytes
    }

    /// Bytes in words: 4 MiB, 1 GiB, 65,536 bytes.
    public static func size(_ n: Int) -> String {
        if n >= 1 << 30, n % (1 << 30) == 0 { return "\(n >> 30) GiB" }
        if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }

    /// Counts lines as bytes arrive, and says where the first limit is passed.
    public struct Scanner: Sendable {
        public let limits: InputLimits
        public let kind: InputKind
        public let file: String
        /// Bytes seen, complete lines seen, bytes of the line being read.
        public private(set) var bytes = 0
        public private(set) var lines = 0
        private var lineBytes = 0

        public init(limits: InputLimits, kind: InputKind, file: String) {
            self.limits = limits; self.kind = kind; self.file = file
        }

        /// Takes the next bytes of the file; returns the limit passed in them, if any.
        public mutating func scan(_ chunk: UnsafeRawBufferPointer) -> Diagnostic? {
            guard let base = chunk.baseAddress else { return nil }
            var i = 0
            let n = chunk.count
            while i < n {
                // A byte after the last line allowed starts one line too many.
                if lines >= limits.maxLines { return tooManyLines }
                let rest = base + i
                let found = memchr(rest, 10, n - i)
                let take = found.map { $0 - UnsafeMutableRawPointer(mutating: rest) } ?? (n - i)
                if lineBytes + take > limits.maxLineBytes {
                    return .error("line \(lines + 1) is longer than \(InputLimits.size(limits.maxLineBytes)), the limit for a line of \(kind.described)",
                                  at: SourceLocation(file: file, line: lines + 1, column: 1))
                }
                if bytes + take + (found == nil ? 0 : 1) > limits.maxBytes {
                    return .error("the file is larger than \(InputLimits.size(limits.maxBytes)), the limit for \(kind.described)",
                                  at: SourceLocation(file: file, line: lines + 1, column: 1))
                }
                bytes += take
                lineBytes += take
                i += take
                if found != nil {
                    bytes += 1
                    lines += 1
                    lineBytes = 0
                    i += 1
                }
            }
            return nil
        }

        private var tooManyLines: Diagnostic {
            .error("more than \(limits.maxLines) lines, the limit for \(kind.described)",
                   at: SourceLocation(file: file, line: limits.maxLines + 1, column: 1))
        }

        /// At the end of the file (nothing more to check: a last line without a line
        /// break was counted against the limits as it came).
        public func finish() -> Diagnostic? { nil }
    }

    /// The first limit `bytes` passes (an upload checked like a file).
    public func check(_ bytes: [UInt8], kind: InputKind, file: String) -> Diagnostic? {
        var s = Scanner(limits: self, kind: kind, file: file)
        return bytes.withUnsafeBytes { s.scan($0) } ?? s.finish()
    }
}
