import AdvocompModel

/// A stored version of a plan: its file, the OKR sets it reads, and the first day it is
/// in effect.
public struct PlanVersion: Sendable, Equatable {
    public var planID: String
    public var version: String
    /// YYYY-MM-DD.
    public var effective: String
    public var plan: StoredFile
    public var okrFiles: [StoredFile]
    public var addedAt: String
    public var addedBy: String
    public init(planID: String, version: String, effective: String, plan: StoredFile, okrFiles: [StoredFile],
                addedAt: String, addedBy: String) {
        self.planID = planID; self.version = version; self.effective = effective; self.plan = plan
        self.okrFiles = okrFiles; self.addedAt = addedAt; self.addedBy = addedBy
    }
}

extension RunStore {
    /// Whether `add` stored the version or found it already there.
    public enum AddOutcome: Equatable, Sendable { case added, alreadyStored }

    /// Stores a plan version. A version label is stored once: the same label with other
    /// content, or a second version on the same effective date, is refused.
    public func add(_ v: PlanVersion) throws -> AddOutcome {
        try db.transaction {
            var existing: (sha: String, effective: String)?
            try db.query("SELECT sha256, effective FROM plan_versions WHERE plan_id = ? AND version = ?", [.text(v.planID), .text(v.version)]) {
                existing = ($0.text(0) ?? "", $0.text(1) ?? "")
            }
            if let existing {
                if existing.sha == v.plan.sha256 && existing.effective == v.effective { return .alreadyStored }
                throw StoreError(existing.sha == v.plan.sha256
                                 ? "version \(v.version) of plan \(v.planID) is already stored, effective \(existing.effective)"
                                 : "version \(v.version) of plan \(v.planID) is already stored with other content (give the changed plan a new version)")
            }
            var other: String?
            try db.query("SELECT version FROM plan_versions WHERE plan_id = ? AND effective = ?", [.text(v.planID), .text(v.effective)]) { other = $0.text(0) }
            if let other { throw StoreError("version \(other) of plan \(v.planID) is already effective on \(v.effective)") }
            try db.query("""
                INSERT INTO plan_versions (plan_id, version, effective, sha256, path, content, added_at, added_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(v.planID), .text(v.version), .text(v.effective), .text(v.plan.sha256), .text(v.plan.path),
                      .blob(v.plan.content), .text(v.addedAt), .text(v.addedBy)])
            try db.insertMany("INSERT INTO plan_version_files (plan_id, version, seq, path, sha256, content) VALUES (?, ?, ?, ?, ?, ?)",
                              v.okrFiles.enumerated().map { k, f in
                                  [.text(v.planID), .text(v.version), .int(Int64(k)), .text(f.path), .text(f.sha256), .blob(f.content)]
                              })
            return .added
        }
    }

    /// Stored versions, by plan then effective date (of one plan when given).
    public func planVersions(_ planID: String? = nil) throws -> [PlanVersion] {
        var list: [PlanVersion] = []
        let sql = "SELECT plan_id, version, effective, path, content, added_at, added_by FROM plan_versions"
            + (planID == nil ? "" : " WHERE plan_id = ?") + " ORDER BY plan_id, effective"
        try db.query(sql, planID.map { [.text($0)] } ?? []) { row in
            list.append(PlanVersion(planID: row.text(0) ?? "", version: row.text(1) ?? "", effective: row.text(2) ?? "",
                                    plan: StoredFile(role: .plan, path: row.text(3) ?? "", content: row.blob(4)), okrFiles: [],
                                    addedAt: row.text(5) ?? "", addedBy: row.text(6) ?? ""))
        }
        for k in list.indices {
            try db.query("SELECT path, content FROM plan_version_files WHERE plan_id = ? AND version = ? ORDER BY seq",
                         [.text(list[k].planID), .text(list[k].version)]) { row in
                list[k].okrFiles.append(StoredFile(role: .okr, path: row.text(0) ?? "", content: row.blob(1)))
            }
        }
        return list
    }
}
