import AdvocompModel
import CFileSafety
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files one command writes (`--output`, `--xlsx`, `--payroll`, ...), written so that
/// nothing is lost:
///
/// - **Checked before anything is computed.** An output may not be an input, the run
///   history (or its journal files), or any SQLite database, compared as the same file
///   (device and inode, through symbolic links) and, for a file not there yet, by its
///   real path. An output that exists and is not a regular file (a device such as
///   /dev/null, a FIFO, a directory, a symbolic link) is refused: `-` writes to standard
///   output instead. Two outputs may not name the same file.
/// - **All or none.** Each output is written to a private temporary file beside its target
///   (mode 0600, flushed to disk); only when every one is written, and the history record
///   (if any) is written too, are they renamed into place, the directory flushed, and the
///   record committed. When a rename or the commit fails, the files already renamed are
///   put back as they were (the old file is kept as a hard link until the end).
/// - **Nothing left behind.** Temporary files are removed on any failure and on SIGINT,
///   SIGTERM or SIGHUP (`advocomp_cleanup_install`); SIGXFSZ makes the write fail cleanly.
public final class OutputFiles {
    public struct Target: Sendable {
        /// The option that named it, such as `--xlsx`.
        public let option: String
        /// The path as given; `-` is standard output.
        public let path: String
        public var isStandardOutput: Bool { path == "-" }
    }

    public private(set) var targets: [Target] = []
    private var staged: [String: Staged] = [:]  // by option
    private var standardOutput: (option: String, text: String)?

    private struct Staged {
        let target: String
        let temporary: String
        let slot: Int32
    }

