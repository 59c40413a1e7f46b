import AdvocompModel
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on standard error for a long job (a workbook export, a simulation),
/// shown only when standard error is a terminal and only once the job has taken
/// `delay` seconds, so a quick run prints nothing and a pipe or a log never gets it:
///
///     writing q3.xlsx [##############                ] 47% of 300,000 rows, 4.1 s
///     writing q3.xlsx: compressing (zip), 9.8 s
///
/// The job only stores its count (`update`); a timer draws every fifth of a second, so
/// a step with no count of its own (`phase`: libxlsxwriter compressing the sheets
/// inside one call) still shows that it is alive. It prints no figure of the run.
final class TerminalProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let started = DispatchTime.now()
    private let delay: Double
    private let total: Int
    private let unit: String
    private let label: String
    private var done = 0
    private var phaseName: String?
    private var drawn = false
    private var timer: DispatchSourceTimer?

    /// `ADVOCOMP_PROGRESS_DELAY` (seconds) overrides `delay`, so the tests see the bar on
    /// a short job. nil when standard error is not a terminal.
    init?(total: Int, unit: String, label: String, delay: Double = 1.0) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.total = max(total, 1)
        self.unit = unit
        self.label = label
        self.delay = ProcessInfo.processInfo.environment["ADVOCOMP_PROGRESS_DELAY"].flatMap(Double.init) ?? delay
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        t.schedule(deadline: .now() + .milliseconds(50), repeating: .milliseconds(200))
        t.setEventHandler { [weak self] in self?.draw() }
        timer = t
        t.resume()
    }

    /// `done` of `total` are finished.
    func update(_ done: Int) {
        lock.lock()
        self.done = min(done, total)
        lock.unlock()
    }

    /// A step that cannot count (shown with the time taken so far).
    func phase(_ name: String) {
        lock.lock()
        phaseName = name
        lock.unlock()
        draw()
    }

    /// Stops drawing and clears the line.
    func finish() {
        timer?.cancel()
        timer = nil
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
        drawn = false
        phaseName = "\u{0}"  // nothing is drawn after this
    }

    private func draw() {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        lock.lock()
        defer { lock.unlock() }
        guard elapsed >= delay, phaseName != "\u{0}" else { return }
        let line = TerminalProgress.line(label: label, done: done, total: total, unit: unit, phase: phaseName, elapsed: elapsed)
        FileHandle.standardError.write(Data("\r\u{1b}[K\(line)".utf8))
        drawn = true
    }

    /// One line of the bar.
    static func line(label: String, done: Int, total: Int, unit: String, phase: String?, elapsed: Double) -> String {
        let seconds = String(format: "%.1f s", elapsed)
        if let phase { return "\(label): \(phase), \(seconds)" }
        let percent = min(100, done * 100 / max(total, 1))
        let width = 30, filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        return "\(label) [\(bar)] \(percent)% of \(Money.group(String(total))) \(unit), \(seconds)"
    }
}
