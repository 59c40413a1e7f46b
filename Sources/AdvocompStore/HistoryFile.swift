#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks made on a history file before SQLite opens it. SQLite would open a device
/// such as /dev/null and create `/dev/null-journal` beside it, and would keep a file
/// other users can read as it found it: the history holds salaries and payouts.
public enum HistoryFile {
    /// Refuses a path that exists and is not a regular file (through symbolic links);
    /// makes a history (and its `-wal` and `-shm` files) that group or others can read
    /// private (0600), returning a warning for each; refuses one it cannot make private.
    public static func prepare(_ path: String) throws -> [String] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [] }  // not there yet: created 0600
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what: String
            switch kind {
            case S_IFDIR: what = "a directory"
            case S_IFCHR: what = "a character device"
            case S_IFBLK: what = "a block device"
            case S_IFIFO: what = "a FIFO (named pipe)"
            case S_IFSOCK: what = "a socket"
            default: what = "not a regular file"
            }
            throw StoreError("\(path) is \(what), not a run history: name an SQLite file with --db")
        }
        var warnings: [String] = []
        for file in [path, path + "-wal", path + "-shm"] {
            var s = stat()
            guard stat(file, &s) == 0, s.st_mode & S_IFMT == S_IFREG else { continue }
            let mode = s.st_mode & 0o777
            guard mode & 0o077 != 0 else { continue }
            guard chmod(file, mode & 0o700) == 0 else {
                throw StoreError("\(file) can be read by other users (mode \(String(mode, radix: 8))) and cannot be made private: \(String(cString: strerror(errno))); the history holds salaries and payouts")
            }
            warnings.append("\(file) could be read by other users (mode \(String(mode, radix: 8))); made private (mode \(String(mode & 0o700, radix: 8))): the history holds salaries and payouts")
        }
        return warnings
    }
}