    /// - Parameters:
    ///   - outputs: each output option and its path (nil: not given); `textOnly` options
    ///     may be `-`.
    ///   - inputs: each input option and its path, read or about to be read.
    ///   - history: the run history the command writes or reads, if any.
    /// - Throws: `DiagnosticsError` with every problem, each naming the option at fault.
    public init(_ outputs: [(option: String, path: String?, allowsStandardOutput: Bool)],
                inputs: [(option: String, path: String)], history: String?) throws {
        advocomp_cleanup_install()
        var problems: [Diagnostic] = []
        func refuse(_ path: String, _ message: String) { problems.append(.error(message, at: .wholeFile(path))) }

        var seen: [(Target, FileIdentity?)] = []
        for o in outputs {
            guard let path = o.path else { continue }
            let target = Target(option: o.option, path: path)
            if path == "-" {
                if !o.allowsStandardOutput {
                    refuse(path, "\(o.option) cannot write to standard output: give a file name")
                } else if let other = seen.first(where: { $0.0.isStandardOutput }) {
                    refuse(path, "\(o.option) and \(other.0.option) both name standard output (-): give one of them a file name")
                }
                seen.append((target, nil))
                targets.append(target)
                continue
            }
            if path.isEmpty { refuse(path, "\(o.option) is empty: give a file name"); continue }
            let id = FileIdentity(path, following: false)
            switch id?.kind {
            case nil:
                // Not there yet: its folder must be.
                let dir = FileIdentity.directory(of: path)
                if FileIdentity(dir, following: true)?.kind != .directory {
                    refuse(path, "\(o.option): cannot write \(path): no such directory (\(dir))")
                    continue
                }
            case .symbolicLink?:
                refuse(path, "\(o.option): \(path) is a symbolic link; an output must be a regular file (name the file it points to, or another name)")
                continue
            case .regular?:
                break
            case let kind?:
                refuse(path, "\(o.option): \(path) is \(kind.described); an output must be a regular file (use - for standard output)")
                continue
            }
            let real = FileIdentity.realPath(path)
            if let other = seen.first(where: { s in
                !s.0.isStandardOutput && ((id != nil && s.1 == id) || FileIdentity.realPath(s.0.path) == real)
            }) {
                refuse(path, "\(o.option) and \(other.0.option) name the same file (\(path)); give each output its own file")
                continue
            }
            seen.append((target, id))
            targets.append(target)
        }
        for (target, id) in seen where !target.isStandardOutput {
            if let why = OutputFiles.clash(target.path, id: id, inputs: inputs, history: history) {
                refuse(target.path, "\(target.option): \(target.path) is \(why); an output never overwrites it")
            } else if id != nil && FileIdentity.isSQLiteDatabase(target.path) {
                refuse(target.path, "\(target.option): \(target.path) is an SQLite database (a run history?); an output never replaces one")
            }
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
    }

    /// What `path` would destroy: an input, the history or one of its journal files.
    static func clash(_ path: String, id: FileIdentity?, inputs: [(option: String, path: String)], history: String?) -> String? {
        let real = FileIdentity.realPath(path)
        for i in inputs where i.path != "-" {
            let what = "the input of \(i.option)" + (i.path == path ? "" : " (\(i.path))")
            if let id, let other = FileIdentity(i.path, following: true), other == id { return what }
            if FileIdentity.realPath(i.path) == real { return what }
        }
        if let history {
            for (suffix, what) in [("", "the run history"), ("-wal", "the run history's write-ahead log"),
                                   ("-shm", "the run history's shared-memory file"), ("-journal", "the run history's journal")] {
                let h = history + suffix
                let named = what + (h == path ? "" : " (\(h))")
                if let id, let other = FileIdentity(h, following: true), other == id { return named }
                if FileIdentity.realPath(h) == real { return named }
            }
        }
        return nil
    }

    /// Checks the outputs again against inputs found while working (the OKR sets a plan
    /// names are known only once it is read).
    public func checkAgainst(inputs: [(option: String, path: String)]) throws {
        var problems: [Diagnostic] = []
        for t in targets where !t.isStandardOutput {
            if let why = OutputFiles.clash(t.path, id: FileIdentity(t.path, following: false), inputs: inputs, history: nil) {
                problems.append(.error("\(t.option): \(t.path) is \(why); an output never overwrites it", at: .wholeFile(t.path)))
            }
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
    }

    /// The target named by `option`, if it was given.
    public func target(_ option: String) -> Target? { targets.first { $0.option == option } }

    // MARK: Staging

    /// A fresh private temporary file beside `option`'s target, registered for removal on
    /// a signal; the caller writes it (a workbook writer), then the file is renamed into
    /// place by `commit`. Returns its path.
    public func stagingPath(_ option: String) throws -> String {
        guard let t = target(option), !t.isStandardOutput else {
            throw DiagnosticsError([.error("\(option) was not given a file", at: nil)])
        }
        if let s = staged[option] { return s.temporary }
        let dir = FileIdentity.directory(of: t.path)
        let name = FileIdentity.baseName(of: t.path)
        for attempt in 0..<100 {
            let temporary = dir + "/." + name + ".tmp-\(getpid())-\(attempt)"
            let slot = advocomp_cleanup_add(temporary)
            guard slot >= 0 else { throw write(t, "too many files being written at once") }
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd < 0 {
                let e = errno
                advocomp_cleanup_remove(slot)
                if e == EEXIST { continue }
                throw write(t, String(cString: strerror(e)))
            }
            close(fd)
            staged[option] = Staged(target: t.path, temporary: temporary, slot: slot)
            return temporary
        }
        throw write(t, "no free temporary name beside it")
    }

    /// Writes `text` for `option`: to a temporary file flushed to disk, or, for `-`, kept
    /// for standard output after the commit.
    public func stage(_ text: String, for option: String) throws {
        guard let t = target(option) else { return }
        if t.isStandardOutput { standardOutput = (option, text); return }
        let temporary = try stagingPath(option)
        let fd = open(temporary, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw write(t, String(cString: strerror(errno))) }
        var failure: Int32 = 0
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buf in
            var written = 0
            while written < buf.count {
                let n = systemWrite(fd, buf.baseAddress! + written, buf.count - written)
                if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                if n == 0 { failure = EIO; break }
                written += n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure != 0 { throw write(t, String(cString: strerror(failure))) }
    }

    /// Flushes a file a writer produced at `stagingPath(option)` to disk.
    public func flushStaged(_ option: String) throws {
        guard let s = staged[option], let t = target(option) else { return }
        let fd = open(s.temporary, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw write(t, String(cString: strerror(errno))) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw write(t, String(cString: strerror(errno))) }
    }

    private func write(_ t: Target, _ why: String) -> DiagnosticsError {
        DiagnosticsError([.error("\(t.option): cannot write \(t.path): \(why)", at: .wholeFile(t.path))])
    }

    // MARK: Commit

    /// Puts every staged file in place together, inside `record` when given: `record`
    /// receives the step that renames them and must call it once, before it commits the
    /// history (so the run is recorded only if the files are in place, and when the
    /// record fails they are put back). Then prints the standard-output text, if any.
    public func commit(record: ((() throws -> Void) throws -> Void)? = nil) throws {
        advocomp_signals_block()
        var placed: [(target: String, backup: String?)] = []
        var done = false
        defer {
            if !done { restore(placed) }
            for s in staged.values { unlink(s.temporary); advocomp_cleanup_remove(s.slot) }
            staged = [:]
            advocomp_signals_unblock()
        }
        func putInPlace() throws {
            for option in targets.map(\.option) {
                guard let s = staged[option], let t = target(option) else { continue }
                // Keep the old file until the end, to put it back if a later step fails.
                var backup: String?
                if FileIdentity(s.target, following: false) != nil {
                    let b = s.temporary + ".old"
                    if link(s.target, b) == 0 { backup = b }
                }
                if rename(s.temporary, s.target) != 0 {
                    let why = String(cString: strerror(errno))
                    if let backup { unlink(backup) }
                    throw write(t, why)
                }
                placed.append((s.target, backup))
            }
            for dir in Set(placed.map { FileIdentity.directory(of: $0.target) }) {
                let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if fd >= 0 { _ = fsync(fd); close(fd) }
            }
        }
        if let record {
            try record(putInPlace)
        } else {
            try putInPlace()
        }
        done = true
        for p in placed { if let b = p.backup { unlink(b) } }
        if let out = standardOutput {
            var bytes = Array(out.text.utf8)
            bytes.withUnsafeMutableBytes { buf in
                var written = 0
                while written < buf.count {
                    let n = systemWrite(1, buf.baseAddress! + written, buf.count - written)
                    if n < 0 { if errno == EINTR { continue }; break }
                    if n == 0 { break }
                    written += n
                }
            }
        }
    }

    /// Undoes the renames done so far: the old file back, or no file where there was none.
    private func restore(_ placed: [(target: String, backup: String?)]) {
        for p in placed.reversed() {
            if let b = p.backup { rename(b, p.target) } else { unlink(p.target) }
        }
    }

    /// Removes every staged file (after an error elsewhere).
    public func discard() {
        for s in staged.values { unlink(s.temporary); advocomp_cleanup_remove(s.slot) }
        staged = [:]
        standardOutput = nil
    }

    deinit { discard() }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}

/// A file as the system knows it: device and inode, and its kind.
struct FileIdentity: Equatable {
    enum Kind: Equatable {
        case regular, directory, symbolicLink, characterDevice, blockDevice, fifo, socket, other
        var described: String {
            switch self {
            case .regular: return "a regular file"
            case .directory: return "a directory"
            case .symbolicLink: return "a symbolic link"
            case .characterDevice: return "a character device"
            case .blockDevice: return "a block device"
            case .fifo: return "a FIFO (named pipe)"
            case .socket: return "a socket"
            case .other: return "not a regular file"
            }
        }
    }
    let device: UInt64
    let inode: UInt64
    let kind: Kind

    static func == (a: FileIdentity, b: FileIdentity) -> Bool { a.device == b.device && a.inode == b.inode }

    /// nil when there is no such file. `following`: through a symbolic link (stat), or
    /// the link itself (lstat).
    init?(_ path: String, following: Bool) {
        var st = stat()
        guard (following ? stat(path, &st) : lstat(path, &st)) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        default: kind = .other
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The path with its folder resolved (symbolic links, `..`), the file name kept.
    static func realPath(_ path: String) -> String {
        let dir = directory(of: path)
        guard let resolved = realpath(dir, nil) else { return path }
        defer { free(resolved) }
        let d = String(cString: resolved)
        return (d == "/" ? "" : d) + "/" + baseName(of: path)
    }

    /// Whether the file starts with SQLite's header ("SQLite format 3\0").
    static func isSQLiteDatabase(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 16)
        let n = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, 16) }
        return n == 16 && header == Array("SQLite format 3".utf8) + [0]
    }
}
