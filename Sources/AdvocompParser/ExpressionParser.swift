import AdvocompModel

/// Parses the expression language of SPEC section 4 (recursive descent, loosest first).
///
/// Errors carry the 0-based character offset in the expression text; the plan parser
/// turns that into a file column.
public struct ExpressionParser {
    public struct SyntaxError: Error, Equatable {
        public let message: String
        public let offset: Int
    }

    enum Token: Equatable {
        case number(FixedDecimal)
        case ident(String)
        case op(String)
        case end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var pos = 0
    private let text: String

    public static func parse(_ text: String) -> Result<Expression, SyntaxError> {
        var p = ExpressionParser(text: text)
        do {
            try p.tokenize()
            let e = try p.parseOr()
            if p.current != .end {
                throw SyntaxError(message: "unexpected \(p.describe(p.current)) after a complete expression", offset: p.offset)
            }
            return .success(e)
        } catch let e as SyntaxError {
            return .failure(e)
        } catch {
            return .failure(SyntaxError(message: "\(error)", offset: 0))
        }
    }

    private init(text: String) { self.text = text }

    private var current: Token { tokens[pos].token }
    private var offset: Int { tokens[pos].offset }

    private mutating func tokenize() throws {
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        func isIdentStart(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            let start = i
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                while i < chars.count && (isDigit(chars[i]) || chars[i] == ".") { i += 1 }
                if i < chars.count && chars[i] == "%" { i += 1 }
                if i < chars.count && (isIdentStart(chars[i])) {
                    throw SyntaxError(message: "a number runs into a name ('\(String(String.UnicodeScalarView(chars[start...i])))')", offset: start)
                }
                let lexeme = String(String.UnicodeScalarView(chars[start..<i]))
                switch FixedDecimal.parse(lexeme) {
                case .success(let v): tokens.append((.number(v), start))
                case .failure(let e): throw SyntaxError(message: "'\(lexeme)': \(e)", offset: start)
                }
                continue
            }
            if isIdentStart(c) {
                while i < chars.count && (isIdentStart(chars[i]) || isDigit(chars[i])) { i += 1 }
                tokens.append((.ident(String(String.UnicodeScalarView(chars[start..<i]))), start))
                continue
            }
            let two = i + 1 < chars.count ? String(String.UnicodeScalarView([c, chars[i + 1]])) : ""
            if ["<=", ">=", "==", "!="].contains(two) {
                tokens.append((.op(two), start)); i += 2; continue
            }
            if "<>+-*/(),".unicodeScalars.contains(c) {
                tokens.append((.op(String(c)), start)); i += 1; continue
            }
            if c == "=" {
                throw SyntaxError(message: "'=' is not an operator; use '==' to compare", offset: start)
            }
            if c == "&" || c == "|" || c == "!" {
                throw SyntaxError(message: "'\(c)' is not an operator; use 'and', 'or', 'not'", offset: start)
            }
            throw SyntaxError(message: "unexpected character '\(c)'", offset: start)
        }
        tokens.append((.end, chars.count))
        // Evaluation recurses over the tree; bound its size so no plan can exhaust a stack.
        if tokens.count > ExpressionParser.maxTokens {
            throw SyntaxError(message: "the expression has more than \(ExpressionParser.maxTokens) parts; split it into formula KPIs", offset: 0)
        }
    }

    static let maxTokens = 1000

