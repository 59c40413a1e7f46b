import AdvocompModel
import Foundation
import GRDB

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
        try storeErrors {
            try pool.writeWithoutTransaction { db in
                var outcome = AddOutcome.added
                try db.inTransaction(.immediate) {
                    if let existing = try PlanVersionRecord.fetchOne(db, sql: "SELECT * FROM plan_versions WHERE plan_id = ? AND version = ?",
                                                                      arguments: [v.planID, v.version]) {
                        if existing.sha256 == v.plan.sha256 && existing.effective == v.effective {
                            outcome = .alreadyStored
                            return .rollback
                        }
                        throw StoreError(existing.sha256 == v.plan.sha256
                                         ? "version \(v.version) of plan \(v.planID) is already stored, effective \(existing.effective)"
                                         : "version \(v.version) of plan \(v.planID) is already stored with other content (give the changed plan a new version)")
                    }
                    if let other = try String.fetchOne(db, sql: "SELECT version FROM plan_versions WHERE plan_id = ? AND effective = ?",
                                                       arguments: [v.planID, v.effective]) {
                        throw StoreError("version \(other) of plan \(v.planID) is already effective on \(v.effective)")
                    }
                    try PlanVersionRecord(planID: v.planID, version: v.version, effective: v.effective, sha256: v.plan.sha256,
                                          path: v.plan.path, content: Data(v.plan.content), addedAt: v.addedAt, addedBy: v.addedBy).insert(db)
                    for (k, f) in v.okrFiles.enumerated() {
                        try PlanVersionFileRecord(planID: v.planID, version: v.version, seq: Int64(k), path: f.path, sha256: f.sha256,
                                                  content: Data(f.content)).insert(db)
                    }
                    return .commit
                }
                return outcome
            }
        }
    }

    /// Stored versions, by plan then effective date (of one plan when given).
    public func planVersions(_ planID: String? = nil) throws -> [PlanVersion] {
        try storeErrors {
            try pool.read { db in
                let versions = try PlanVersionRecord.fetchAll(db, sql: "SELECT * FROM plan_versions"
                                                              + (planID == nil ? "" : " WHERE plan_id = ?") + " ORDER BY plan_id, effective",
                                                              arguments: StatementArguments(planID.map { [$0] } ?? []))
                return try versions.map { v in
                    let okrs = try PlanVersionFileRecord.fetchAll(db, sql: "SELECT * FROM plan_version_files WHERE plan_id = ? AND version = ? ORDER BY seq",
                                                                  arguments: [v.planID, v.version])
                    return PlanVersion(planID: v.planID, version: v.version, effective: v.effective,
                                       plan: StoredFile(role: .plan, path: v.path, content: Array(v.content)),
                                       okrFiles: okrs.map { StoredFile(role: .okr, path: $0.path, content: Array($0.content)) },
                                       addedAt: v.addedAt, addedBy: v.addedBy)
                }
            }
        }
    }
}
