#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with standard error sent to a pipe and returns what was written there.
///
/// libxlsxwriter prints its own `[ERROR] ...` lines on standard error when assembling the
/// file fails (naming the temporary file, in its own format). advocomp reports every
/// failure itself, in `FILE: error: message` form, so those lines are captured and their
/// one useful part, the system's reason (`System error = No space left on device`), is
/// carried in the thrown error instead. The pipe is non-blocking: should the library
/// write more than the pipe holds, the excess is dropped rather than blocking.
enum StandardErrorCapture {
    static func run<T>(_ body: () -> T) -> (result: T, text: String) {
        var fds: [Int32] = [0, 0]
        fflush(nil)  // every output stream (the C global `stderr` is not concurrency-safe to name)
        let saved = dup(2)
        guard saved >= 0, pipe(&fds) == 0 else {
            if saved >= 0 { _ = close(saved) }
            return (body(), "")
        }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = dup2(fds[1], 2)
        let result = body()
        fflush(nil)  // every output stream (the C global `stderr` is not concurrency-safe to name)
        _ = dup2(saved, 2)
        _ = close(saved)
        _ = close(fds[1])
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        _ = close(fds[0])
        return (result, String(decoding: bytes, as: UTF8.self))
    }

    /// The system's reason in libxlsxwriter's messages (`... System error = File too large`).
    static func systemReason(in text: String) -> String? {
        for line in text.split(separator: "\n").reversed() {
            if let r = line.range(of: "System error = ") {
                let reason = line[r.upperBound...].trimmingCharacters(in: " .")
                if !reason.isEmpty { return reason }
            }
        }
        return nil
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
