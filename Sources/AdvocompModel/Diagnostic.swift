/// A place in an input file. Line and column are 1-based; column 0 means "whole line";
/// line 0 means the file as a whole (it cannot be opened, it is too large).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The file as a whole: rendered `FILE: error: ...`.
    public static func wholeFile(_ file: String) -> SourceLocation { SourceLocation(file: file, line: 0, column: 0) }

    public var description: String { line <= 0 ? file : "\(file):\(line):\(max(column, 1))" }
}

/// One finding about the inputs, shared by the parser, the checks and the engine.
/// Only the CLI renders it (`FILE:LINE:COLUMN: error: message`).
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.note, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// A secondary message, such as the other line of a duplicate.
    public struct Note: Hashable, Sendable {
        public let message: String
        public let location: SourceLocation?
        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public let severity: Severity
    public let message: String
    public let location: SourceLocation?
    public let notes: [Note]

    public init(_ severity: Severity, _ message: String, at location: SourceLocation?, notes: [Note] = []) {
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
    }

    public static func error(_ message: String, at location: SourceLocation?, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location, notes: notes)
    }

    public static func warning(_ message: String, at location: SourceLocation?, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: location, notes: notes)
    }

    /// `FILE:LINE:COLUMN: error: message`, then each note on its own line.
    public var description: String { rendered { $0 } }

    /// The same lines with `show` applied to each text that may come from the inputs
    /// (file names, messages), not to the lines' structure: the CLI passes the function
    /// that escapes control characters for the terminal.
    public func rendered(_ show: (String) -> String) -> String {
        var s = (location.map { "\(show($0.description)): " } ?? "advocomp: ") + "\(severity.rawValue): \(show(message))"
        for n in notes {
            s += "\n" + (n.location.map { "\(show($0.description)): " } ?? "") + "note: \(show(n.message))"
        }
        return s
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
}

/// Thrown when inputs have errors; carries every diagnostic found.
public struct DiagnosticsError: Error, Sendable {
    public let diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}

/// A single diagnostic can be thrown (a file that cannot be read, a limit passed).
extension Diagnostic: Error {}
