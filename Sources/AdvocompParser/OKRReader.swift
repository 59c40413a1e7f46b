import AdvocompModel
import Yams

/// Reads an OKR set (SPEC section 2.2), from its own file or inline in a plan.
struct OKRReader {
    let r: YAMLReader
    static let objectiveKeys = ["id", "objective", "owners", "key_results"]
    static let keyResultKeys = ["id", "kpi", "start", "target", "weight", "max"]

    func objectives(_ node: Node) -> [Objective] {
        guard let items = r.sequence(node, "okrs") else { return [] }
        var out: [Objective] = []
        var seen: [String: Node] = [:]
        for item in items {
            guard let f = r.fields(item, "objective", allowed: OKRReader.objectiveKeys) else { continue }
            guard let (id, idNode) = r.itemID(f, item, "objective", seen: &seen) else { continue }
            let text = f["objective"].flatMap { r.string($0, "objective") }
            let owners = f["owners"].flatMap { r.names($0, "owners") } ?? []
            var krs: [KeyResult] = []
            var weights: [FixedDecimal] = []
            var krIDs = Set<String>()
            if let kn = f["key_results"], let list = r.sequence(kn, "key_results") {
                for k in list {
                    guard let kf = r.fields(k, "key result", allowed: OKRReader.keyResultKeys) else { continue }
                    let krID = kf["id"].flatMap { r.string($0, "key result id") } ?? ""
                    if kf["id"] == nil { r.error("key result has no 'id'", k) }
                    if !krID.isEmpty && !krIDs.insert(krID).inserted, let n = kf["id"] {
                        r.error("duplicate key result id '\(krID)' in objective '\(id)'", n)
                    }
                    func need(_ key: String) -> Node? {
                        if let n = kf[key] { return n }
                        r.error("key result '\(krID)' has no '\(key)'", k)
                        return nil
                    }
                    let kpi = need("kpi").flatMap { r.string($0, "kpi") }
                    let start = need("start").flatMap { r.number($0, "start") }
                    let target = need("target").flatMap { r.number($0, "target") }
                    let weight = need("weight").flatMap { r.nonNegative($0, "weight") }
                    let max = kf["max"].map { r.nonNegative($0, "max") } ?? .one
                    if let start, let target, start == target, let n = kf["target"] {
                        r.error("key result '\(krID)': start and target are equal, so progress is undefined", n)
                        continue
                    }
                    if let weight { weights.append(weight) }
                    if let kpi, let start, let target, let weight, let max {
                        krs.append(KeyResult(id: krID, kpi: kpi, start: start, target: target, weight: weight, max: max))
                    }
                }
                if list.isEmpty { r.error("objective '\(id)' has no key results", kn) }
                else if weights.count == list.count {
                    var sum: FixedDecimal? = .zero
                    for w in weights { sum = sum.flatMap { s in try? s + w } }
                    if let sum {
                        if sum != .one { r.error("key result weights of objective '\(id)' sum to \(sum.percentString(maxPlaces: 16)), not 100%", kn) }
                    } else {
                        r.error("key result weights of objective '\(id)' sum to more than the largest number advocomp can hold, not 100%", kn)
                    }
                }
            } else if f["key_results"] == nil {
                r.error("objective '\(id)' has no 'key_results'", idNode)
            }
            out.append(Objective(id: id, objective: text, owners: owners, keyResults: krs, location: r.location(idNode)))
        }
        return out
    }
}
