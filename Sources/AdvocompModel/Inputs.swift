/// One row of the roster CSV (SPEC section 3).
///
/// A class: a payee is shared by the roster, the engine and every result, and copying
/// a reference is one retain where copying seven strings is seven.
public final class Payee: @unchecked Sendable {
    public let id: String
    public let name: String
    public let title: String
    public let unit: String
    /// The plan id the row names; nil when the roster has no `plan` column or the cell is blank.
    public let plan: String?
    /// nil when the cell is blank: the plan's currency applies.
    public let currency: Currency?
    public let baseSalary: FixedDecimal?
    public let targetBonusPct: FixedDecimal?
    public let targetBonus: FixedDecimal?
    public let startDate: CivilDate?
    public let endDate: CivilDate?
    public let location: SourceLocation

    public init(id: String, name: String = "", title: String = "", unit: String = "", plan: String? = nil,
                currency: Currency? = nil, baseSalary: FixedDecimal? = nil, targetBonusPct: FixedDecimal? = nil,
                targetBonus: FixedDecimal? = nil, startDate: CivilDate? = nil, endDate: CivilDate? = nil,
                location: SourceLocation) {
        self.id = id; self.name = name; self.title = title; self.unit = unit; self.plan = plan
        self.currency = currency; self.baseSalary = baseSalary; self.targetBonusPct = targetBonusPct
        self.targetBonus = targetBonus; self.startDate = startDate; self.endDate = endDate
        self.location = location
    }
}

/// The roster: every row (the people list), whichever plan it names.
public struct Roster: Sendable {
    public var file: String
    public var columns: Set<String>
    public var payees: [Payee]
    /// payee_id -> index in `payees` (the first row, when an id is duplicated).
    public var rowOf: [String: Int]
    public init(file: String, columns: Set<String>, payees: [Payee], rowOf: [String: Int]? = nil) {
        self.file = file; self.columns = columns; self.payees = payees
        self.rowOf = rowOf ?? Dictionary(payees.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Indices of the rows on plan `id`: every row when the roster has no `plan` column
    /// (SPEC section 3: rows naming another plan are skipped; a blank cell names none).
    public func indices(onPlan id: String) -> [Int] {
        guard columns.contains("plan") else { return Array(payees.indices) }
        return payees.indices.filter { payees[$0].plan == id }
    }
}

/// Where an actual applies: `company`, `unit:NAME` or `payee:ID`.
public enum ActualScope: Hashable, Sendable, CustomStringConvertible {
    case company
    case unit(String)
    case payee(String)

    public var description: String {
        switch self {
        case .company: return "company"
        case .unit(let u): return "unit:\(u)"
        case .payee(let p): return "payee:\(p)"
        }
    }

    public static func parse(_ text: String) -> ActualScope? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> ActualScope? {
        func hasPrefix(_ p: StaticString) -> Bool {
            let n = p.utf8CodeUnitCount
            guard b.count > n else { return false }
            let ps = p.utf8Start
            for i in 0..<n where b[i] != ps[i] { return false }
            return true
        }
        func rest(_ n: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[n...]), as: UTF8.self) }
        if b.count == 7 && hasPrefix("compan") && b[6] == UInt8(ascii: "y") { return .company }
        if hasPrefix("unit:") { return .unit(rest(5)) }
        if hasPrefix("payee:") { return .payee(rest(6)) }
        return nil
    }
}

/// One row of the actuals CSV.
public struct ActualRow: Sendable {
    public var period: Period
    public var scope: ActualScope
    public var kpi: String
    public var value: FixedDecimal
    /// 1-based line in the actuals file (the file name is `Actuals.file`).
    public var line: Int
    public init(period: Period, scope: ActualScope, kpi: String, value: FixedDecimal, line: Int) {
        self.period = period; self.scope = scope; self.kpi = kpi; self.value = value; self.line = line
    }
}

public struct Actuals: Sendable {
    public var file: String
    public var rows: [ActualRow]
    public init(file: String, rows: [ActualRow]) { self.file = file; self.rows = rows }

    /// Where a row stands, for diagnostics.
    public func location(_ row: ActualRow, column: Int = 1) -> SourceLocation {
        SourceLocation(file: file, line: row.line, column: column)
    }
}
