import AdvocompFiles
import AdvocompHistory
import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

/// `advocomp plans`: the plan versions kept in the run history, each with the date it
/// takes effect. `calculate --plan-id ID` uses the one in effect for the period.
struct Plans: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store, list, show and compare plan versions.",
        subcommands: [Add.self, List.self, ShowVersion.self, DiffVersions.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a plan file as a version, in effect from a date.",
            discussion: "The plan is validated first (errors as validate prints them; nothing is stored). Its version label comes from the plan's version: key; the OKR sets it reads are stored with it.")

        @OptionGroup var history: HistoryOption

        @Argument(help: "The plan file (YAML).")
        var file: String

        @Option(help: "The first day the version is in effect (YYYY-MM-DD).", transform: ArgumentValue.date)
        var effective: CivilDate

        func run() throws {
            let input = try FileIO.readAll([(file, .plan)])[0]
            let loaded = Pipeline.loadPlan(input, loadFile: FileIO.loader)
            let plan = try Output.required(loaded.plan, loaded.diagnostics, quiet: false)
            let store = try history.open(create: true)
            let version = PlanVersion(planID: plan.id, version: plan.version, effective: effective.description,
                                      plan: StoredFile(role: .plan, path: file, content: input.bytes),
                                      okrFiles: loaded.files.map { StoredFile(role: .okr, path: $0.path, content: $0.bytes) },
                                      addedAt: History.now, addedBy: History.user)
            do {
                switch try store.add(version) {
                case .added: print(Display.text("stored plan \(plan.id) version \(plan.version), in effect from \(effective)"))
                case .alreadyStored: print(Display.text("plan \(plan.id) version \(plan.version) is already stored, in effect from \(effective)"))
                }
            } catch { throw History.diagnostics(history.path, error) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored plan versions.")

        @OptionGroup var history: HistoryOption

        @Option(name: .customLong("plan-id"), help: "Only this plan's versions.")
        var planID: String?

        func run() throws {
            let store = try history.open()
            let versions: [PlanVersion]
            do { versions = try store.planVersions(planID) } catch { throw History.diagnostics(history.path, error) }
            guard !versions.isEmpty else {
                Output.stderr("no plan versions\(planID.map { " of \($0)" } ?? "") in \(history.path) (advocomp plans add FILE --effective DATE)")
                return
            }
            let header = ["plan", "version", "effective", "sha256", "OKR sets", "added (UTC)", "by", "file"]
            let rows = versions.map { v in
                [v.planID, v.version, v.effective, String(v.plan.sha256.prefix(12)), String(v.okrFiles.count), v.addedAt, v.addedBy, v.plan.path]
            }
            print(TextTable.render(header, rows))
        }
    }

    struct ShowVersion: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print a stored plan version's file.")

        @OptionGroup var history: HistoryOption

        @Argument(help: "The plan id.")
        var planID: String

        @Option(help: "The version label (default: the latest).")
        var version: String?

        @Option(name: .customLong("as-of"), help: "Instead of --version: the version in effect on this date (YYYY-MM-DD).",
                transform: ArgumentValue.date)
        var asOf: CivilDate?

        func run() throws {
            let versions = try Plans.versions(history, planID)
            let chosen: PlanVersion?
            if let asOf {
                chosen = versions.last { CivilDate.parse($0.effective).map { $0 <= asOf } ?? false }
            } else if let version {
                chosen = versions.first { $0.version == version }
            } else {
                chosen = versions.last
            }
            guard let v = chosen else {
                throw Output.error("plan \(planID) has no version \(version.map { "'\($0)'" } ?? "in effect on \(asOf?.description ?? "")") (stored: \(Plans.describe(versions)))", file: history.path)
            }
            Output.stderr("plan \(v.planID) version \(v.version), in effect from \(v.effective), from \(v.plan.path) (SHA-256 \(v.plan.sha256))")
            FileHandle.standardOutput.write(Data(v.plan.content))
        }
    }

    struct DiffVersions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Compare two stored versions of a plan, line by line.")

        @OptionGroup var history: HistoryOption

        @Argument(help: "The plan id.")
        var planID: String

        @Argument(help: "The earlier version label.")
        var from: String

        @Argument(help: "The later version label.")
        var to: String

        func run() throws {
            let versions = try Plans.versions(history, planID)
            guard let a = versions.first(where: { $0.version == from }), let b = versions.first(where: { $0.version == to }) else {
                let missing = [from, to].filter { l in !versions.contains { $0.version == l } }
                throw Output.error("plan \(planID) has no version \(missing.map { "'\($0)'" }.joined(separator: " or ")) (stored: \(Plans.describe(versions)))", file: history.path)
            }
            print(LineDiff.unified(String(decoding: a.plan.content, as: UTF8.self), String(decoding: b.plan.content, as: UTF8.self),
                                   fromLabel: "\(planID) \(a.version) (effective \(a.effective))",
                                   toLabel: "\(planID) \(b.version) (effective \(b.effective))"), terminator: "")
        }
    }

    /// A plan's versions; none is an error.
    static func versions(_ history: HistoryOption, _ planID: String) throws -> [PlanVersion] {
        let store = try history.open()
        let versions: [PlanVersion]
        do { versions = try store.planVersions(planID) } catch { throw History.diagnostics(history.path, error) }
        guard !versions.isEmpty else {
            throw Output.error("plan \(planID) has no stored versions (advocomp plans add FILE --effective DATE)", file: history.path)
        }
        return versions
    }

    static func describe(_ versions: [PlanVersion]) -> String { PlanVersionChoice.describe(versions) }
}

/// `--plan-id`: the stored plan version in effect for a period, as an input file and the
/// loader of the OKR sets stored with it.
enum PlanVersionInput {
    static func inEffect(planID: String, period: String, db: String, onLastDay: Bool = false) throws -> (InputFile, PlanParser.FileLoader) {
        let store = try HistoryOption.parse(["--db", db]).open()
        do {
            let chosen = try PlanVersionChoice.inEffect(store, planID: planID, period: period, onLastDay: onLastDay)
            return (chosen.plan, chosen.loader)
        } catch { throw History.diagnostics(db, error) }
    }
}
