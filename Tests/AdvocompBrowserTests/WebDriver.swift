import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal W3C WebDriver client for Debian's chromedriver driving headless chromium:
/// just what the browser tests need (no Swift WebDriver package is available offline).
final class WebDriver: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static let chromedriver = "/usr/bin/chromedriver"
    static let chromium = ["/usr/bin/chromium", "/usr/lib/chromium/chromium"]

    let process: Process
    let port: Int
    var session = ""
    let profile: URL

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: chromedriver) && chromium.contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init() async throws {
        let port = 20_000 + Int.random(in: 0..<20_000)
        process = Process()
        process.executableURL = URL(fileURLWithPath: WebDriver.chromedriver)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        WebDriver.trace("starting chromedriver on port \(port)")
        try process.run()
        WebDriver.trace("chromedriver started")
        self.port = port
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-chromium-\(UUID().uuidString)")
        var ready = false
        for _ in 0..<100 {
            if let status = try? await call("GET", "/status"), (status["ready"] as? Bool) == true { ready = true; break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        guard ready else { kill(process.processIdentifier, SIGKILL); throw Failure(description: "chromedriver did not start") }
        let binary = WebDriver.chromium.first { FileManager.default.isExecutableFile(atPath: $0) }!
        var args = ["--headless=new", "--disable-gpu", "--window-size=1280,1500", "--no-first-run", "--disable-extensions",
                    "--user-data-dir=\(profile.path)", "--disable-dev-shm-usage"]
        if getuid() == 0 { args.append("--no-sandbox") }
        let value = try await call("POST", "/session", ["capabilities": ["alwaysMatch": ["browserName": "chrome",
                                                                                            "goog:chromeOptions": ["binary": binary, "args": args]]]])
        guard let id = value["sessionId"] as? String else { throw Failure(description: "no WebDriver session: \(value)") }
        session = id
    }

    func quit() async {
        if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)") }
        // SIGKILL: the served app's signal handling (swift-service-lifecycle) blocks SIGTERM,
        // and a child process inherits that.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let data = try await exchange(method, path, body.map { try JSONSerialization.data(withJSONObject: $0) })
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Failure(description: "not JSON from chromedriver") }
        if let value = json["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \(value["message"] ?? "")")
        }
        return json["value"] as? [String: Any] ?? json
    }

    func value(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let data = try await exchange(method, "/session/\(session)" + path, body.map { try JSONSerialization.data(withJSONObject: $0) })
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        if let v = json?["value"] as? [String: Any], let error = v["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \(v["message"] ?? "")")
        }
        return json?["value"]
    }

    static func trace(_ s: String) {
        if ProcessInfo.processInfo.environment["ADVOCOMP_WEBDRIVER_TRACE"] != nil { fputs("webdriver: \(s)\n", stderr) }
    }

    /// `http` on a thread of its own: the blocking socket must not hold one of the few
    /// threads the served app's handlers run on.
    func exchange(_ method: String, _ path: String, _ body: Data?) async throws -> Data {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Data, Error>) in
            Thread.detachNewThread {
                c.resume(with: Result { try self.http(method, path, body) })
            }
        }
    }

    /// One HTTP/1.1 exchange with chromedriver over a loopback socket (Foundation's
    /// URLSession on Linux refuses chromedriver's headers, written without a space after
    /// the colon).
    func http(_ method: String, _ path: String, _ body: Data?) throws -> Data {
        WebDriver.trace("\(method) \(path)")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "no socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to chromedriver") }
        var request = Data("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n".utf8)
        if let body { request += Data("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n".utf8) }
        else if method == "POST" { request += Data("Content-Length: 0\r\n".utf8) }
        request += Data("\r\n".utf8)
        if let body { request += body }
        try request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
                guard n > 0 else { throw Failure(description: "cannot write to chromedriver") }
                sent += n
            }
        }
        // chromedriver may keep the connection open: the body ends at its Content-Length.
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Range<Data.Index>?
        var length: Int?
        while true {
            if headerEnd == nil, let end = response.range(of: Data("\r\n\r\n".utf8)) {
                headerEnd = end
                let head = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                }
            }
            if let end = headerEnd, let length, response.count - end.upperBound >= length { break }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        guard let end = headerEnd else { throw Failure(description: "no HTTP response from chromedriver") }
        let payload = Data(response[end.upperBound...])
        return payload
    }

    func go(_ url: String) async throws { _ = try await value("POST", "/url", ["url": url]) }

    var url: String { get async throws { try await value("GET", "/url") as? String ?? "" } }
    var source: String { get async throws { try await value("GET", "/source") as? String ?? "" } }

    func element(_ css: String) async throws -> String {
        let v = try await value("POST", "/element", ["using": "css selector", "value": css]) as? [String: Any]
        guard let id = v?.values.first as? String else { throw Failure(description: "no element \(css)") }
        return id
    }

    func elements(_ css: String) async throws -> [String] {
        let v = try await value("POST", "/elements", ["using": "css selector", "value": css]) as? [[String: Any]] ?? []
        return v.compactMap { $0.values.first as? String }
    }

    func text(_ css: String) async throws -> String {
        try await value("GET", "/element/\(try await element(css))/text") as? String ?? ""
    }

    func attribute(_ css: String, _ name: String) async throws -> String? {
        try await value("GET", "/element/\(try await element(css))/attribute/\(name)") as? String
    }

    func type(_ css: String, _ text: String, clear: Bool = true) async throws {
        let e = try await element(css)
        if clear { _ = try await value("POST", "/element/\(e)/clear", [:]) }
        _ = try await value("POST", "/element/\(e)/value", ["text": text])
    }

    func click(_ css: String) async throws { _ = try await value("POST", "/element/\(try await element(css))/click", [:]) }

    /// Runs `script` in the page (WebDriver's channel, not the page's: the CSP still
    /// forbids inline script to the page itself).
    func execute(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await value("POST", "/execute/sync", ["script": script, "args": args])
    }

    /// Waits up to `seconds` for `condition`.
    func wait(_ what: String, seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw Failure(description: "timed out waiting for \(what)")
    }

    /// A PNG of the viewport, saved as `name` under web-screenshots/ (ignored by git).
    @discardableResult
    func screenshot(_ name: String, root: URL) async throws -> URL {
        guard let b64 = try await value("GET", "/screenshot") as? String, let data = Data(base64Encoded: b64) else {
            throw Failure(description: "no screenshot")
        }
        let dir = root.appendingPathComponent("web-screenshots")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }
}
