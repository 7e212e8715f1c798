import ArgumentParser
import Foundation
import Hummingbird
import LifelineCLI
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import LifelineStorePostgres
import Logging

extension Bench {
    struct IngestBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Acknowledged and projected Stripe webhooks/s, latency, projection lag and peak RSS of real servers, beside a bare endpoint."
        )

        @Option(help: "Webhooks to post (each run: bare endpoint, then the real one).")
        var events: Int = 50_000

        @Option(help: "Concurrent connections of the load generator.")
        var connections: Int = 64

        @Option(help: "Customers the events are spread over.")
        var customers: Int = 10_000

        @Option(help: "Directory holding stripe/ sample files used as templates.")
        var webhooks: String = "Webhooks"

        @Option(help: "PostgreSQL URL (a throw-away schema is created in it and dropped afterwards); default: a temporary SQLite file.")
        var databaseURL: String?

        @Option(help: "Server instances sharing the PostgreSQL database, each with its own pool and projector.")
        var instances: Int = 1

        @Option(help: "Load generator: the built-in one (AsyncHTTPClient, in a child process) or wrk (a Lua script posting the same signed bodies).")
        var generator: GeneratorKind = .builtin

        @Option(help: "wrk threads (with --generator wrk).")
        var wrkThreads: Int = 2

        @Option(help: "Seconds each wrk run lasts (with --generator wrk); --events must outlast them.")
        var wrkSeconds: Int = 10

        @Option(help: "Events the background projector applies per transaction.")
        var projectorBatch: Int = Projector.defaultBatchSize

        @Option(help: "Seconds between two projection-lag lines.")
        var lagEvery: Double = 1

        @OptionGroup var options: ConfigOption

        enum GeneratorKind: String, ExpressibleByArgument, CaseIterable {
            case builtin, wrk
        }

        /// The bare endpoint: answers 204 without touching the body, signature or store.
        static let barePath = "/bench/bare"
        /// Not routed: the server's 404, wrk's baseline (a POST of the same bodies that answers 404).
        static let notFoundPath = "/bench/none"
        /// Bench-only: the server process's CPU seconds so far, read by the load process around each run.
        static let cpuPath = "/bench/cpu"
        /// Bench-only signing secret; the load process signs with it, the server checks it.
        static let secret = "whsec_bench_ingest_secret"

        func validate() throws {
            guard events > 0, connections > 0, customers > 0, instances > 0, wrkThreads > 0, lagEvery > 0 else {
                throw ValidationError("--events, --connections, --customers, --instances, --wrk-threads and --lag-every must be positive")
            }
            if instances > 1 && databaseURL == nil { throw ValidationError("--instances above 1 needs --database-url (SQLite has one writer)") }
        }

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }

            var configuration = try await ConfigurationLoader.load(path: options.config)
            configuration.providers.stripeSecrets = [Self.secret]
            // The bench's events are dated from 2026-09-01: a horizon reaching back to them lets
            // the projector plan recovery actions as it would for live failures.
            configuration.recovery.actionHorizonHours = Bench.benchHorizonHours
            let opened = try await BenchStores.open(configuration: configuration, directory: directory, databaseURL: databaseURL, instances: instances)
            let stores = opened.stores
            var logger = Logger(label: "lifeline.bench")
            logger.logLevel = .error
            // The outbox is measured by `outbox`; here ingest and projection run.
            let dependencies = stores.map { AppDependencies(store: $0, logger: logger, runsDispatcher: false, projectorBatchSize: projectorBatch) }
            print("ingest: \(events) Stripe webhooks, \(connections) connections, \(customers) customers, load generator \(generator.rawValue), projector batches of \(projectorBatch); "
                + "\(instances) instance\(instances == 1 ? "" : "s") on \(opened.description)")

            let idleMiB = ProcessMemory.currentMiB
            let monitor = LagMonitor(store: stores[0], interval: .seconds(lagEvery))
            let outcome: (LoadReport, Double, AfterRun)
            do {
                outcome = try await BenchServer.run(
                    configuration: configuration, instances: dependencies,
                    extraRoutes: { router in
                        router.post(RouterPath(Self.barePath)) { _, _ in Response(status: .noContent) }
                        router.get(RouterPath(Self.cpuPath)) { _, _ in String(ProcessCPU.seconds) }
                    }
                ) { baseURLs in
                    let report = try await monitor.watching {
                        switch generator {
                        case .builtin: try await runLoadProcess(baseURLs: baseURLs, output: directory.appendingPathComponent("load.json"))
                        case .wrk: try await WrkRun(baseURLs: baseURLs, directory: directory, bench: self).run()
                        }
                    }
                    // The burst is over: the projector catches up while the servers still run.
                    let caughtUpAt = try await monitor.waitUntilCaughtUp()
                    // Read while the servers run: on PostgreSQL their shutdown closes the pools.
                    return (report, caughtUpAt, try await AfterRun.read(stores[0]))
                }
            } catch {
                await opened.close()
                throw error
            }
            let (report, caughtUpAt, after) = outcome
            let peakMiB = ProcessMemory.peakMiB

            let storedIDs = after.storedIDs
            let unacknowledged = Set(report.unacknowledged)
            // The built-in generator posts every event once and knows which were acknowledged;
            // wrk posts for a fixed time, so only counts compare.
            let missing = generator == .builtin
                ? (0..<events).map { BenchWebhooks.eventID(index: $0, runID: BenchWebhooks.runID) }
                    .filter { !unacknowledged.contains($0) && !storedIDs.contains($0) }.count
                : max(0, report.webhooks.acknowledged - storedIDs.count)
            let status = after.status
            let figures = BenchIngestFigures(
                report: report, baseline: generator == .wrk ? "404 POST" : "bare 204",
                statistics: (stores[0] as? SQLiteStore)?.groupCommitStatistics, serverIdleMiB: idleMiB, serverPeakMiB: peakMiB,
                storedEvents: storedIDs.count, missing: missing,
                endToEndSeconds: caughtUpAt - report.webhooks.startedAt, lagSamples: monitor.samples, projection: status,
                databaseLabel: opened.label
            )
            print(figures.render())
            print(after.ledgerLine)
            await opened.close()
            // wrk's count includes the few cheap requests its last connections sent while the
            // final answers were awaited; the store check covers every event either way.
            let allAcknowledged = generator == .wrk || report.webhooks.acknowledged == events
            if missing > 0 || !allAcknowledged || status.failures > 0 { throw ExitCode(1) }
        }

        /// Starts `lifeline-bench load` against the servers and waits for its report.
        func runLoadProcess(baseURLs: [String], output: URL) async throws -> LoadReport {
            var arguments = [
                "load", "--bare-path", Self.barePath, "--cpu-path", Self.cpuPath, "--events", "\(events)",
                "--connections", "\(connections)", "--customers", "\(customers)", "--secret", Self.secret,
                "--webhooks", webhooks, "--output", output.path,
            ]
            for url in baseURLs { arguments += ["--url", url] }
            try await ChildProcess.run(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), arguments)
            return try JSONDecoder().decode(LoadReport.self, from: Data(contentsOf: output))
        }
    }
}

