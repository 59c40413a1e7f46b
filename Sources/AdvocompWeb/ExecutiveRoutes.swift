import AdvocompHistory
import AdvocompKit
import AdvocompStore
import Foundation
import Hummingbird

extension WebApp {
    /// The payee a request may see: an executive their own only (403 otherwise, with no
    /// figure); finance any payee.
    func payeeAccess(_ context: WebContext, _ payeeID: String) throws -> WebSession {
        let s = try require(context, .executive, .finance)
        if s.user.role == .executive && s.user.payeeID != payeeID {
            throw WebError(.forbidden, "This statement is not yours: an executive sees only their own.")
        }
        return s
    }

    /// The run to show for a payee: `?run=N` when it holds the payee, else the standing run.
    func payeeRun(_ request: Request, _ payeeID: String) throws -> RunSummary {
        if let text = request.uri.queryParameters.get("run"), !text.isEmpty {
            guard let id = Int64(text), let run = try store.summary(id), run.purpose == .calculate,
                  try store.runs(withPayee: payeeID).contains(id) else {
                throw WebError(.notFound, "Run \(text) holds no statement of this payee.")
            }
            return run
        }
        guard let run = try PayeeRuns.standing(store, payee: payeeID) else {
            throw WebError(.notFound, "No recorded run holds this payee yet.")
        }
        return run
    }

