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
    ],
    targets: [
        // Value types: exact decimals, money, dates, periods, the plan, diagnostics.
        .target(name: "AdvocompModel", swiftSettings: swift6),
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
        // SQLite (Debian: libsqlite3-dev), seen only through AdvocompStore.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The run history: runs, approvals, closed periods, in an SQLite file.
        .target(name: "AdvocompStore", dependencies: ["AdvocompModel", "CSQLite"]),
        // glibc allocator settings for the command line (see allocator_tuning.h).
        .target(name: "CAllocatorTuning"),
        .executableTarget(name: "advocomp", dependencies: [
            "AdvocompKit", "AdvocompWorkbook", "AdvocompXLSX", "AdvocompStore", "AdvocompFiles", "CAllocatorTuning",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "advocomp-bench", dependencies: ["AdvocompKit"]),
        .testTarget(name: "AdvocompTests", dependencies: ["AdvocompKit", "AdvocompXLSX", "AdvocompWorkbook", "AdvocompStore", "AdvocompFiles"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
