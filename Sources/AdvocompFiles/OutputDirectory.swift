import AdvocompModel
import CFileSafety
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Many files written into one directory by one command (a statement workbook per
/// payee), all or none, never over an existing file:
///
/// - **Checked before anything is written.** The directory is created when missing (mode
///   0700, with its missing parents); an existing one must be a directory. A file that
///   is already there under one of the names is an error naming it: nothing is replaced,
///   whatever it is (an earlier output, the history, a link).
/// - **Staged.** The files are written into a private staging directory inside it
///   (`.advocomp-staging-PID-N`, mode 0700), named 0, 1, 2, ...; on SIGINT, SIGTERM or
///   SIGHUP they and the directories this created are removed (`CFileSafety`).
/// - **Put in place together.** `commit` flushes them to disk and links each to its name
///   (a link never replaces a file), with the signals held; if one cannot be placed, the
///   ones already placed are removed and nothing is left but what was there before.
public final class OutputDirectory {
    /// The directory, as given.
    public let path: String
    /// The files' names in it, in order.
    public let names: [String]
    private let staging: String
    private var slots: [Int32] = []
    /// Directories this created (outermost first), removed again on a failure.
    private var created: [String] = []
    private var done = false

    /// - Parameters:
    ///   - option: the option that named the directory, for messages (`--dir`).
    ///   - names: plain file names (no `/`), unique.
    /// - Throws: `DiagnosticsError`: the directory cannot be made or is not one, a name is
    ///   not a plain file name, or files with these names exist (each one named).
    public init(_ path: String, names: [String], option: String = "--dir") throws {
        advocomp_cleanup_install()
        self.path = path
        self.names = names
        func failure(_ message: String, at file: String? = nil) -> DiagnosticsError {
            DiagnosticsError([.error(message, at: .wholeFile(file ?? path))])
        }
        guard !path.isEmpty else { throw failure("\(option) is empty: give a directory") }
        for n in names where n.isEmpty || n == "." || n == ".." || n.contains("/") || n.utf8.contains(0) {
            throw failure("\(option): '\(n)' is not a plain file name")
        }
        guard Set(names).count == names.count else { throw failure("\(option): two files would have the same name") }
        var created: [String] = [], slots: [Int32] = []
        /// Takes back what was made so far.
        func undo() {
            for d in created.reversed() { rmdir(d) }
            for slot in slots { advocomp_cleanup_remove(slot) }
        }
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw failure("\(option): \(path) exists and is not a directory") }
        } else {
            // Create it and its missing parents, private.
            var missing: [String] = []
            var p = path
            while !p.isEmpty, p != "/", p != ".", stat(p, &st) != 0 {
                missing.append(p)
                p = OutputDirectory.parent(of: p)
            }
            for d in missing.reversed() {
                let slot = advocomp_cleanup_add_directory(d)
                guard mkdir(d, 0o700) == 0 else {
                    let why = String(cString: strerror(errno))
                    advocomp_cleanup_remove(slot)
                    undo()
                    throw failure("\(option): cannot create the directory \(d): \(why)", at: d)
                }
                created.append(d)
                if slot >= 0 { slots.append(slot) }
            }
        }
        let existing = names.map { path + "/" + $0 }.filter { var s = stat(); return lstat($0, &s) == 0 }
        if !existing.isEmpty {
            undo()
            var problems = existing.prefix(20).map {
                Diagnostic.error("\(option): \($0) exists; statements never replace a file (remove it, or name another directory)", at: .wholeFile($0))
            }
            if existing.count > 20 {
                problems.append(.error("\(option): \(existing.count - 20) more of the files exist in \(path)", at: .wholeFile(path)))
            }
            throw DiagnosticsError(problems)
        }
        var dir: String?
        for attempt in 0..<100 {
            let d = path + "/.advocomp-staging-\(getpid())-\(attempt)"
            let slot = advocomp_cleanup_add_directory(d)
            if mkdir(d, 0o700) == 0 {
                if slot >= 0 { slots.append(slot) }
                dir = d
                break
            }
            let e = errno
            advocomp_cleanup_remove(slot)
            if e != EEXIST {
                undo()
                throw failure("\(option): cannot write in \(path): \(String(cString: strerror(e)))")
            }
        }
        guard let dir, advocomp_cleanup_set_numbered(dir, Int32(clamping: names.count)) == 0 else {
            if let dir { rmdir(dir) }
            undo()
            throw failure("\(option): no staging directory could be made in \(path)")
        }
        staging = dir
        self.created = created
        self.slots = slots
    }

    /// Where the writer puts file `i` (`names[i]`) until `commit`.
    public func stagingPath(_ i: Int) -> String { staging + "/\(i)" }

    /// Where file `i` goes.
    public func target(_ i: Int) -> String { path + "/" + names[i] }

    /// Flushes every staged file to disk and puts it in place under its name; all of them
    /// or none (see the type). Every file must have been written at `stagingPath(i)`.
    public func commit() throws {
        for i in names.indices {
            let fd = open(stagingPath(i), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { throw problem(i, String(cString: strerror(errno))) }
            let synced = fsync(fd) == 0
            let e = errno
            close(fd)
            guard synced else { throw problem(i, String(cString: strerror(e))) }
        }
        advocomp_signals_block()
        defer { advocomp_signals_unblock() }
        var placed: [String] = []
        for i in names.indices {
            let from = stagingPath(i), to = target(i)
            if link(from, to) != 0 {
                let e = errno
                // A file system without hard links: rename, the name checked free first.
                var st = stat()
                if e != EEXIST, lstat(to, &st) != 0, rename(from, to) == 0 {
                    placed.append(to)
                    continue
                }
                for p in placed { unlink(p) }
                throw problem(i, e == EEXIST ? "it appeared meanwhile; statements never replace a file" : String(cString: strerror(e)))
            }
            placed.append(to)
        }
        done = true
        removeStaging()
        for slot in slots { advocomp_cleanup_remove(slot) }
        slots = []
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// Removes everything staged and the directories this created (after an error).
    public func discard() {
        guard !done else { return }
        done = true
        removeStaging()
        removeCreated()
        for slot in slots { advocomp_cleanup_remove(slot) }
        slots = []
    }

    deinit { discard() }

    private func removeStaging() {
        for i in names.indices { unlink(stagingPath(i)) }
        rmdir(staging)
        advocomp_cleanup_set_numbered(nil, 0)
    }

    private func removeCreated() {
        for d in created.reversed() { rmdir(d) }
        created = []
    }

    private func problem(_ i: Int, _ why: String) -> DiagnosticsError {
        DiagnosticsError([.error("cannot write \(target(i)): \(why)", at: .wholeFile(target(i)))])
    }

    static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        let d = p[..<slash]
        return d.isEmpty ? "/" : String(d)
    }

    // MARK: File names

    /// Names Windows refuses for a file, whatever its extension.
    static let reserved = Set(["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] })

    /// A safe, distinct file name for each id (`E001` -> `E001.xlsx`): letters, digits,
    /// `-`, `_` and `.` kept, anything else `_`, no leading dot, at most 100 characters,
    /// none of Windows' reserved names. An id that had to change, or that would clash
    /// with another (letter case ignored, for file systems that ignore it), gets the
    /// first 8 hex digits of its SHA-256 appended: `a/b` -> `a_b-1d8fe2c0.xlsx`.
    public static func fileNames(_ ids: [String], extension ext: String) -> [String] {
        func clean(_ id: String) -> String {
            var s = String(id.unicodeScalars.map { c -> Character in
                c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-_.".unicodeScalars.contains(c)) ? Character(c) : "_"
            })
            if s.hasPrefix(".") { s = "_" + s.drop(while: { $0 == "." }) }
            if s.isEmpty { s = "payee" }
            return String(s.prefix(100))
        }
        let stems = ids.map(clean)
        var count: [String: Int] = [:]
        for s in stems { count[s.lowercased(), default: 0] += 1 }
        return zip(ids, stems).map { id, stem in
            let base = stem.split(separator: ".").first.map { String($0).uppercased() } ?? ""
            let plain = stem == id && count[stem.lowercased()] == 1 && !reserved.contains(base)
            return (plain ? stem : "\(stem)-\(SHA256.hex(utf8: id).prefix(8))") + "." + ext
        }
    }
}
