// swift-tools-version:6.0
import PackageDescription

/// The libraries are compiled in the Swift 6 language mode: a data race is a compile error.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "advocomp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "advocomp", targets: ["advocomp"]),
        .library(name: "AdvocompKit", targets: ["AdvocompKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Value types: exact decimals, money, dates, periods, the plan, diagnostics; the
        // SHA-256 of the audit trail (swift-crypto).
        .target(name: "AdvocompModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swift6),
        // Plan (YAML), OKR set, expressions, CSV inputs: text in, model + diagnostics out.
        .target(name: "AdvocompParser", dependencies: [
            "AdvocompModel",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: swift6),
        // The calculation. Pure: no files, clock or terminal.
        .target(name: "AdvocompEngine", dependencies: ["AdvocompModel"], swiftSettings: swift6),
        // Renders results (csv, json, table, explain) to text.
        .target(name: "AdvocompReports", dependencies: ["AdvocompModel", "AdvocompEngine"], swiftSettings: swift6),
        // Glue: loads in-memory inputs, validates, runs the engine.
        .target(name: "AdvocompKit", dependencies: [
            "AdvocompModel", "AdvocompParser", "AdvocompEngine", "AdvocompReports",
        ], swiftSettings: swift6),
        // Temporary files removed on SIGINT/SIGTERM/SIGHUP (async-signal-safe, so in C).
        .target(name: "CFileSafety"),
        // The I/O edge shared by the command line and the server: bounded input reads,
        // outputs that never overwrite an input or the history, all or none.
        .target(name: "AdvocompFiles", dependencies: ["AdvocompModel", "CFileSafety"], swiftSettings: swift6),
        // libxlsxwriter (Debian: libxlsxwriter-dev), seen only through AdvocompXLSX.
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter",
                       providers: [.apt(["libxlsxwriter-dev"])]),
        // A small, throwing Swift API for writing .xlsx workbooks (wraps CXLSXWriter).
        .target(name: "AdvocompXLSX", dependencies: ["CXLSXWriter", "CFileSafety"], swiftSettings: swift6),
        // The workbook export: live formula chains that recompute to the engine's figures.
        .target(name: "AdvocompWorkbook", dependencies: ["AdvocompModel", "AdvocompEngine", "AdvocompReports", "AdvocompXLSX"], swiftSettings: swift6),
        // The run history: runs, approvals, closed periods, plan versions, in an SQLite file
        // (GRDB over the system SQLite, Debian: libsqlite3-dev), typed values in and out.
        // The only target that imports GRDB (and the tests, to tamper with a history).
        .target(name: "AdvocompStore", dependencies: [
            "AdvocompModel", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ], swiftSettings: swift6),
        // What the history commands do, for the command line and the server alike: record a
        // run, re-run and verify one, compare two, the true-up's basis, the plan version in
        // effect. Reads no clock, environment or terminal: who and when are passed in.
        .target(name: "AdvocompHistory", dependencies: ["AdvocompStore", "AdvocompKit"], swiftSettings: swift6),
        // advocomp serve: a thin web layer over AdvocompKit / AdvocompHistory / AdvocompStore
        // (Hummingbird), with its Mustache templates and one static script as resources.
        .target(name: "AdvocompWeb", dependencies: [
            "AdvocompKit", "AdvocompHistory", "AdvocompStore", "AdvocompFiles", "AdvocompWorkbook",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
        ], resources: [.copy("Templates"), .copy("Static")], swiftSettings: swift6),
        // glibc allocator settings for the command line (see allocator_tuning.h).
        .target(name: "CAllocatorTuning"),
        .executableTarget(name: "advocomp", dependencies: [
            "AdvocompKit", "AdvocompWorkbook", "AdvocompXLSX", "AdvocompStore", "AdvocompHistory", "AdvocompFiles", "AdvocompWeb", "CAllocatorTuning",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "advocomp-bench", dependencies: ["AdvocompKit"]),
        // The helpers the three test targets share (conformance cases, running the built
        // binary, reading a workbook back, LibreOffice, the fuzzer, a history's SQL), with the
        // fixtures as its resources. A regular target, so `swift build -c release` builds it
        // too: StoreTestSupport.swift, which needs a @testable import, is empty but in debug.
        .target(name: "AdvocompTestSupport", dependencies: [
            "AdvocompKit", "AdvocompStore", "AdvocompHistory", .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Tests/AdvocompTestSupport", resources: [.copy("Fixtures")]),
        // Fast, in-process: no subprocess, no file written outside a temporary directory.
        .testTarget(name: "AdvocompUnitTests", dependencies: [
            "AdvocompTestSupport", "AdvocompKit", "AdvocompXLSX", "AdvocompWorkbook", "AdvocompStore", "AdvocompHistory", "AdvocompFiles",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // End to end: the built advocomp (and advocomp-bench) run as a user would.
        .testTarget(name: "AdvocompCLITests", dependencies: [
            "AdvocompTestSupport", "AdvocompKit", "AdvocompStore", "AdvocompHistory", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Workbooks recalculated by LibreOffice, and libxlsxwriter's output read back with python3.
        .testTarget(name: "AdvocompWorkbookTests", dependencies: [
            "AdvocompTestSupport", "AdvocompKit", "AdvocompXLSX", "AdvocompWorkbook",
        ]),
        // The web app in-process (HummingbirdTesting): every route × role, headers, CSRF,
        // rate limits, escaping, figures equal to the command line's to the cent.
        .testTarget(name: "AdvocompWebTests", dependencies: [
            "AdvocompTestSupport", "AdvocompWeb", "AdvocompKit", "AdvocompStore", "AdvocompHistory",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        // The web app in a real browser: Debian's chromium driven through chromedriver.
        .testTarget(name: "AdvocompBrowserTests", dependencies: [
            "AdvocompTestSupport", "AdvocompWeb", "AdvocompKit", "AdvocompStore", "AdvocompHistory",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
