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

        @OptionGroup var database: DatabaseOption

        @Argument(help: "The plan file (YAML).")
        var file: String

        @Option(help: "The first day the version is in effect (YYYY-MM-DD).")
        var effective: String

        func run() throws {
            guard CivilDate.parse(effective) != nil else {
                Output.stderr("advocomp: error: --effective '\(effective)' is not a date (expected YYYY-MM-DD)")
                throw ExitCode(1)
            }
            let input = try FileIO.readAll([(file, .plan)])[0]
            let (plan, diagnostics) = Pipeline.loadPlan(input, loadFile: FileIO.loader)
            Output.report(diagnostics)
            guard let plan, !diagnostics.hasErrors else { throw ExitCode(1) }
            let store = try database.open(create: true)
            let version = PlanVersion(planID: plan.id, version: plan.version, effective: effective,
                                      plan: StoredFile(role: .plan, path: file, content: input.bytes),
                                      okrFiles: FileIO.loaded.map { StoredFile(role: .okr, path: $0.path, content: $0.bytes) },
                                      addedAt: History.now, addedBy: History.user)
            do {
                switch try store.add(version) {
                case .added: print(Display.text("stored plan \(plan.id) version \(plan.version), in effect from \(effective)"))
                case .alreadyStored: print(Display.text("plan \(plan.id) version \(plan.version) is already stored, in effect from \(effective)"))
                }
            } catch { throw History.fail(database.db, error) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored plan versions.")

        @OptionGroup var database: DatabaseOption

        @Option(name: .customLong("plan-id"), help: "Only this plan's versions.")
        var planID: String?

        func run() throws {
            let store = try database.open()
            let versions: [PlanVersion]
            do { versions = try store.planVersions(planID) } catch { throw History.fail(database.db, error) }
            guard !versions.isEmpty else {
                Output.stderr("no plan versions\(planID.map { " of \($0)" } ?? "") in \(database.db) (advocomp plans add FILE --effective DATE)")
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

        @OptionGroup var database: DatabaseOption

        @Argument(help: "The plan id.")
        var planID: String

        @Option(help: "The version label (default: the latest).")
        var version: String?

        @Option(name: .customLong("as-of"), help: "Instead of --version: the version in effect on this date (YYYY-MM-DD).")
        var asOf: String?

        func run() throws {
            let versions = try Plans.versions(database, planID)
            let chosen: PlanVersion?
            if let asOf {
                guard let day = CivilDate.parse(asOf) else {
                    Output.stderr("advocomp: error: --as-of '\(asOf)' is not a date (expected YYYY-MM-DD)")
                    throw ExitCode(1)
                }
                chosen = versions.last { CivilDate.parse($0.effective).map { $0 <= day } ?? false }
            } else if let version {
                chosen = versions.first { $0.version == version }
            } else {
                chosen = versions.last
            }
            guard let v = chosen else {
                Output.stderr("\(database.db): error: plan \(planID) has no version \(version.map { "'\($0)'" } ?? "in effect on \(asOf ?? "")") (stored: \(Plans.describe(versions)))")
                throw ExitCode(1)
            }
            Output.stderr("plan \(v.planID) version \(v.version), in effect from \(v.effective), from \(v.plan.path) (SHA-256 \(v.plan.sha256))")
            FileHandle.standardOutput.write(Data(v.plan.content))
        }
    }

    struct DiffVersions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Compare two stored versions of a plan, line by line.")

        @OptionGroup var database: DatabaseOption

        @Argument(help: "The plan id.")
        var planID: String

        @Argument(help: "The earlier version label.")
        var from: String

        @Argument(help: "The later version label.")
        var to: String

        func run() throws {
            let versions = try Plans.versions(database, planID)
            guard let a = versions.first(where: { $0.version == from }), let b = versions.first(where: { $0.version == to }) else {
                let missing = [from, to].filter { l in !versions.contains { $0.version == l } }
                Output.stderr("\(database.db): error: plan \(planID) has no version \(missing.map { "'\($0)'" }.joined(separator: " or ")) (stored: \(Plans.describe(versions)))")
                throw ExitCode(1)
            }
            print(LineDiff.unified(String(decoding: a.plan.content, as: UTF8.self), String(decoding: b.plan.content, as: UTF8.self),
                                   fromLabel: "\(planID) \(a.version) (effective \(a.effective))",
                                   toLabel: "\(planID) \(b.version) (effective \(b.effective))"), terminator: "")
        }
    }

    /// A plan's versions; none is an error.
    static func versions(_ database: DatabaseOption, _ planID: String) throws -> [PlanVersion] {
        let store = try database.open()
        let versions: [PlanVersion]
        do { versions = try store.planVersions(planID) } catch { throw History.fail(database.db, error) }
        guard !versions.isEmpty else {
            Output.stderr("\(database.db): error: plan \(planID) has no stored versions (advocomp plans add FILE --effective DATE)")
            throw ExitCode(1)
        }
        return versions
    }

    static func describe(_ versions: [PlanVersion]) -> String { PlanVersionChoice.describe(versions) }
}

/// `--plan-id`: the stored plan version in effect for a period, as an input file.
enum PlanVersionInput {
    static func inEffect(planID: String, period: String, db: String, onLastDay: Bool = false) throws -> (InputFile, PlanParser.FileLoader) {
        let database = try DatabaseOption.parse(["--db", db])
        let store = try database.open()
        do {
            let chosen = try PlanVersionChoice.inEffect(store, planID: planID, period: period, onLastDay: onLastDay)
            FileIO.loaded = chosen.okrFiles  // recorded with the run
            return (chosen.plan, chosen.loader)
        } catch let problem as PlanVersionChoice.Problem {
            Output.stderr("\(db): error: \(problem.message)")
            throw ExitCode(1)
        } catch { throw History.fail(db, error) }
    }
}
