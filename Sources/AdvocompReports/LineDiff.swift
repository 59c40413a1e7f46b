/// A line diff in unified format (`---`/`+++` labels, `@@` hunks with three lines of
/// context), from the longest common subsequence of lines. Plans are a few hundred
/// lines, so the quadratic table is small.
public enum LineDiff {
    public static func unified(_ a: String, _ b: String, fromLabel: String, toLabel: String, context: Int = 3) -> String {
        let x = lines(a), y = lines(b)
        let ops = script(x, y)
        guard ops.contains(where: { $0.kind != " " }) else { return "" }
        var out = "--- \(fromLabel)\n+++ \(toLabel)\n"
        // Group changes with their context into hunks.
        var k = 0
        while k < ops.count {
            guard let firstChange = ops[k...].firstIndex(where: { $0.kind != " " }) else { break }
            let start = max(k, firstChange - context)
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if ops[end].kind != " " { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            let stop = min(ops.count, lastChange + context + 1)
            let hunk = ops[start..<stop]
            let aStart = hunk.first.map { $0.a } ?? 0, bStart = hunk.first.map { $0.b } ?? 0
            let aCount = hunk.filter { $0.kind != "+" }.count, bCount = hunk.filter { $0.kind != "-" }.count
            out += "@@ -\(aStart + (aCount > 0 ? 1 : 0)),\(aCount) +\(bStart + (bCount > 0 ? 1 : 0)),\(bCount) @@\n"
            for op in hunk { out += String(op.kind) + op.text + "\n" }
            k = stop
        }
        return out
    }

    struct Op {
        var kind: Character  // " ", "-", "+"
        var text: String
        /// 0-based positions in the old and new text where the op stands.
        var a: Int
        var b: Int
    }

    static func lines(_ s: String) -> [String] {
        var list = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if list.last == "" { list.removeLast() }
        return list
    }

    static func script(_ x: [String], _ y: [String]) -> [Op] {
        let n = x.count, m = y.count
        // lcs[i][j]: the longest common subsequence of x[i...] and y[j...].
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, x[i] == y[j] {
                ops.append(Op(kind: " ", text: x[i], a: i, b: j)); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                ops.append(Op(kind: "-", text: x[i], a: i, b: j)); i += 1  // removals before additions
            } else {
                ops.append(Op(kind: "+", text: y[j], a: i, b: j)); j += 1
            }
        }
        return ops
    }
}
