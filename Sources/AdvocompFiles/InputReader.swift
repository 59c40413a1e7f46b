import AdvocompModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one input file whole, within its kind's limits (`InputLimits`).
///
/// - A regular file larger than the limit is refused from its size, before a byte is read.
/// - A pipe or FIFO (`/dev/stdin` fed by another program, `<(...)`) is read as it comes;
///   it is opened without waiting for a writer, and when nothing arrives for
///   `pipeTimeout` seconds the read ends in an error instead of waiting forever.
/// - A directory, a character or block device (`/dev/zero`, a terminal) or a socket is
///   refused: none of them is an input file.
///
/// Every failure is a diagnostic naming the file: located at the line where a limit was
/// passed, or at the file as a whole.
public enum InputReader {
    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(fd, buffer, count)
        #else
        return Darwin.read(fd, buffer, count)
        #endif
    }

    /// Seconds a pipe may stay silent (ADVOCOMP_PIPE_TIMEOUT overrides the default of 30).
    public static var defaultPipeTimeout: Double {
        if let v = getenv("ADVOCOMP_PIPE_TIMEOUT").map({ String(cString: $0) }), let s = Double(v), s > 0 { return s }
        return 30
    }

    public static func read(_ path: String, kind: InputKind, limits: InputLimits? = nil,
                            pipeTimeout: Double = defaultPipeTimeout) -> Result<[UInt8], Diagnostic> {
        let limits = limits ?? kind.limits
        let whole = SourceLocation.wholeFile(path)
        func fail(_ message: String) -> Result<[UInt8], Diagnostic> { .failure(.error(message, at: whole)) }

        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            switch e {
            case ENOENT: return fail("cannot read the file: no such file")
            case EACCES: return fail("cannot read the file: permission denied")
            case EISDIR: return fail("cannot read the file: it is a directory")
            default: return fail("cannot read the file: \(String(cString: strerror(e)))")
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return fail("cannot read the file: \(String(cString: strerror(errno)))") }
        let isPipe: Bool
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            isPipe = false
            if Int(st.st_size) > limits.maxBytes {
                return fail("the file is \(Int(st.st_size)) bytes, larger than \(InputLimits.size(limits.maxBytes)), the limit for \(kind.described)")
            }
            // A regular file never blocks: back to plain reads.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        case S_IFIFO:
            isPipe = true
        case S_IFDIR: return fail("cannot read the file: it is a directory")
        case S_IFCHR: return fail("cannot read the file: it is a character device (such as /dev/zero or a terminal), not a file")
        case S_IFBLK: return fail("cannot read the file: it is a block device, not a file")
        case S_IFSOCK: return fail("cannot read the file: it is a socket, not a file")
        default: return fail("cannot read the file: it is not a regular file")
        }

        var scanner = InputLimits.Scanner(limits: limits, kind: kind, file: path)
        var bytes: [UInt8] = []
        var failure: Int32 = 0
        if !isPipe {
            // Its size, and one byte more to see the end in one read; read straight into
            // the array (a 76 MB ledger is not copied twice).
            let expected = Int(st.st_size)
            bytes = [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, count in
                count = 0
                guard let base = buffer.baseAddress else { return }
                while count < buffer.count {
                    let n = systemRead(fd, base + count, buffer.count - count)
                    if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                    if n == 0 { break }
                    count += n
                }
            }
            if failure != 0 { return fail("cannot read the file: \(String(cString: strerror(failure)))") }
            if let limit = bytes.withUnsafeBytes({ scanner.scan($0) }) { return .failure(limit) }
            if bytes.count <= expected { return .success(bytes) }
            // The file grew while being read: take the rest as it comes.
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if isPipe {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&p, 1, Int32(min(pipeTimeout * 1000, Double(Int32.max))))
                if ready == 0 {
                    let waited = pipeTimeout >= 1 ? "\(Int(pipeTimeout.rounded())) s" : "\(Int((pipeTimeout * 1000).rounded())) ms"
                    return fail("nothing arrived from the pipe for \(waited) (after \(bytes.count) bytes); is the program writing it still running?")
                }
                if ready < 0 {
                    if errno == EINTR { continue }
                    return fail("cannot read the file: \(String(cString: strerror(errno)))")
                }
            }
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                return fail("cannot read the file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            if let limit = chunk.withUnsafeBytes({ scanner.scan(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) { return .failure(limit) }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if let limit = scanner.finish() { return .failure(limit) }
        return .success(bytes)
    }
}
