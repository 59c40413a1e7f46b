import AdvocompFiles
import AdvocompKit
import AdvocompModel
import AdvocompWorkbook
import AdvocompXLSX
import CAllocatorTuning
import ArgumentParser
import Foundation

/// Writes the workbook beside its target and renames it into place, so there is never
/// half a workbook; any failure is reported and leaves no file.
enum WorkbookExport {
    /// Above this many payees rows are streamed to disk (libxlsxwriter's constant-memory mode).
    static let streamingThreshold = 5_000

    /// Writes the workbook to `path`; messages name `reportAs` (the user's target).
    /// `planFiles`: the files the plan read besides itself (its OKR sets). `user`: who
    /// makes it; `run`: the recorded run it shows (nil: a preview, not recorded).
    static func write(_ result: RunResult, request: CalculationRequest, planFiles: [InputFile], to path: String,
                      reportAs target: String? = nil, trueUp: TrueUpResult? = nil,
                      user: String = History.user, run: WorkbookContext.RunStamp? = nil) throws {
        let shown = target ?? path
        let context = self.context(request: request, planFiles: planFiles, user: user, run: run)
        // XLSXWorkbook writes to a private temporary file beside `path` and renames it
        // into place on close; on any error the file is discarded.
        let sink: XLSXSink
        do {
            sink = try XLSXSink(path: path, constantMemory: result.payees.count > streamingThreshold)
        } catch {
            throw Output.error("cannot write the workbook: \(reason(error))", file: shown)
        }
        if result.payees.count > streamingThreshold { advocomp_release_free_memory() }
        var builder = WorkbookBuilder(run: result, context: context, trueUp: trueUp)
        // On a terminal, an export taking over a second shows its progress.
        let bar = TerminalProgress(total: builder.progressTotal, unit: "rows", label: "writing \(shown)")
        defer { bar?.finish() }
        if let bar { builder.progress = { bar.update($0) } }
        do {
            try builder.write(to: sink)
            bar?.update(builder.progressTotal)
            bar?.phase("compressing (zip)")
            try sink.close()
        } catch {
            sink.discard()
            throw Output.error("cannot write the workbook: \(reason(error))", file: shown)
        }
    }

    /// What the workbook records besides the run: the input files (with their SHA-256),
    /// the command line, the time, the user, the run.
    static func context(request: CalculationRequest, planFiles: [InputFile], user: String,
                        run: WorkbookContext.RunStamp?) -> WorkbookContext {
        let inputs = [("plan", request.plan)] + planFiles.map { ("OKR set", $0) }
            + [("roster", request.roster), ("actuals", request.actuals)] + (request.events.map { [("events", $0)] } ?? [])
        let files = inputs.map { role, f in
            WorkbookContext.InputFileRecord(role: role, path: f.path, sha256: SHA256.hex(f.bytes), bytes: f.bytes.count)
        }
        return WorkbookContext(command: commandLine(), generatedAt: ISO8601DateFormatter().string(from: Date()),
                               advocompVersion: AdvocompVersion.string, files: files, user: user, run: run)
    }

    /// Writes a small workbook (the scenario commands') with `body` to the staging file of
    /// `outputs`' `--xlsx`; it is put in place with the command's other outputs. A failure
    /// discards every staged output and is thrown.
    static func writeSmall(_ outputs: OutputFiles, option: String = "--xlsx", _ body: (XLSXSink) throws -> Void) throws {
        guard let target = outputs.target(option)?.path else { return }
        do {
            let sink = try XLSXSink(path: try outputs.stagingPath(option), constantMemory: false)
            do {
                try body(sink)
                try sink.close()
            } catch {
                sink.discard()
                throw error
            }
            try outputs.flushStaged(option)
        } catch let e as DiagnosticsError {
            outputs.discard()
            throw e
        } catch {
            outputs.discard()
            throw Output.error("cannot write the workbook: \(reason(error))", file: target)
        }
    }

    /// Why the workbook could not be written. A file error says only the system's reason:
    /// its context names the temporary file, which the user never asked for.
    static func reason(_ error: Error) -> String {
        if let e = error as? XLSXError, e.kind == .file { return e.message }
        return "\(error)"
    }

    /// The command as typed, arguments quoted when needed (for the Audit sheet).
    static func commandLine() -> String {
        CommandLine.arguments.map { a in
            a.isEmpty || a.contains(where: { " \"'$\\".contains($0) }) ? "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'" : a
        }.joined(separator: " ")
    }

    /// Where `--xlsx` writes for runs of `plans`: the file itself for one plan; for several
    /// (a run set), one workbook per plan, `{plan}` in the name standing for the plan id.
    /// Each target has its own output name (`--xlsx`, or `--xlsx (plan ID)`).
    static func targets(_ xlsx: String?, plans: [String]) throws -> [(option: String, path: String)] {
        guard let xlsx else { return [] }
        guard plans.count > 1 else { return [("--xlsx", xlsx)] }
        guard xlsx.contains("{plan}") else {
            throw ValidationError("several plans make one workbook each: put {plan} in the --xlsx name, e.g. --xlsx q3-{plan}.xlsx")
        }
        return plans.map { ("--xlsx (plan \($0))", xlsx.replacingOccurrences(of: "{plan}", with: safeName($0))) }
    }

    /// A plan id as part of a file name: letters, digits, `-`, `_` and `.` kept, anything
    /// else `_` (a plan id never names another directory).
    static func safeName(_ id: String) -> String {
        let kept = String(id.unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) && c.isASCII || "-_.".unicodeScalars.contains(c) ? Character(c) : "_"
        })
        return kept.hasPrefix(".") ? "_" + kept.dropFirst() : kept
    }
}
