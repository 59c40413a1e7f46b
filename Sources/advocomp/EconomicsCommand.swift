import AdvocompHistory
import AdvocompKit
import AdvocompWorkbook
import ArgumentParser

/// `advocomp economics`: the programme's economics over the recorded runs.
struct EconomicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "economics",
        abstract: "Advocacy incentive cost against incremental referred revenue, per period, plan and unit, from the recorded runs.",
        discussion: """
        Reads, for each period and plan whose plan has an economics: section, the run that stands \
        for it (a closed period's final run or latest approved adjustment, else its approved run), \
        recalculated from its stored inputs and checked against its stored payouts, and the events \
        stored with it. --run chooses runs instead (drafts included). See README, "Programme economics".
        """)

    @OptionGroup var history: HistoryOption

    @Option(help: ArgumentHelp("Only this period (repeat for several).", valueName: "period"), transform: ArgumentValue.period)
    var period: [Period] = []

    @Option(name: .customLong("plan-id"), help: ArgumentHelp("Only this plan (repeat for several).", valueName: "id"))
    var planID: [String] = []

    @Option(name: .customLong("run"), help: ArgumentHelp("Read this recorded run instead of choosing (repeat for several; drafts allowed).", valueName: "run"))
    var runs: [Int64] = []

    @Option(help: "The events file for runs recorded without one.")
    var events: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    @Option(help: "Also write the Economics sheet and its chart as a workbook (.xlsx).")
    var xlsx: String?

    func run() throws {
        let outputs = try FileIO.outputs([("--output", outputOption.output, true), ("--xlsx", xlsx, false)],
                                         inputs: events.map { [("--events", $0)] } ?? [], history: history.path)
        let eventsFile = try events.map { try FileIO.readAll([($0, .events)])[0] }
        let store = try history.open()
        let report: EconomicsReport
        do {
            report = try EconomicsHistory.report(store, periods: period, planIDs: planID, chosen: runs, events: eventsFile)
        } catch { throw History.diagnostics(history.path, error) }
        let text: String
        switch format {
        case .table: text = EconomicsRender.table(report, source: history.path)
        case .csv: text = EconomicsRender.csv(report)
        case .json: text = EconomicsRender.json(report)
        }
        if xlsx != nil { try WorkbookExport.writeSmall(outputs) { try ScenarioWorkbook.economics($0, report) } }
        try Output.emit(text, to: outputs)
    }
}
