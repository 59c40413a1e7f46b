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

    @Argument(help: ArgumentHelp("The run id, or a run set as S<n> (advocomp runs lists them).", valueName: "run"))
    var which: RunRef

    @Option(help: "The directory for the workbooks (created when missing).")
    var dir: String

    func run() throws {
        let store = try history.open()
        let runs = try history.runs(which, in: store)
        try History.sayWhich(which, runs, store: store, path: history.path)
        for r in runs where r.purpose != .calculate {
            throw Output.error("run \(r.id) is a true-up; statements are written for the payees of a calculation run", file: history.path)
        }
        let recreated = try runs.map { try History.recreate(store, $0, path: history.path, figures: true) }
        // One file per payee of each plan; in a run set the plan id leads the name, so a
        // payee in two plans gets two statements side by side.
        var items: [(plan: Int, payee: Int, id: String)] = []
        for (k, r) in recreated.enumerated() {
            for i in r.result.payees.indices {
                let id = r.result.payees[i].payee.id
                items.append((k, i, recreated.count > 1 ? "\(r.summary.planID)-\(id)" : id))
            }
        }
        let names = OutputDirectory.fileNames(items.map(\.id), extension: "xlsx")
        let out = try OutputDirectory(dir, names: names)
        let contexts = recreated.map { r in
            WorkbookExport.context(request: r.request, planFiles: r.okrFiles, user: History.user,
                                   run: WorkbookContext.RunStamp(id: r.summary.id, state: r.summary.state))
        }
        let bar = TerminalProgress(total: items.count, unit: "statements", label: "writing \(dir)")
        defer { bar?.finish() }
        do {
            for (slot, item) in items.enumerated() {
                bar?.update(slot)
                let sink = try XLSXSink(path: out.stagingPath(slot), constantMemory: false)
                let run = recreated[item.plan].result
                do {
                    try WorkbookBuilder.writeStatement(of: item.payee, run: run, context: contexts[item.plan], to: sink)
                    try sink.close()
                } catch {
                    sink.discard()
                    throw Output.error("cannot write the statement of payee \(run.payees[item.payee].payee.id): \(WorkbookExport.reason(error))", file: out.target(slot))
                }
            }
            try out.commit()
        } catch {
            out.discard()
            throw error
        }
        var header = ["payee", "name", "statement"]
        if recreated.count > 1 { header.insert("plan", at: 0) }
        let rows = items.enumerated().map { slot, item -> [String] in
            let p = recreated[item.plan].result.payees[item.payee].payee
            let row = [p.id, p.name, out.target(slot)]
            return recreated.count > 1 ? [recreated[item.plan].summary.planID] + row : row
        }
        if !rows.isEmpty { print(TextTable.render(header, rows)) }
        let what = runs.count == 1 ? "run \(runs[0].id) (\(runs[0].state))" : "\(which)"
        Output.stderr("\(rows.count) statement\(rows.count == 1 ? "" : "s") of \(what) written to \(dir)")
    }
}
