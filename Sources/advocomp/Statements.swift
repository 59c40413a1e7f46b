import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompStore
import AdvocompWorkbook
import ArgumentParser
import Foundation

/// `advocomp statements RUN --dir DIR`: a private workbook per payee of a recorded run.
struct Statements: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one private workbook per payee of a recorded run, for finance to send to each.",
        discussion: """
        Each file (DIR/PAYEE_ID.xlsx, mode 0600) holds one payee's statement and figures and \
        no other payee's: their KPIs, components, modifiers, gross, the pool's line and payout, \
        as formulas over their own inputs and the plan, cached with the recorded run's figures. \
        The run is calculated again from its stored inputs and must give its stored result. \
        DIR is created when missing (mode 0700); no file in it is ever replaced: when one \
        of the names exists, nothing is written. The files are put in place together, or none.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: "The run id (advocomp runs lists them).")
    var runID: Int64

    @Option(help: "The directory for the workbooks (created when missing).")
    var dir: String

    func run() throws {
        let (store, summary, stored) = try history.run(runID)
        Output.stderr(History.describe(summary))
        guard summary.purpose == .calculate else {
            throw Output.error("run \(runID) is a true-up; statements are written for the payees of a calculation run", file: history.path)
        }
        let rerun: Rerun, okrFiles: [InputFile]
        do {
            (rerun, okrFiles) = try RunReplay.rerun(store, summary, recordFigures: true)
        } catch { throw History.diagnostics(history.path, error) }
        guard rerun.json == stored else {
            var failed: [Diagnostic] = []
            if case .failed(let diagnostics) = rerun { failed = diagnostics.errors }
            throw DiagnosticsError(failed + [.error("run \(runID) was recorded by advocomp \(summary.advocompVersion) and this advocomp (\(AdvocompVersion.string)) no longer gives the same result from its inputs; `advocomp replay \(runID)` names the differences", at: .wholeFile(history.path))])
        }
        guard case .calculation(let result, let request) = rerun else {
            if case .failed(let diagnostics) = rerun { throw DiagnosticsError(diagnostics) }
            throw Output.error("run \(runID) is not a calculation run", file: history.path)
        }
        let names = OutputDirectory.fileNames(result.payees.map(\.payee.id), extension: "xlsx")
        let out = try OutputDirectory(dir, names: names)
        let context = WorkbookExport.context(request: request, planFiles: okrFiles, user: History.user,
                                             run: WorkbookContext.RunStamp(id: summary.id, state: summary.state))
        do {
            for i in result.payees.indices {
                let sink = try XLSXSink(path: out.stagingPath(i), constantMemory: false)
                do {
                    try WorkbookBuilder.writeStatement(of: i, run: result, context: context, to: sink)
                    try sink.close()
                } catch {
                    sink.discard()
                    throw Output.error("cannot write the statement of payee \(result.payees[i].payee.id): \(WorkbookExport.reason(error))", file: out.target(i))
                }
            }
            try out.commit()
        } catch {
            out.discard()
            throw error
        }
        let rows = result.payees.enumerated().map { i, p in [p.payee.id, p.payee.name, out.target(i)] }
        if !rows.isEmpty { print(TextTable.render(["payee", "name", "statement"], rows)) }
        Output.stderr("\(rows.count) statement\(rows.count == 1 ? "" : "s") of run \(runID) (\(summary.state)) written to \(dir)")
    }
}
