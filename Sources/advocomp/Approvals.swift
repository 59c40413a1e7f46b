import AdvocompHistory
import AdvocompKit
import AdvocompStore
import ArgumentParser
import Foundation

/// The runs an approval acts on: a run set as a whole (one close), and a run of a set
/// with the rest of its set, said on standard error.
private func closeOf(_ ref: RunRef, history: HistoryOption, store: RunStore) throws -> [RunSummary] {
    let runs = try history.runs(ref, in: store)
    if case .run(let id) = ref, let set = runs.first?.runSet {
        let all = try history.runs(.set(set), in: store)
        if all.count > 1 {
            Output.stderr("run \(id) was calculated with \(all.count - 1) other plan\(all.count == 2 ? "" : "s") as run set S\(set) (runs \(all.map { String($0.id) }.joined(separator: ", "))): the set is one close, so all of it")
        }
        return all
    }
    return runs
}

struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve a recorded run, or a run set as one (one approved run per period and plan).",
        discussion: """
        Approving another run of the same period and plan revokes the earlier approval; both \
        stay in the approval trail (advocomp show RUN), with who, when and the note.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: ArgumentHelp("The run id, or a run set as S<n> (advocomp runs lists them).", valueName: "run"))
    var which: RunRef

    @OptionGroup var actorOptions: ActorOptions

    func run() throws {
        let store = try history.open()
        let runs = try closeOf(which, history: history, store: store)
        do {
            let (approved, revoked) = try store.approve(runs.map(\.id), actorOptions.actor)
            for r in revoked { Output.stderr("run \(r) is no longer approved") }
            for r in approved { print(Display.text("approved \(History.describe(r)) by \(r.approvedBy ?? "?") at \(r.approvedAt ?? "?")")) }
        } catch { throw History.diagnostics(history.path, error) }
    }
}

struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Withdraw the approval of a run, or of a run set as one (never of a final run).",
        discussion: "The approval and its withdrawal both stay in the approval trail (advocomp show RUN).")

    @OptionGroup var history: HistoryOption

    @Argument(help: ArgumentHelp("The run id, or a run set as S<n> (advocomp runs lists them).", valueName: "run"))
    var which: RunRef

    @OptionGroup var actorOptions: ActorOptions

    func run() throws {
        let store = try history.open()
        let runs = try closeOf(which, history: history, store: store)
        do {
            for r in try store.revoke(runs.map(\.id), actorOptions.actor) { print(Display.text("approval revoked: \(History.describe(r))")) }
        } catch { throw History.diagnostics(history.path, error) }
    }
}

struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close a period: each plan's approved run becomes final.",
        discussion: """
        advocomp close --period P closes every plan with runs in P; --plan-id one plan; \
        advocomp close S<n> the plans of a run set, whose runs must be the approved ones. \
        Calculating a closed period again records an adjustment run; the final run never changes.
        """)

    @OptionGroup var history: HistoryOption

    @Argument(help: ArgumentHelp("A run set (S<n>) to close as one: its period, its plans.", valueName: "set"))
    var set: RunRef?

    @Option(help: "The period to close.", transform: ArgumentValue.period)
    var period: Period?

    @Option(name: .customLong("plan-id"), help: "Close the period for this plan only (default: every plan with runs in it).")
    var planID: String?

    @OptionGroup var actorOptions: ActorOptions

    func validate() throws {
        if let set, case .run = set { throw ValidationError("close takes a run set (S<n>), or --period: a single run is closed with --period P --plan-id PLAN") }
        if set == nil && period == nil { throw ValidationError("give the period to close (--period P), or a run set (S<n>)") }
        if set != nil && (period != nil || planID != nil) { throw ValidationError("a run set names its period and plans: give S<n> alone, or --period (and --plan-id)") }
    }

    func run() throws {
        let store = try history.open()
        var closePeriod = period, plans = planID.map { [$0] }
        if let set {
            let runs = try history.runs(set, in: store)
            let unapproved = runs.filter { $0.approvedAt == nil && !$0.isFinal }
            guard unapproved.isEmpty else {
                throw Output.error("\(set) cannot be closed: run\(unapproved.count == 1 ? "" : "s") \(unapproved.map { String($0.id) }.joined(separator: ", ")) \(unapproved.count == 1 ? "is" : "are") not approved (advocomp approve \(set.argument))", file: history.path)
            }
            closePeriod = runs.first?.period
            plans = runs.map(\.planID)
        }
        guard let closePeriod else { return }
        do {
            let finals = try store.close(period: closePeriod, planIDs: plans, actorOptions.actor)
            for f in finals { print("closed \(closePeriod) for plan \(f.planID): final run \(f.id)") }
        } catch { throw History.diagnostics(history.path, error) }
    }
}

extension RunRef {
    /// As typed on a command line.
    var argument: String {
        switch self {
        case .run(let id): return String(id)
        case .set(let id): return "S\(id)"
        }
    }
}