    private func describe(_ t: Token) -> String {
        switch t {
        case .number(let v): return "number \(v)"
        case .ident(let s): return "'\(s)'"
        case .op(let s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }

    private mutating func advance() { if pos < tokens.count - 1 { pos += 1 } }

    private mutating func accept(_ op: String) -> Bool {
        if current == .op(op) { advance(); return true }
        return false
    }

    private mutating func acceptKeyword(_ word: String) -> Bool {
        if current == .ident(word) { advance(); return true }
        return false
    }

    private mutating func expect(_ op: String, _ context: String) throws {
        guard accept(op) else {
            throw SyntaxError(message: "expected '\(op)' \(context), found \(describe(current))", offset: offset)
        }
    }

    private mutating func parseOr() throws -> Expression {
        var e = try parseAnd()
        while acceptKeyword("or") { e = .binary(.or, e, try parseAnd()) }
        return e
    }

    private mutating func parseAnd() throws -> Expression {
        var e = try parseNot()
        while acceptKeyword("and") { e = .binary(.and, e, try parseNot()) }
        return e
    }

    private mutating func parseNot() throws -> Expression {
        if acceptKeyword("not") { return .not(try nested { try $0.parseNot() }) }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expression {
        let left = try parseSum()
        let comparisons: [(String, Expression.BinaryOperator)] = [
            ("<=", .lessEqual), (">=", .greaterEqual), ("==", .equal), ("!=", .notEqual), ("<", .less), (">", .greater),
        ]
        for (text, op) in comparisons where accept(text) {
            let right = try parseSum()
            if case .op(let o) = current, comparisons.contains(where: { $0.0 == o }) {
                throw SyntaxError(message: "comparisons do not chain; combine them with 'and'", offset: offset)
            }
            return .binary(op, left, right)
        }
        return left
    }

    private mutating func parseSum() throws -> Expression {
        var e = try parseProduct()
        while true {
            if accept("+") { e = .binary(.plus, e, try parseProduct()) }
            else if accept("-") { e = .binary(.minus, e, try parseProduct()) }
            else { return e }
        }
    }

    private mutating func parseProduct() throws -> Expression {
        var e = try parseUnary()
        while true {
            if accept("*") { e = .binary(.times, e, try parseUnary()) }
            else if accept("/") { e = .binary(.divide, e, try parseUnary()) }
            else { return e }
        }
    }

    private mutating func parseUnary() throws -> Expression {
        if accept("-") { return .negate(try nested { try $0.parseUnary() }) }
        return try parseAtom()
    }

    /// How deeply parentheses, function calls and prefix operators may nest: far more
    /// than a plan needs, and far less than would exhaust the stack.
    static let maxDepth = 100
    private var depth = 0

    private mutating func nested<T>(_ body: (inout ExpressionParser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > ExpressionParser.maxDepth {
            throw SyntaxError(message: "the expression nests more than \(ExpressionParser.maxDepth) levels deep", offset: offset)
        }
        return try body(&self)
    }

    private mutating func parseAtom() throws -> Expression {
        try nested { try $0.parseAtomBody() }
    }

    private mutating func parseAtomBody() throws -> Expression {
        let at = offset
        switch current {
        case .number(let v):
            advance()
            return .number(v)
        case .ident(let name):
            if ["and", "or", "not"].contains(name) {
                throw SyntaxError(message: "expected a value, found '\(name)'", offset: at)
            }
            advance()
            if name == "true" { return .boolean(true) }
            if name == "false" { return .boolean(false) }
            if accept("(") {
                guard let f = Expression.Function(rawValue: name) else {
                    let known = Expression.Function.allCases.map(\.rawValue)
                    throw SyntaxError(message: "unknown function '\(name)'" + Suggest.didYouMean(name, in: known)
                                      + " (functions: \(known.joined(separator: ", ")))", offset: at)
                }
                var args: [Expression] = []
                if !accept(")") {
                    repeat { args.append(try parseOr()) } while accept(",")
                    try expect(")", "to close the arguments of \(name)(")
                }
                return .call(f, args)
            }
            return .kpi(name)
        case .op("("):
            advance()
            let e = try parseOr()
            try expect(")", "to close '('")
            return e
        case .end:
            throw SyntaxError(message: "the expression ends where a value is expected", offset: at)
        case .op(let o):
            throw SyntaxError(message: "expected a value, found '\(o)'", offset: at)
        }
    }
}
