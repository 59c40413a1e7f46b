import AdvocompFiles
import AdvocompKit
import AdvocompModel
import ArgumentParser
import Foundation

/// All file access of the tool: reading inputs within their limits (`InputReader`),
/// writing outputs that never overwrite an input or the history (`OutputFiles`).
enum FileIO {
    /// Reads every file; when any cannot be read (or passes a limit), throws every such
    /// problem (the entry point reports them).
    static func readAll(_ files: [(path: String, kind: InputKind)]) throws -> [InputFile] {
        var read: [InputFile] = []
        var problems: [Diagnostic] = []
        for f in files {
            switch InputReader.read(f.path, kind: f.kind) {
            case .success(let bytes): read.append(InputFile(path: f.path, bytes: bytes))
            case .failure(let d): problems.append(d)
            }
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return read
    }

    /// Loads files a plan refers to (OKR sets), within an OKR set's limits. Loading a plan
    /// says which it read (`LoadedPlan.files`, `CalculationOutcome.planFiles`).
    static let loader: PlanParser.FileLoader = { path in
        switch InputReader.read(path, kind: .okrSet) {
        case .success(let bytes):
            return PlanParser.okrSetText(bytes, path: path)
        case .failure(let d):
            return .failure(PlanParser.FileLoadError(d.message.replacingOccurrences(of: "cannot read the file: ", with: "")))
        }
    }

    /// The outputs a command will write, checked now against its inputs and the history
    /// (every problem is thrown).
    static func outputs(_ outputs: [(option: String, path: String?, allowsStandardOutput: Bool)],
                        inputs: [(option: String, path: String)], history: String?) throws -> OutputFiles {
        try OutputFiles(outputs, inputs: inputs, history: history ?? existingDefaultHistory)
    }

    /// The one `--output` of a command that writes only its report.
    static func output(_ path: String?, inputs: [(option: String, path: String)], history: String? = nil) throws -> OutputFiles {
        try outputs([("--output", path, true)], inputs: inputs, history: history)
    }

    /// advocomp.db in the working directory when it is there: an output never replaces
    /// it, even from a command that does not use it.
    static var existingDefaultHistory: String? {
        FileManager.default.fileExists(atPath: History.defaultPath) ? History.defaultPath : nil
    }

    /// For the tests only: with ADVOCOMP_TEST_HOLD_EXPORT=FILE, a command whose outputs are
    /// all staged creates FILE and waits (up to 60 s) until the test removes it, before
    /// putting them in place: the test can send a signal mid-export, or change the
    /// targets to make the renames fail.
    static var testHoldExport: (() -> Void)? {
        guard let marker = ProcessInfo.processInfo.environment["ADVOCOMP_TEST_HOLD_EXPORT"] else { return nil }
        return {
            _ = FileManager.default.createFile(atPath: marker, contents: nil)
            for _ in 0..<6000 where FileManager.default.fileExists(atPath: marker) { usleep(10_000) }
        }
    }
}

/// What the command line prints besides its reports: diagnostics (by the entry point,
/// and warnings of a command that succeeds) and notes on standard error.
enum Output {
    /// Prints a message, each line with its control characters shown escaped
    /// (`Display.text`): it may quote a file name or an input.
    static func stderr(_ s: String) {
        let shown = s.split(separator: "\n", omittingEmptySubsequences: false).map { Display.text(String($0)) }.joined(separator: "\n")
        FileHandle.standardError.write((shown + "\n").data(using: .utf8) ?? Data())
    }

    /// Prints every diagnostic, then a count line when there are any (`summary`). Messages
    /// quote the inputs, so their control characters are shown escaped (`Display.text`).
    static func report(_ all: [Diagnostic], quiet: Bool = false, summary: Bool = true) {
        let diagnostics = quiet ? all.filter { $0.severity == .error } : all
        guard !diagnostics.isEmpty else { return }
        var text = diagnostics.map { $0.rendered(Display.text) }.joined(separator: "\n") + "\n"
        let e = diagnostics.filter { $0.severity == .error }.count
        let w = diagnostics.filter { $0.severity == .warning }.count
        var parts: [String] = []
        if e > 0 { parts.append("\(e) error\(e == 1 ? "" : "s")") }
        if w > 0 { parts.append("\(w) warning\(w == 1 ? "" : "s")") }
        if summary { text += parts.joined(separator: ", ") + "\n" }
        FileHandle.standardError.write(text.data(using: .utf8) ?? Data())
    }

    /// What a step of the pipeline gave: its value, with its warnings printed (unless
    /// `quiet`); or, when it gave none, every diagnostic thrown for the entry point to
    /// print once.
    static func required<T>(_ value: T?, _ diagnostics: [Diagnostic], quiet: Bool) throws -> T {
        guard let value, !diagnostics.hasErrors else {
            throw DiagnosticsError(quiet ? diagnostics.errors : diagnostics)
        }
        report(diagnostics, quiet: quiet)
        return value
    }

    /// Writes `text` to the `--output` of `outputs` (staged, then put in place), or to
    /// standard output when it was not given or is `-`; other staged outputs are put in
    /// place with it.
    static func emit(_ text: String, to outputs: OutputFiles, option: String = "--output") throws {
        guard outputs.target(option) != nil else {
            try outputs.commit()
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        try outputs.stage(text, for: option)
        try outputs.commit()
    }

    /// An error about a file as a whole (`FILE: error: message`), thrown.
    static func error(_ message: String, file: String) -> DiagnosticsError {
        DiagnosticsError([.error(message, at: .wholeFile(file))])
    }
}
