import AdvocompKit
import AdvocompStore

/// Who recorded a run, when and how: passed in by the caller (the command line reads the
/// user and the clock; a server its session), never read here.
public struct RunContext: Sendable {
    public var createdAt: String
    public var createdBy: String
    public var commandLine: String
    public var advocompVersion: String
    public init(createdAt: String, createdBy: String, commandLine: String, advocompVersion: String = AdvocompVersion.string) {
        self.createdAt = createdAt; self.createdBy = createdBy; self.commandLine = commandLine; self.advocompVersion = advocompVersion
    }
}

/// A calculation's JSON output, rendered once: each payee's object (rendered on the parallel workers)
/// and the whole output made of them. `calculate --format json` prints `text`, and the
/// history stores it with each payee's object as its place in it.
public struct RenderedJSON: Sendable {
    public let payeeObjects: [String]
    public let text: String

    public init(_ result: RunResult) {
        payeeObjects = JSONReport.payeeObjects(result)
        text = JSONReport.render(result, payeeObjects: payeeObjects)
    }
}

/// A failure to turn a result into its record (an engine value the history cannot hold).
public struct HistoryError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What the history records about a run, made from its result.
public enum Recording {
    /// Every input file of the request, whole, with the OKR sets its plan read.
    public static func files(_ request: CalculationRequest, okrFiles: [InputFile]) -> [StoredFile] {
        var inputs: [(StoredFile.Role, InputFile)] = [(.plan, request.plan), (.roster, request.roster), (.actuals, request.actuals)]
        if let e = request.events { inputs.append((.events, e)) }
        for f in okrFiles { inputs.append((.okr, f)) }
        return inputs.map { StoredFile(role: $0.0, path: $0.1.path, content: $0.1.bytes) }
    }

    /// A payee of a calculation, with its JSON object.
    public static func payee(_ p: PayeeResult, json: String?) -> StoredPayee {
        StoredPayee(payeeID: p.payee.id, name: p.payee.name, payout: p.payout, status: status(p.status), json: json)
    }

    static func status(_ s: PayeeResult.Status) -> PayeeStatus {
        switch s {
        case .ok: return .ok
        case .held: return .held
        case .ineligible: return .ineligible
        }
    }

    /// A payee of a true-up: the payout is the true-up.
    public static func payee(_ l: TrueUpLine) -> StoredPayee {
        StoredPayee(payeeID: l.payeeID, name: l.name, payout: l.trueUp, status: status(l.status),
                    json: TrueUpReport.lineObject(l))
    }

    static func status(_ s: TrueUpLine.Status) -> PayeeStatus {
        switch s {
        case .ok: return .ok
        case .held: return .held
        case .ineligible: return .ineligible
        case .absent: return .absent
        }
    }

    /// A calculation as the history keeps it: every input file, the JSON output, each
    /// payee with its figures and its object of the output, the findings.
    public static func calculation(_ result: RunResult, request: CalculationRequest, okrFiles: [InputFile],
                                   json: RenderedJSON, context: RunContext) -> NewRun {
        let payees = zip(result.payees, json.payeeObjects).map { payee($0, json: $1) }
        return NewRun(period: result.period, planID: result.plan.id, planVersion: result.plan.version,
                      files: files(request, okrFiles: okrFiles), resultJSON: json.text, payees: payees, findings: result.findings,
                      createdAt: context.createdAt, createdBy: context.createdBy, commandLine: context.commandLine,
                      advocompVersion: context.advocompVersion)
    }

    /// A true-up as the history keeps it: as a calculation of the full year whose payees
    /// are the true-up's lines (the payout is the true-up), with the basis and every
    /// amount of each line as values.
    public static func trueUp(_ t: TrueUpResult, request: CalculationRequest, okrFiles: [InputFile], json: String,
                              context: RunContext) throws -> NewRun {
        var run = NewRun(period: t.fullYear.period, planID: t.fullYear.plan.id, planVersion: t.fullYear.plan.version,
                         files: files(request, okrFiles: okrFiles), resultJSON: json, payees: t.lines.map(payee),
                         findings: t.fullYear.findings, createdAt: context.createdAt, createdBy: context.createdBy,
                         commandLine: context.commandLine, advocompVersion: context.advocompVersion)
        run.purpose = .trueUp
        run.trueUp = try stored(t)
        return run
    }

    static func stored(_ t: TrueUpResult) throws -> StoredTrueUp {
        func period(_ text: String) throws -> Period {
            guard let p = Period.parse(text) else { throw HistoryError("the true-up names period '\(text)', which is not a period") }
            return p
        }
        return StoredTrueUp(
            year: t.year,
            periods: try t.basis.periods.map { .init(period: try period($0.period), run: $0.run) },
            carriedFrom: t.basis.carriedFrom,
            lines: try t.lines.map { l in
                StoredTrueUp.Line(payeeID: l.payeeID, fullYear: l.fullYear,
                                  paidByPeriod: try l.paidByPeriod.map { .init(period: try period($0.period), amount: $0.amount) },
                                  paid: l.paid, carriedIn: l.carriedIn, trueUp: l.trueUp, carryForward: l.carryForward, forgiven: l.forgiven)
            })
    }
}

/// Inputs served from stored files: a run's, or a plan version's.
public enum StoredInputs {
    /// The stored file of `role`, as an input.
    public static func input(_ role: StoredFile.Role, in files: [StoredFile]) -> InputFile? {
        files.first { $0.role == role }.map { InputFile(path: $0.path, bytes: $0.content) }
    }

    /// The OKR sets among `files`, as inputs.
    public static func okrFiles(_ files: [StoredFile]) -> [InputFile] {
        files.filter { $0.role == .okr }.map { InputFile(path: $0.path, bytes: $0.content) }
    }

    /// Serves a plan's OKR sets from stored files; `owner` says where they were stored.
    public static func loader(_ files: [StoredFile], owner: String) -> PlanParser.FileLoader {
        let okr = files.filter { $0.role == .okr }
        return { path in
            guard let f = okr.first(where: { $0.path == path }) else {
                return .failure(PlanParser.FileLoadError("not stored with \(owner) (\(path))"))
            }
            return PlanParser.okrSetText(f.content, path: path)
        }
    }
}