/// What the store holds once the projector caught up.
struct AfterRun: Sendable {
    var storedIDs: Set<String>
    var status: ProjectionStatus
    var ledgerLine: String

    static func read(_ store: any LifelineStore) async throws -> AfterRun {
        let summary = try await store.summary()
        let cases = try await store.cases(status: nil, category: nil).count
        let actions = try await store.actions(status: nil).count
        return AfterRun(
            storedIDs: Set(try await store.storedEvents().map(\.eventID)),
            status: try await store.projectionStatus(now: Int64(Date().timeIntervalSince1970)),
            ledgerLine: "ledger written: \(summary.customers) customers, \(summary.failuresByCategory.values.reduce(0, +)) payment failures, "
                + "\(cases) recovery cases, \(actions) outbox actions, \(summary.movementsByKind.values.reduce(0, +)) MRR movements"
        )
    }
}

/// Runs an executable and waits for it; throws unless it exits 0.
enum ChildProcess {
    static func run(_ path: String, _ arguments: [String], standardOutput: FileHandle? = nil) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let standardOutput { process.standardOutput = standardOutput }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else { throw BenchError("\(URL(fileURLWithPath: path).lastPathComponent) exited with status \(status)") }
    }
}

/// The stores a bench runs on: a temporary SQLite file, or a throw-away schema of a PostgreSQL
/// database with one store (one pool) per instance.
struct BenchStores {
    var stores: [any LifelineStore]
    var description: String
    /// "SQLite" or "PostgreSQL", for the figures.
    var label: String
    var close: @Sendable () async -> Void

    static func open(configuration: LifelineConfiguration, directory: URL, databaseURL: String?, instances: Int) async throws -> BenchStores {
        let policy = configuration.recovery.policy
        guard let databaseURL else {
            let path = directory.appendingPathComponent("lifeline.sqlite").path
            let store = try SQLiteStore(path: path, reasonCodes: configuration.reasonCodes, policy: policy)
            try await store.migrate()
            let durability = try await store.durabilitySettings()
            return BenchStores(
                stores: [store], description: "SQLite \(path) journal_mode=\(durability.journalMode) synchronous=\(durability.synchronous) (2 = FULL)",
                label: "SQLite", close: {}
            )
        }
        let schema = "lifeline_bench_" + UUID().uuidString.prefix(8).lowercased()
        let url = databaseURL + (databaseURL.contains("?") ? "&" : "?") + "schema=\(schema)"
        let stores = try (0..<instances).map { _ in
            try PostgresStore(url: url, reasonCodes: configuration.reasonCodes, policy: policy)
        }
        try await stores[0].migrate()
        return BenchStores(
            stores: stores, description: "PostgreSQL \(stores[0].location) (schema dropped afterwards)", label: "PostgreSQL",
            close: {
                try? await stores[0].dropSchema()
                for store in stores { await store.shutdown() }
            }
        )
    }
}