    func addExecutiveRoutes(_ router: Router<WebContext>) {
        router.get("/payees/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            let s = try self.payeeAccess(context, id)
            let run = try self.payeeRun(request, id)
            let preview = try self.preview(run)
            guard let st = preview.statement(id) else { throw WebError(.notFound, "Run \(run.id) holds no statement of this payee.") }
            let chosen = request.uri.queryParameters.get("curve").map { String($0) }
            let data = self.statementData(st, run: run, session: s, curve: chosen, inquiries: try self.store.inquiries(payeeID: id))
            return self.page("statement", data, title: "Statement of \(st.name)", context: context)
        }
        router.get("/payees/:id/whatif") { request, context in
            let id = context.parameters.get("id") ?? ""
            _ = try self.payeeAccess(context, id)
            let run = try self.payeeRun(request, id)
            let preview = try self.preview(run)
            guard let st = preview.statement(id) else { throw WebError(.notFound, "Run \(run.id) holds no statement of this payee.") }
            var overrides: [ActualOverride] = []
            for (key, text) in request.uri.queryParameters where key.hasPrefix("kpi.") {
                let kpi = String(key.dropFirst(4))
                guard let k = st.settableKPIs.first(where: { $0.id == kpi }) else {
                    throw WebError(.badRequest, "The plan scores no KPI '\(kpi)' that a what-if can set.")
                }
                let typed = String(text).trimmingCharacters(in: .whitespaces)
                guard case .success(let value) = FixedDecimal.parse(k.unit == "percent" ? typed + "%" : typed) else {
                    throw WebError(.badRequest, "'\(typed)' is not a number for \(kpi).")
                }
                if value != k.actual, let o = preview.override(id, kpi: kpi, value: value) { overrides.append(o) }
            }
            let started = DispatchTime.now()
            let (w, diagnostics) = try await EngineQueue.run { [overrides] in preview.whatIf(id, overrides: overrides) }
            guard let w else { throw WebError(.badRequest, diagnostics.map(\.message).joined(separator: "; ")) }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
            let sign = w.difference.isNegative ? "" : "+"
            let json = JSON.object([
                ("payout", JSON.string(w.after.payout.grouped)),
                ("payoutPlain", JSON.string(w.after.payout.plain)),
                ("currency", JSON.string(w.after.currency.code)),
                ("before", JSON.string(w.before.payout.grouped)),
                ("difference", JSON.string(sign + w.difference.grouped)),
                ("ofTarget", JSON.string(w.after.percentOfTarget?.percentString(maxPlaces: 1) ?? "-")),
                ("overrides", JSON.array(w.overrides.map { JSON.string($0.text) })),
                ("explanation", JSON.array(w.explanation.map(JSON.string))),
                ("milliseconds", String(format: "%.2f", ms)),
            ])
            return WebApp.text(json, type: "application/json")
        }
        router.get("/payees/:id/curve.svg") { request, context in
            let id = context.parameters.get("id") ?? ""
            _ = try self.payeeAccess(context, id)
            let run = try self.payeeRun(request, id)
            let preview = try self.preview(run)
            let kpi = request.uri.queryParameters.get("kpi").map { String($0) } ?? ""
            let (c, diagnostics) = try await EngineQueue.run { preview.curve(id, kpi: kpi, from: CurveChart.from, to: CurveChart.to, step: CurveChart.step) }
            guard let c else { throw WebError(.badRequest, diagnostics.map(\.message).joined(separator: "; ")) }
            let svg = self.templates.render(CurveChart.data(c), withTemplate: "curve-svg") ?? ""
            return WebApp.text(svg, type: "image/svg+xml")
        }
        router.post("/payees/:id/inquiries") { request, context in
            let id = context.parameters.get("id") ?? ""
            let (s, form) = try await self.requirePost(request, context, .executive)
            guard s.user.payeeID == id else { throw WebError(.forbidden, "This statement is not yours: an executive sees only their own.") }
            guard let runText = form["run"], let runID = Int64(runText), try self.store.runs(withPayee: id).contains(runID),
                  let run = try self.store.summary(runID) else {
                throw WebError(.badRequest, "The question names no run of your statement.")
            }
            let question = (form["question"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !question.isEmpty, question.count <= 2000 else { throw WebError(.badRequest, "A question is 1 to 2,000 characters.") }
            let preview = try self.preview(run)
            guard let st = preview.statement(id), let line = form["line"], WebApp.statementLines(st).contains(line) else {
                throw WebError(.badRequest, "The question names no line of your statement.")
            }
            let inquiry = try self.store.raiseInquiry(runID: runID, payeeID: id, line: line, question: question, at: self.nowText, by: s.user.username)
            try self.audit(s, context, "inquiry raised", "inquiry \(inquiry) on run \(runID), line \(line)")
            return WebApp.redirect("/payees/\(id)?run=\(runID)")
        }
    }

    /// The lines an inquiry can name.
    static func statementLines(_ st: PayeeStatement) -> [String] {
        ["payout", "target incentive"] + st.kpis.map { "KPI \($0.id)" } + st.components.map { "component \($0.id)" }
            + st.modifiers.map { "modifier \($0.id)" } + (st.pool == nil ? [] : ["the pool"])
    }

    func statementData(_ st: PayeeStatement, run: RunSummary, session: WebSession, curve: String?, inquiries: [Inquiry]) -> [String: Any] {
        let show = PayeePreview.show
        let settable = st.settableKPIs
        let curveKPIs = settable.filter { $0.target != nil }
        let chosen = curveKPIs.first { $0.id == curve }?.id ?? curveKPIs.first?.id
        var data: [String: Any] = [
            "payeeID": st.payeeID, "name": st.name, "title": st.title, "unit": st.unit, "planID": st.planID,
            "planVersion": st.planVersion, "period": st.period, "currency": st.currency.code, "runID": "\(run.id)",
            "runWords": "Run \(run.id) is \(run.state)" + (run.approvedBy.map { ", approved by \($0)" } ?? "") + ".",
            "payout": st.payout.grouped, "payoutPlain": st.payout.plain, "target": st.targetIncentive.grouped,
            "ofTarget": st.percentOfTarget?.percentString(maxPlaces: 1) ?? "-", "status": st.status.rawValue,
            "kpis": st.kpis.map { k -> [String: Any] in
                ["id": k.id, "name": k.name, "actual": show(k.actual, k.unit), "target": k.target.map { show($0, k.unit) } ?? "-",
                 "attainment": k.attainment?.percentString() ?? "-",
                 "contributions": k.contributions.map { "\($0.component): weight \($0.weight.percentString()) × factor \($0.factor.shown()) = \($0.shareOfTarget.percentString()) of target" }]
            },
            "components": st.components.map { ["id": $0.id, "weight": $0.weight.percentString(), "score": $0.score.percentString(), "amount": $0.amount.grouped] },
            "hasModifiers": !st.modifiers.isEmpty,
            "modifiers": st.modifiers.map { ["id": $0.id, "type": $0.type, "factor": "\($0.factor)", "reason": $0.reason] },
            "canPreview": st.status == .ok,
            "controls": settable.map { k -> [String: Any] in
                let value = k.unit == "percent" ? ((try? k.actual * FixedDecimal(100)).map { "\($0)" } ?? "\(k.actual)") : "\(k.actual)"
                return ["id": k.id, "name": k.name, "value": value, "suffix": k.unit == "percent" ? "%" : "",
                        "unitWords": k.unit.isEmpty ? "number" : k.unit]
            },
            "curveKPIs": curveKPIs.map { ["id": $0.id, "selected": $0.id == chosen] },
            "lines": WebApp.statementLines(st),
            "canAsk": session.user.role == .executive,
            "inquiries": inquiries.map(WebApp.inquiryData),
        ]
        if st.clamp != .none { data["clamp"] = st.clamp.rawValue }
        if let chosen { data["curveKPI"] = chosen }
        if let p = st.pool {
            data["pool"] = ["words": PayeePreview.poolWords(p), "beforePool": st.beforePool.grouped, "trim": p.trim.grouped]
        }
        return data
    }

    static func inquiryData(_ q: Inquiry) -> [String: Any] {
        ["id": "\(q.id)", "runID": "\(q.runID)", "payeeID": q.payeeID, "line": q.line, "state": q.state.rawValue,
         "open": q.state != .resolved,
         "messages": q.messages.map { ["kind": $0.kind.rawValue, "by": $0.by, "at": $0.at, "text": $0.text] }]
    }
}
