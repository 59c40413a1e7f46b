import AdvocompStore
import Foundation
import Hummingbird
import NIOCore

extension WebApp {
    static let sessionCookie = "advocomp_session"
    static let loginCookie = "advocomp_login"

    /// The layout's view of the signed-in user.
    func layoutUser(_ context: WebContext) -> [String: Any]? {
        guard let s = context.session else { return nil }
        return ["username": s.user.username, "role": s.user.role.rawValue, "csrf": s.csrfToken,
                "isFinance": s.user.role == .finance, "isHR": s.user.role == .hr, "isExecutive": s.user.role == .executive,
                "payeeID": s.user.payeeID ?? ""]
    }

    /// A page: `template` rendered with `data`, inside the layout. Every value is escaped
    /// by Mustache (`{{ }}`); only the rendered body is put in unescaped.
    func page(_ template: String, _ data: [String: Any], title: String, context: WebContext,
              status: HTTPResponse.Status = .ok, flash: String? = nil) -> Response {
        var data = data
        if let s = context.session { data["csrf"] = data["csrf"] ?? s.csrfToken }
        let body = templates.render(data, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let u = layoutUser(context) { layout["user"] = u }
        if let flash { layout["flash"] = flash }
        let html = templates.render(layout, withTemplate: "layout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorResponse(_ e: WebError, request: Request, context: WebContext) -> Response {
        let wantsJSON = request.uri.path.hasSuffix("/whatif") || request.headers[.accept]?.contains("application/json") == true
        // Signed out, a page asked for leads to the sign-in form.
        if e.status == .unauthorized && request.method == .get && !wantsJSON { return WebApp.redirect("/login") }
        if wantsJSON {
            let json = "{\"error\":" + JSON.string(e.message) + "}"
            return Response(status: e.status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        return page("error", ["heading": "\(e.status.code) \(e.status.reasonPhrase)", "message": e.message],
                    title: e.status.reasonPhrase, context: context, status: e.status)
    }

    static func redirect(_ to: String) -> Response {
        Response(status: .seeOther, headers: [.location: to])
    }

    static func text(_ s: String, type: String, status: HTTPResponse.Status = .ok, download: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: type]
        if let download { headers[.contentDisposition] = "attachment; filename=\"\(download)\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: s)))
    }

    static func bytes(_ b: [UInt8], type: String, download: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(download)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: b)))
    }

    /// The session cookie: HttpOnly, SameSite=Strict, Secure under TLS, with an expiry.
    func sessionCookie(_ token: String, maxAge: Int64) -> String {
        "\(WebApp.sessionCookie)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (options.secureCookies ? "; Secure" : "")
    }
}

/// JSON strings, escaped so no `<` or `&` reaches a page as markup.
enum JSON {
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "'": out += String(format: "\\u%04x", u.value)
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}

/// A urlencoded form body or query string.
struct Form {
    var fields: [String: String] = [:]
    var ordered: [(String, String)] = []

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // Browsers send a textarea's lines ended by CRLF: they are read as LF, as a file's.
            func decode(_ s: Substring) -> String {
                (String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            }
            let k = decode(parts[0]), v = parts.count > 1 ? decode(parts[1]) : ""
            if fields[k] == nil { fields[k] = v }
            ordered.append((k, v))
        }
    }

    subscript(_ key: String) -> String? { fields[key] }

    static func read(_ request: Request, _ context: WebContext) async throws -> Form {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge)
        }
        return Form(String(buffer: buffer))
    }
}
