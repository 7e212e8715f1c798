// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "lifeline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lifeline", targets: ["lifeline"]),
        .executable(name: "lifeline-bench", targets: ["lifeline-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        /// Pure domain: money, events, MRR, classification. No I/O, no dependencies.
        .target(name: "LifelineCore"),
        /// Per-provider signature verification and normalization into BillingEvent.
        .target(
            name: "LifelineProviders",
            dependencies: [
                "LifelineCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// Configuration loading (YAML + environment) and the reason-code table.
        .target(
            name: "LifelineConfig",
            dependencies: [
                "LifelineCore",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        /// The store protocols every storage implements and every consumer depends on: no database library.
        .target(name: "LifelineStore", dependencies: ["LifelineCore"]),
        /// The embedded store: the protocols on SQLite (GRDB).
        .target(
            name: "LifelineStoreSQLite",
            dependencies: [
                "LifelineCore", "LifelineStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API under GRDB, to bind the writer's INSERT values without boxing them.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        /// The scale-out store: the same protocols on PostgreSQL (postgres-nio).
        .target(
            name: "LifelineStorePostgres",
            dependencies: [
                "LifelineCore", "LifelineStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// Outbox dispatcher and the outbound clients (financing partner, dunning, Stripe retry).
        .target(
            name: "LifelineOutbound",
            dependencies: [
                "LifelineCore", "LifelineStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        /// HTTP surface and the composition root.
        .target(
            name: "LifelineServer",
            dependencies: [
                "LifelineCore", "LifelineProviders", "LifelineStore", "LifelineStoreSQLite", "LifelineStorePostgres", "LifelineConfig", "LifelineOutbound",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                // The HTTP/1.1 channel configuration and request / response parts, for the
                // connection deadline handler.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // Reading CSV files for `lifeline import file`.
                .product(name: "CSV", package: "CSV.swift"),
                // `/metrics`: one PrometheusCollectorRegistry per application (AppMetrics).
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        /// What both executables print and parse: text tables, progress, `--config`, command failures.
        .target(
            name: "LifelineCLI",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "lifeline",
            dependencies: [
                "LifelineCLI", "LifelineCore", "LifelineProviders", "LifelineStore", "LifelineStoreSQLite", "LifelineConfig", "LifelineServer", "LifelineOutbound",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        /// The benchmarks and their load generator, kept out of the production binary.
        .executableTarget(
            name: "lifeline-bench",
            dependencies: [
                "LifelineCLI", "LifelineCore", "LifelineProviders", "LifelineStore", "LifelineStoreSQLite", "LifelineStorePostgres",
                "LifelineConfig", "LifelineServer", "LifelineOutbound",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        /// libFuzzer targets (scripts/fuzz.sh); built normally they replay Fuzz/Corpus for CI.
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzSignatures", dependencies: ["FuzzSupport", "LifelineCore", "LifelineProviders"], path: "Fuzz/FuzzSignatures"),
        .executableTarget(name: "FuzzNormalizers", dependencies: ["FuzzSupport", "LifelineCore", "LifelineProviders"], path: "Fuzz/FuzzNormalizers"),
        .testTarget(
            name: "LifelineStoreTests",
            dependencies: [
                "LifelineCore", "LifelineStore", "LifelineStoreSQLite", "LifelineStorePostgres", "LifelineConfig", "LifelineTestSupport",
                // Raw SQL behind a store's back, to leave a row as a faulty release would.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "LifelineCoreTests", dependencies: ["LifelineCore", "LifelineConfig"]),
        .testTarget(name: "LifelineProvidersTests", dependencies: ["LifelineProviders", "LifelineConfig"]),
        /// Test helpers shared by the test targets: a scriptable partner stub server.
        .target(
            name: "LifelineTestSupport",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/LifelineTestSupport"
        ),
        .testTarget(
            name: "LifelineOutboundTests",
            dependencies: [
                "LifelineOutbound", "LifelineTestSupport", "LifelineCore", "LifelineStore", "LifelineProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "LifelineServerTests",
            dependencies: [
                "LifelineServer", "LifelineStore", "LifelineStoreSQLite", "LifelineStorePostgres", "LifelineProviders", "LifelineOutbound", "LifelineConfig", "LifelineTestSupport",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ]
)
