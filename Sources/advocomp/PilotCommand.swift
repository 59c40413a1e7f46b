import AdvocompHistory
import AdvocompKit
import ArgumentParser

/// `advocomp pilot FILE`: a pilot of a candidate plan, measured from the recorded runs.
struct PilotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pilot",
        abstract: "Compare a pilot cohort (on a candidate plan) with the rest (on the current plan): each advocacy and customer-satisfaction KPI before and after, and the cost of rolling the candidate out.",
        discussion: """
        The pilot file names the current and candidate plans (ids, as recorded), the cohort (payees \
        or units), the periods before and after, and the KPIs. Values come from each period's \
        recorded runs of both plans (their stored actuals and events). The interval is a seeded \
        bootstrap: the same --seed gives the same interval. See README, "Pilots".
        """)

    @Argument(help: ArgumentHelp("The pilot file (YAML).", valueName: "pilot"))
    var file: String

    @OptionGroup var history: HistoryOption

    @Option(help: "The bootstrap's seed (default: the pilot file's, else 1).")
    var seed: UInt64?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var outputOption: OutputOption

    func run() throws {
        let outputs = try FileIO.outputs([("--output", outputOption.output, true)], inputs: [("pilot", file)], history: history.path)
        let bytes = try FileIO.readAll([(file, .scenario)])[0].bytes
        let (parsed, diagnostics) = PilotParser.parse(bytes: bytes, file: file)
        var pilot = try Output.required(parsed, diagnostics, quiet: false)
        if let seed { pilot.seed = seed }
        let store = try history.open()
        let report: PilotReport
        do { report = try PilotHistory.report(store, pilot: pilot) } catch { throw History.diagnostics(history.path, error) }
        let text: String
        switch format {
        case .table: text = PilotRender.table(report)
        case .csv: text = PilotRender.csv(report)
        case .json: text = PilotRender.json(report)
        }
        try Output.emit(text, to: outputs)
    }
}
