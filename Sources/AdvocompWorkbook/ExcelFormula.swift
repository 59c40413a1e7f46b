import AdvocompModel

/// Building blocks of the workbook's formulas. Everything here returns formula text
/// (without the leading `=`) that Excel and LibreOffice evaluate to the engine's figures.
enum ExcelFormula {
    /// A number literal, exact as written in the plan.
    static func literal(_ v: FixedDecimal) -> String {
        let s = v.description
        return s.hasPrefix("-") ? "(\(s))" : s
    }

    /// Rounds `x` to `places` decimals, ties to even, as the engine does. Excel's ROUND
    /// goes half away from zero, so ties are detected explicitly; `x` is first settled
    /// at 6 decimals of the last place, which removes binary floating-point noise.
    static func roundHalfEven(_ x: String, places: Int) -> String {
        let scale = places == 0 ? "1" : "10^\(places)"
        let y = "ROUND(ABS(\(x))*\(scale),6)"
        return "SIGN(\(x))*IF(MOD(\(y),1)=0.5,2*ROUND(\(y)/2,0),ROUND(\(y),0))/\(scale)"
    }

    /// Rounds `x` to `places` decimals, ties away from zero.
    static func roundHalfUp(_ x: String, places: Int) -> String {
        let scale = places == 0 ? "1" : "10^\(places)"
        return "SIGN(\(x))*ROUND(ROUND(ABS(\(x))*\(scale),6),0)/\(scale)"
    }

    static func round(_ x: String, places: Int, mode: RoundingMode) -> String {
        switch mode {
        case .halfUp: return roundHalfUp(x, places: places)
        case .halfEven: return roundHalfEven(x, places: places)
        case .down:
            let scale = places == 0 ? "1" : "10^\(places)"
            return "INT(ROUND(\(x)*\(scale),6))/\(scale)"
        }
    }

    /// The same rounding for an `x` known to be at least zero (a gross): without the
    /// sign handling, about half as long, which matters on 100,000 rows. Settled as
    /// above, `y` is rounded half up, then a tie that went up to an odd number (`y` is
    /// 0.5 more than an even number) is taken back down by one.
    static func round(_ x: String, places: Int, mode: RoundingMode, nonNegative: Bool) -> String {
        guard nonNegative else { return round(x, places: places, mode: mode) }
        let scale = "1" + String(repeating: "0", count: max(places, 0))
        let y = places == 0 ? "ROUND(\(x),6)" : "ROUND(\(x)*\(scale),6)"
        let up: String
        switch mode {
        case .halfUp: up = "ROUND(\(y),0)"
        case .halfEven: up = "(ROUND(\(y),0)-(MOD(\(y),2)=0.5))"
        case .down: up = "INT(\(y))"
        }
        return places == 0 ? up : "\(up)/\(scale)"
    }

    /// A curve's factor at attainment `a` (SPEC section 5 step 4) over the curve's named
    /// cells on the Plan sheet: below the first point `<prefix>_Below`; otherwise the
    /// last point at or below `a` (LOOKUP over `<prefix>_X`, sorted ascending), plus the
    /// distance from it times the slope that starts there (0 past the last point for
    /// `cap`, the last segment's for `extend`, 0 everywhere for `step`).
    static func curve(_ c: Curve, prefix: String, at a: String) -> String {
        let x = "\(prefix)_X", y = "\(prefix)_Y", sl = "\(prefix)_S"
        let value = c.interpolate == .step
            ? "LOOKUP(\(a),\(x),\(y))"
            : "LOOKUP(\(a),\(x),\(y))+(\(a)-LOOKUP(\(a),\(x),\(x)))*LOOKUP(\(a),\(x),\(sl))"
        return "IF(\(a)<\(prefix)_X1,\(prefix)_Below,\(value))"
    }
}

/// Translates the plan's expression language (SPEC section 4) into a spreadsheet formula.
struct ExcelExpression {
    /// Cell references for a KPI's actual, target and attainment for the row at hand.
    let actual: (Int) -> String
    let target: (Int) -> String
    let attainment: (Int) -> String
    let kpiIndex: [String: Int]

    func translate(_ e: Expression) -> String {
        switch e {
        case .number(let v): return ExcelFormula.literal(v)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .kpi(let k): return actual(kpiIndex[k] ?? 0)
        case .negate(let x): return "(-\(translate(x)))"
        case .not(let x): return "NOT(\(translate(x)))"
        case .binary(let op, let a, let b):
            let l = translate(a), r = translate(b)
            switch op {
            // IF is lazy, as the engine's and/or are: the right side is not evaluated when
            // the left decides.
            case .and: return "IF(\(l),\(r),FALSE)"
            case .or: return "IF(\(l),TRUE,\(r))"
            case .equal: return "(\(l)=\(r))"
            case .notEqual: return "(\(l)<>\(r))"
            default: return "(\(l)\(op.rawValue)\(r))"
            }
        case .call(let f, let args):
            let a = args.map(translate)
            switch f {
            case .min: return "MIN(\(a.joined(separator: ",")))"
            case .max: return "MAX(\(a.joined(separator: ",")))"
            case .clamp: return "MIN(MAX(\(a[0]),\(a[1])),\(a[2]))"
            case .abs: return "ABS(\(a[0]))"
            case .if: return "IF(\(a[0]),\(a[1]),\(a[2]))"
            case .round:
                guard case .number(let p) = args[1], let places = p.exactInt else { return a[0] }
                return ExcelFormula.roundHalfEven(a[0], places: places)
            case .attainment, .target:
                guard case .kpi(let k) = args[0], let i = kpiIndex[k] else { return "0" }
                return f == .attainment ? attainment(i) : target(i)
            }
        }
    }
}

/// Defined names for plan parameters: valid (letters, digits, `_`; never a cell
/// reference, thanks to the `_` after a prefix) and unique.
struct NameTable {
    private var used = Set<String>()

    mutating func make(_ parts: String...) -> String { make(parts) }

    /// A prefix whose names `<prefix>_<suffix>` are all free, reserving them (a curve's
    /// `standard_X`, `standard_Y`, ...). The prefix itself is no name.
    mutating func makePrefix(_ base: String, suffixes: [String]) -> String {
        let clean = sanitized([base])
        var prefix = clean
        var n = 2
        while suffixes.contains(where: { used.contains("\(prefix)_\($0)".lowercased()) }) { prefix = "\(clean)_\(n)"; n += 1 }
        for s in suffixes { used.insert("\(prefix)_\(s)".lowercased()) }
        return prefix
    }

    private func sanitized(_ parts: [String]) -> String {
        var base = parts.map { part in
            String(part.unicodeScalars.map { c -> Character in
                (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) ? Character(c) : "_"
            })
        }.joined(separator: "_")
        if let f = base.unicodeScalars.first, !(f.properties.isAlphabetic && f.isASCII) { base = "N_" + base }
        return base
    }

    mutating func make(_ parts: [String]) -> String {
        let base = sanitized(parts)
        var name = base
        var n = 2
        while used.contains(name.lowercased()) { name = "\(base)_\(n)"; n += 1 }
        used.insert(name.lowercased())
        return name
    }
}
