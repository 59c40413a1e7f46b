import Dispatch
import Foundation

/// Running the built `advocomp` (and other programs: python3, advocomp-bench) as a user
/// would: exit status, standard output and standard error. `swift build --build-tests` (or
/// `swift test`, which builds every product) puts the binary in the products directory,
/// beside the test bundle.
public enum CLI {
    public struct Run {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The directory holding the built products.
    public static let productsDirectory: URL = {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        // Linux: this target's resource bundle `advocomp_AdvocompTestSupport.resources` sits in the products directory.
        return TestSupport.bundle.bundleURL.deletingLastPathComponent()
    }()

    public static var binary: URL { productsDirectory.appendingPathComponent("advocomp") }

    /// The repository root (for plans/ and samples/).
    public static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `args` with `--no-db` added to a `calculate` that does not name its history: a test
    /// that is not about the history must not leave advocomp.db files about.
    public static func withoutHistory(_ args: [String]) -> [String] {
        args.first == "calculate" && !args.contains("--no-db") && !args.contains(where: { $0.hasPrefix("--db") }) ? args + ["--no-db"] : args
    }

    /// Runs `executable` with `args` in `directory`; both pipes are drained concurrently,
    /// and a process still running after 60 s is terminated (so a hang fails, not blocks).
    public static func run(_ executable: URL, _ args: [String], in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        // The process is held weakly, and the pipes closed here: a canceled watchdog is only
        // released at its deadline, and must not keep this run's files open until then (a test
        // counting the open files of the process, XLSXWriterTests's, would see them close).
        let watchdog = DispatchWorkItem { [weak process] in if let process, process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        try? out.fileHandleForReading.close()
        try? err.fileHandleForReading.close()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Plan files under plans/ (the OKR set is not a plan).
    public static func samplePlans() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("plans").path)
        return names.filter { $0.hasSuffix(".yaml") && $0 != "okrs-fy2026.yaml" }.sorted()
    }
}
