import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place that decides how much work runs at once: as many workers as the
/// machine has cores (`ADVOCOMP_WORKERS=N` sets another number, for tests and
/// measurements). Every caller splits its work into contiguous chunks and puts the
/// pieces back in order, so a result is byte for byte the same with 1 worker or 64.
public enum Parallel {
    /// The number of workers: `ADVOCOMP_WORKERS` when set to a positive number, else the
    /// processors online, at least 1.
    public static var workers: Int {
        if let text = getenv("ADVOCOMP_WORKERS").map({ String(cString: $0) }), let n = Int(text), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Splits `0..<count` into at most `workers` contiguous ranges of at least
    /// `minimumChunk` items (one range when the work is small), in order.
    public static func ranges(_ count: Int, minimumChunk: Int = 1, workers: Int = Parallel.workers) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let n = max(1, min(workers, count / max(minimumChunk, 1)))
        let chunk = (count + n - 1) / n
        return stride(from: 0, to: count, by: chunk).map { $0..<min(count, $0 + chunk) }
    }

    /// Runs `body(k, ranges[k])` for each range, concurrently when there are several.
    /// Not to be nested inside another `forEach` (libdispatch would run the inner one on
    /// one thread): callers split at the top of their work.
    public static func forEach(_ ranges: [Range<Int>], _ body: (Int, Range<Int>) -> Void) {
        if ranges.count <= 1 {
            for (k, r) in ranges.enumerated() { body(k, r) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = Shared(body)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { k in shared.value(k, ranges[k]) }
        }
    }

    /// The one place the compiler's race checking is told to trust the caller: each job
    /// writes only its own range (of an array's storage, or its own slot of per-worker
    /// state), which is what every caller of `forEach` and `both` does, and the call
    /// returns only when every job is done.
    private struct Shared<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// Runs two different jobs, side by side when there are two workers or more, else
    /// one after the other.
    public static func both(_ a: () -> Void, _ b: () -> Void) {
        guard workers >= 2 else { a(); b(); return }
        withoutActuallyEscaping(a) { a in
            withoutActuallyEscaping(b) { b in
                let jobs = Shared([a, b])
                DispatchQueue.concurrentPerform(iterations: 2) { jobs.value[$0]() }
            }
        }
    }
}
