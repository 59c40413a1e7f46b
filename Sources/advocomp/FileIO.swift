import AdvocompKit
import ArgumentParser
import Foundation

/// All file access of the tool: reading inputs, writing outputs atomically and privately.
enum FileIO {
    /// Reads every file; when any cannot be read, reports each of them, then exits 1.
    static func readAll(_ paths: [String]) throws -> [InputFile] {
        var files: [InputFile] = []
        var failed = false
        for path in paths {
            if let bytes = readBytes(path) {
                files.append(InputFile(path: path, bytes: bytes))
            } else {
                var isDir: ObjCBool = false
                let why = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
                    ? (isDir.boolValue ? "it is a directory" : "permission denied") : "no such file"
                Output.stderr("\(path): error: cannot read the file: \(why)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
        return files
    }

    /// The file's bytes, read straight into the array (a 76 MB events file is not
    /// copied twice), or nil when it cannot be opened or read.
    static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR else { return nil }
        var bytes: [UInt8] = []
        var capacity = max(Int(st.st_size), 0) + 1  // one spare byte to see the end in one read
        while true {
            var failed = false
            let got = [UInt8](unsafeUninitializedCapacity: capacity - bytes.count) { buffer, count in
                count = 0
                while count < buffer.count {
                    let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
                    if n < 0 { if errno == EINTR { continue }; failed = true; break }
                    if n == 0 { break }
                    count += n
                }
            }
            if failed { return nil }
            if bytes.isEmpty { bytes = got } else { bytes += got }
            if bytes.count < capacity { return bytes }  // end of file
            capacity *= 2  // a pipe, or a file that grew while being read
        }
    }

    /// Reads one file, or reports why it cannot be read and returns nil.
    static func readOrReport(_ path: String) -> InputFile? {
        try? readAll([path]).first
    }

    /// Files a plan referred to (OKR sets) and their bytes, for the workbook's Audit sheet.
    nonisolated(unsafe) static var loaded: [InputFile] = []

    /// Loads files a plan refers to (OKR sets). Plans are read on one thread.
    static let loader: PlanParser.FileLoader = { path in
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(PlanParser.FileLoadError(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file (\(path))"))
        }
        let bytes = data.withUnsafeBytes { [UInt8]($0) }
        loaded.append(InputFile(path: path, bytes: bytes))
        return PlanParser.okrSetText(bytes, path: path)
    }

    /// Writes `text` to a temporary file beside `path` (mode 0600), then renames it, so
    /// a reader never sees half a file and a failure leaves nothing behind.
    static func writeAtomically(_ text: String, to path: String) throws {
        let outputs = StagedOutputs()
        do {
            try outputs.stage(text, to: path)
            try outputs.commit()
        } catch {
            outputs.discard()
            throw error
        }
    }
}

/// The files one command writes, staged beside their targets (private, mode 0600) and
/// renamed into place together at the end: a failure in any of them leaves none behind,
/// and no reader ever sees half a file.
final class StagedOutputs {
    private var staged: [(temporary: String, target: String)] = []

    /// A private temporary name beside `path`.
    func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).tmp-\(getpid())"
    }

    /// Records a file already written at `temporary` (by another writer) for `target`.
    func record(temporary: String, target: String) { staged.append((temporary, target)) }

    /// Writes `text` to a temporary file for `path`, flushed to disk.
    func stage(_ text: String, to path: String) throws {
        let tmp = temporaryPath(for: path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw CLIError("\(path): error: cannot write: \(String(cString: strerror(errno)))")
        }
        staged.append((tmp, path))
        var ok = true
        var bytes = Array(text.utf8)
        var written = 0
        bytes.withUnsafeMutableBytes { buf in
            while written < buf.count {
                let n = write(fd, buf.baseAddress! + written, buf.count - written)
                if n <= 0 { ok = false; break }
                written += n
            }
        }
        let err = errno
        if ok && fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok else { throw CLIError("\(path): error: cannot write: \(String(cString: strerror(err)))") }
    }

    /// Renames every staged file into place.
    func commit() throws {
        for (i, s) in staged.enumerated() where rename(s.temporary, s.target) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in staged[i...] { unlink(rest.temporary) }
            staged = []
            throw CLIError("\(s.target): error: cannot write: \(reason)")
        }
        staged = []
    }

    /// Removes every staged file (after an error).
    func discard() {
        for s in staged { unlink(s.temporary) }
        staged = []
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

enum Output {
    /// Prints a message, each line with its control characters shown escaped
    /// (`Display.text`): it may quote a file name or an input.
    static func stderr(_ s: String) {
        let shown = s.split(separator: "\n", omittingEmptySubsequences: false).map { Display.text(String($0)) }.joined(separator: "\n")
        FileHandle.standardError.write((shown + "\n").data(using: .utf8) ?? Data())
    }

    /// Prints every diagnostic, then a count line when there are any. Messages quote the
    /// inputs, so their control characters are shown escaped (`Display.text`).
    static func report(_ all: [Diagnostic], quiet: Bool = false) {
        let diagnostics = quiet ? all.filter { $0.severity == .error } : all
        guard !diagnostics.isEmpty else { return }
        var text = diagnostics.map { $0.rendered(Display.text) }.joined(separator: "\n") + "\n"
        let e = diagnostics.filter { $0.severity == .error }.count
        let w = diagnostics.filter { $0.severity == .warning }.count
        var parts: [String] = []
        if e > 0 { parts.append("\(e) error\(e == 1 ? "" : "s")") }
        if w > 0 { parts.append("\(w) warning\(w == 1 ? "" : "s")") }
        text += parts.joined(separator: ", ") + "\n"
        FileHandle.standardError.write(text.data(using: .utf8) ?? Data())
    }

    static func emit(_ text: String, to path: String?) throws {
        if let path {
            do { try FileIO.writeAtomically(text, to: path) } catch let e as CLIError {
                stderr(e.description)
                throw ExitCode(1)
            }
        } else {
            FileHandle.standardOutput.write(text.data(using: .utf8) ?? Data())
        }
    }
}
