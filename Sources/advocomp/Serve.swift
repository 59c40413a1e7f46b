import AdvocompKit
import AdvocompStore
import AdvocompWeb
import ArgumentParser
import Dispatch
import Foundation
import Hummingbird

/// `advocomp serve`: the web app on the history (executives, HR, finance).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web app: executives' statements and what-ifs, HR's plan drafts, finance's runs and close.",
        discussion: """
        Binds to 127.0.0.1 unless --host names another address. An address other than loopback needs TLS: \
        the server's own (--tls-cert FILE --tls-key FILE, PEM), or a TLS proxy in front of a loopback server \
        (with --secure-cookies); plain HTTP beyond this machine only with --insecure-public-bind. Accounts \
        are made with advocomp users add.
        """)

    @OptionGroup var history: HistoryOption

    @Option(help: "The address to bind (default 127.0.0.1: this machine only).")
    var host: String = "127.0.0.1"

    @Option(help: "The port (default 8080; 0 picks a free one).")
    var port: Int = 8080

    @Flag(name: .customLong("insecure-public-bind"), help: "Bind to a non-loopback address over plain HTTP: passwords, sessions and payouts cross the network in clear.")
    var insecurePublicBind = false

    @Flag(name: .customLong("secure-cookies"), help: "Mark the session cookie Secure (the app is reached over TLS through a proxy).")
    var secureCookies = false

    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this certificate chain (PEM); with --tls-key.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The private key (PEM) of --tls-cert.")
    var tlsKey: String?

    func run() throws {
        let options = WebOptions(host: host, port: port, insecurePublicBind: insecurePublicBind, secureCookies: secureCookies,
                                 tlsCertificate: tlsCert, tlsKey: tlsKey)
        if let problem = options.problem { throw ValidationError(problem) }
        let server = try options.serverBuilder()
        if insecurePublicBind {
            Output.stderr("advocomp serve: WARNING: --insecure-public-bind: serving salaries and payouts over plain HTTP on \(host)")
        }
        let store = try history.open(create: true)
        if try store.users().isEmpty {
            Output.stderr("advocomp serve: no accounts yet: add one with advocomp users add NAME --role finance|hr|executive [--payee ID] --db \(history.path)")
        }
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        Task {
            do {
                let web = try await WebApp(store: store, options: options)
                let app = Application(router: web.router(), server: server,
                                      configuration: .init(address: .hostname(host, port: port), serverName: "advocomp"),
                                      onServerRunning: { channel in
                                          let address = channel.localAddress
                                          let scheme = options.tls ? "https" : "http"
                                          let shown = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(address?.port ?? port)/"
                                          Output.stderr("advocomp serve: listening on \(shown) (history \(history.path); Ctrl-C stops)")
                                      })
                try await app.runService()
            } catch {
                failure = error
            }
            semaphore.signal()
        }
        semaphore.wait()
        if let failure { throw Output.error("cannot serve: \(failure)", file: history.path) }
    }
}

/// `advocomp users`: the web app's accounts, in the history.
struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the web app's accounts (finance, hr, or an executive bound to a payee).",
        subcommands: [Add.self, List.self, Remove.self, Passwd.self])

    /// The password: from standard input (first line) with --password-stdin, else typed
    /// at the terminal without echo, twice.
    static func password(stdin: Bool) throws -> String {
        let password: String
        if stdin {
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("--password-stdin: standard input is empty") }
            password = line
        } else {
            guard isatty(0) == 1 else { throw ValidationError("standard input is not a terminal: give the password with --password-stdin") }
            let first = try readHidden("Password: "), second = try readHidden("Again: ")
            guard first == second else { throw ValidationError("the two passwords differ") }
            password = first
        }
        if let problem = Accounts.check(password: password) { throw ValidationError(problem) }
        return password
    }

    static func readHidden(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var old = termios()
        tcgetattr(0, &old)
        var quiet = old
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSANOW, &quiet)
        defer { tcsetattr(0, TCSANOW, &old); FileHandle.standardError.write(Data("\n".utf8)) }
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password given") }
        return line
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account.")
        @OptionGroup var history: HistoryOption
        @Argument(help: "The username.") var username: String
        @Option(help: "finance, hr or executive.") var role: String
        @Option(help: "The payee id an executive account is bound to.") var payee: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input's first line.") var passwordStdin = false

        func run() throws {
            if let problem = Accounts.check(username: username) { throw ValidationError(problem) }
            guard let r = WebRole(rawValue: role) else { throw ValidationError("--role is finance, hr or executive") }
            if r == .executive && payee == nil { throw ValidationError("an executive account is bound to one payee: give --payee ID") }
            if r != .executive && payee != nil { throw ValidationError("--payee is for executive accounts only") }
            let store = try history.open(create: true)
            let hash = Accounts.hash(try Users.password(stdin: passwordStdin))
            do {
                try store.addUser(WebUser(username: username, role: r, payeeID: payee, passwordHash: hash, createdAt: History.now, createdBy: History.user))
                try store.audit(at: History.now, username: History.user, action: "user added", detail: "\(username) (\(r.rawValue)\(payee.map { ", payee \($0)" } ?? ""))")
            } catch { throw History.diagnostics(history.path, error) }
            Output.stderr("added \(r.rawValue) account \(username)\(payee.map { " (payee \($0))" } ?? "")")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var history: HistoryOption
        func run() throws {
            let store = try history.open()
            let users: [WebUser]
            do { users = try store.users() } catch { throw History.diagnostics(history.path, error) }
            guard !users.isEmpty else { Output.stderr("no accounts (advocomp users add)"); return }
            print(TextTable.render(["user", "role", "payee", "added (UTC)", "by"],
                                   users.map { [$0.username, $0.role.rawValue, $0.payeeID ?? "-", $0.createdAt, $0.createdBy] }))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account (its sessions end; the audit log keeps its entries).")
        @OptionGroup var history: HistoryOption
        @Argument(help: "The username.") var username: String
        func run() throws {
            let store = try history.open()
            do {
                try store.removeUser(username)
                try store.audit(at: History.now, username: History.user, action: "user removed", detail: username)
            } catch { throw History.diagnostics(history.path, error) }
            Output.stderr("removed account \(username)")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's password (its sessions end).")
        @OptionGroup var history: HistoryOption
        @Argument(help: "The username.") var username: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input's first line.") var passwordStdin = false
        func run() throws {
            let store = try history.open()
            guard try store.user(username) != nil else { throw Output.error("there is no user '\(username)'", file: history.path) }
            let hash = Accounts.hash(try Users.password(stdin: passwordStdin))
            do {
                try store.setPasswordHash(username, hash)
                try store.audit(at: History.now, username: History.user, action: "password set", detail: username)
            } catch { throw History.diagnostics(history.path, error) }
            Output.stderr("password of \(username) set")
        }
    }
}
