import AdvocompHistory
import AdvocompKit
import AdvocompStore
import AdvocompWorkbook
import Foundation
import Hummingbird

extension WebApp {
    func run(_ context: WebContext) throws -> RunSummary {
        guard let text = context.parameters.get("id"), let id = Int64(text), let run = try store.summary(id) else {
            throw WebError(.notFound, "There is no such run.")
        }
        return run
    }

    func addFinanceRoutes(_ router: Router<WebContext>) {
        router.get("/runs") { _, context in
            _ = try self.require(context, .finance)
            let runs = try self.store.runs().reversed().map { r -> [String: Any] in
                let totals = (try? self.store.totals(r.id)) ?? []
                return ["id": "\(r.id)", "period": r.period.description, "plan": r.planID, "version": r.planVersion,
                        "kind": r.purpose == .trueUp ? "true-up" : r.kind == .adjustment ? "adjusts \(r.adjusts ?? 0)" : "regular",
                        "state": r.state, "approvedBy": r.approvedBy ?? "", "payees": "\(r.payeeCount)",
                        "totals": totals.map { "\($0.payout.grouped) \($0.currency.code) (payable \($0.payable.grouped))" },
                        "createdAt": r.createdAt, "createdBy": r.createdBy]
            }
            return self.page("runs", ["runs": runs], title: "Runs", context: context)
        }
        router.get("/runs/:id") { request, context in
            _ = try self.require(context, .finance)
            let r = try self.run(context)
            return try self.runPage(r, context: context, flash: request.uri.queryParameters.get("done").map { String($0) })
        }
        router.get("/runs/:id/confirm") { request, context in
            _ = try self.require(context, .finance)
            let r = try self.run(context)
            let action = request.uri.queryParameters.get("action").map { String($0) } ?? ""
            let words: String, button: String
            switch action {
            case "approve":
                words = "Approve run \(r.id) (\(r.period), plan \(r.planID) \(r.planVersion)) for payment? Approving it revokes the approval of any other regular run of this period and plan."
                button = "Approve run \(r.id)"
            case "revoke":
                words = "Withdraw the approval of run \(r.id)? It can no longer be paid until approved again."
                button = "Revoke run \(r.id)"
            case "close":
                words = "Close \(r.period) for plan \(r.planID)? Its approved run becomes final and never changes; later corrections are adjustments."
                button = "Close \(r.period)"
            default: throw WebError(.badRequest, "There is no action '\(action)'.")
            }
            return self.page("confirm", ["id": "\(r.id)", "action": action, "heading": button + "?", "words": words, "button": button],
                             title: button, context: context)
        }
        for action in ["approve", "revoke", "close"] {
            router.post("/runs/:id/\(action)") { request, context in
                let (s, form) = try await self.requirePost(request, context, .finance)
                let r = try self.run(context)
                let note = String((form["note"] ?? "").prefix(500))
                let actor = Actor(by: s.user.username, at: self.nowText, note: note)
                let done: String
                do {
                    switch action {
                    case "approve":
                        let (_, revoked) = try self.store.approve([r.id], actor)
                        done = "Run \(r.id) approved" + (revoked.isEmpty ? "." : "; the approval of run \(revoked.map { String($0) }.joined(separator: ", ")) is revoked.")
                    case "revoke":
                        _ = try self.store.revoke([r.id], actor)
                        done = "The approval of run \(r.id) is revoked."
                    default:
                        let closed = try self.store.close(period: r.period, planIDs: [r.planID], actor)
                        done = "\(r.period) is closed for \(r.planID): run \(closed.map { String($0.id) }.joined(separator: ", ")) is final."
                    }
                } catch let e as StoreError {
                    throw WebError(.conflict, e.message)
                }
                try self.audit(s, context, action, "run \(r.id)" + (note.isEmpty ? "" : ": \(note)"))
                return WebApp.redirect("/runs/\(r.id)?done=" + (done.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            }
        }
        router.get("/runs/:id/payroll.csv") { _, context in
            let s = try self.require(context, .finance)
            let r = try self.run(context)
            guard r.purpose == .calculate else { throw WebError(.badRequest, "Run \(r.id) is a true-up: its payroll is written by advocomp payroll.") }
            let p = try PayrollHistory.recorded(self.store, r)
            let text = PayrollReport.render([(p.payroll, p.earningCode)], period: p.period)
            try self.audit(s, context, "download", "payroll of run \(r.id) (\(r.state))")
            return WebApp.text(text, type: "text/csv; charset=utf-8", download: "payroll-run-\(r.id)\(r.state == "draft" ? "-DRAFT" : "").csv")
        }
        router.get("/runs/:id/workbook.xlsx") { _, context in
            let s = try self.require(context, .finance)
            let r = try self.run(context)
            let bytes = try self.workbook(r, user: s.user.username, payee: nil)
            try self.audit(s, context, "download", "workbook of run \(r.id)")
            return WebApp.bytes(bytes, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", download: "run-\(r.id).xlsx")
        }
        router.get("/runs/:id/statements/:file") { _, context in
            let s = try self.require(context, .finance)
            let r = try self.run(context)
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".xlsx") else { throw WebError(.notFound, "There is no such file.") }
            let payee = String(file.dropLast(5))
            let bytes = try self.workbook(r, user: s.user.username, payee: payee)
            try self.audit(s, context, "download", "statement of payee \(payee), run \(r.id)")
            return WebApp.bytes(bytes, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", download: "\(payee)-run-\(r.id).xlsx")
        }
        router.get("/inquiries") { _, context in
            _ = try self.require(context, .finance)
            return self.page("inquiries", ["inquiries": try self.store.inquiries().map(WebApp.inquiryData)], title: "Inquiries", context: context)
        }
        for (path, kind) in [("answer", Inquiry.Message.Kind.answer), ("resolve", .resolve)] {
            router.post("/inquiries/:id/\(path)") { request, context in
                let (s, form) = try await self.requirePost(request, context, .finance)
                guard let id = context.parameters.get("id").flatMap { Int64($0) }, try self.store.inquiry(id) != nil else {
                    throw WebError(.notFound, "There is no such inquiry.")
                }
                let text = (form["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard text.count <= 2000, kind == .resolve || !text.isEmpty else { throw WebError(.badRequest, "An answer is 1 to 2,000 characters.") }
                do {
                    try self.store.addInquiryMessage(id, kind: kind, text: text, at: self.nowText, by: s.user.username)
                } catch let e as StoreError { throw WebError(.conflict, e.message) }
                try self.audit(s, context, "inquiry \(path)", "inquiry \(id)")
                return WebApp.redirect("/inquiries")
            }
        }
        router.get("/audit") { _, context in
            _ = try self.require(context, .finance)
            let entries = try self.store.auditLog(limit: 500).reversed().map {
                ["seq": "\($0.seq)", "at": $0.at, "username": $0.username, "action": $0.action, "detail": $0.detail, "address": $0.address]
            }
            return self.page("audit", ["entries": Array(entries)], title: "Audit log", context: context)
        }
    }

    func runPage(_ r: RunSummary, context: WebContext, flash: String?) throws -> Response {
        let payees = try store.payees(r.id, json: false)
        var units: [[String: Any]] = []
        var unitOf: [String: String] = [:]
        if r.purpose == .calculate, let preview = try? preview(r) {
            for p in preview.base.payees { unitOf[p.payee.id] = p.payee.unit }
            units = preview.base.totals.byUnit.map { ["unit": $0.unit, "currency": $0.currency.code, "payees": "\($0.payees)", "payout": $0.payout.grouped] }
        }
        let totals = try store.totals(r.id).map {
            ["currency": $0.currency.code, "payees": "\($0.payees)", "payout": $0.payout.grouped, "payable": $0.payable.grouped]
        }
        let closed = try store.finalRun(period: r.period, planID: r.planID) != nil
        let data: [String: Any] = [
            "id": "\(r.id)", "period": r.period.description, "plan": r.planID, "version": r.planVersion,
            "kind": r.purpose == .trueUp ? "true-up" : r.kind == .adjustment ? "adjusts run \(r.adjusts ?? 0)" : "regular",
            "state": r.state, "approvedBy": r.approvedBy ?? "", "approvedAt": r.approvedAt ?? "",
            "canApprove": r.state == "draft" && !(closed && r.kind == .regular), "canRevoke": r.state == "approved",
            "canClose": r.state == "approved" && !closed && r.kind == .regular,
            "totals": totals, "units": units,
            "payees": payees.map { ["id": $0.payeeID, "name": $0.name, "unit": unitOf[$0.payeeID] ?? "", "status": $0.status.rawValue,
                                    "payout": $0.payout.grouped, "currency": $0.currency.code, "run": "\(r.id)"] },
            "findings": try store.findings(r.id).map { ["check": $0.check, "payee": $0.payeeID ?? "-", "action": $0.action, "detail": $0.detail] },
            "trail": try store.trail([r.id]).map { ["action": $0.action.rawValue, "by": $0.by, "at": $0.at, "note": $0.note] },
        ]
        return page("run", data, title: "Run \(r.id)", context: context, flash: flash)
    }

    /// The run's workbook (or one payee's statement workbook), as `calculate --xlsx` and
    /// `statements` write them, made in a private temporary directory and read back.
    func workbook(_ r: RunSummary, user: String, payee: String?) throws -> [UInt8] {
        guard r.purpose == .calculate else { throw WebError(.badRequest, "Run \(r.id) is a true-up: advocomp show \(r.id) --xlsx writes its workbook.") }
        let (rerun, okrFiles) = try RunReplay.rerun(store, r, recordFigures: true)
        guard case .calculation(let result, let request) = rerun else { throw WebError(.internalServerError, "Run \(r.id) cannot be calculated again.") }
        let index = payee.flatMap { p in result.payees.firstIndex { $0.payee.id == p } }
        if payee != nil && index == nil { throw WebError(.notFound, "Run \(r.id) holds no such payee.") }
        let inputs = [("plan", request.plan)] + okrFiles.map { ("OKR set", $0) }
            + [("roster", request.roster), ("actuals", request.actuals)] + (request.events.map { [("events", $0)] } ?? [])
        let files = inputs.map { role, f in WorkbookContext.InputFileRecord(role: role, path: f.path, sha256: SHA256.hex(f.bytes), bytes: f.bytes.count) }
        let context = WorkbookContext(command: "advocomp serve (download)", generatedAt: nowText, advocompVersion: AdvocompVersion.string,
                                      files: files, user: user, run: .init(id: r.id, state: r.state))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-web-\(Accounts.token().prefix(16))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("book.xlsx").path
        let sink = try XLSXSink(path: path, constantMemory: false)
        do {
            if let index {
                try WorkbookBuilder.writeStatement(of: index, run: result, context: context, to: sink)
            } else {
                var builder = WorkbookBuilder(run: result, context: context)
                try builder.write(to: sink)
            }
            try sink.close()
        } catch {
            sink.discard()
            throw error
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
