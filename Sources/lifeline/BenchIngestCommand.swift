import ArgumentParser
import Foundation
import Hummingbird
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Logging

extension Bench {
    struct IngestBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Durable Stripe webhooks/s, latency and peak RSS of a real server, beside a bare 204 endpoint."
        )

        @Option(help: "Webhooks to post (each run: bare endpoint, then the real one).")
        var events: Int = 50_000

        @Option(help: "Concurrent connections of the load generator.")
        var connections: Int = 64

        @Option(help: "Customers the events are spread over.")
        var customers: Int = 10_000

        @Option(help: "Directory holding stripe/ sample files used as templates.")
        var webhooks: String = "Webhooks"

        @OptionGroup var options: ConfigOption

        /// The bare endpoint: answers 204 without touching the body, signature or store.
        static let barePath = "/bench/bare"
        /// Bench-only: the server process's CPU seconds so far, read by the load process around each run.
        static let cpuPath = "/bench/cpu"
        /// Bench-only signing secret; the load process signs with it, the server checks it.
        static let secret = "whsec_bench_ingest_secret"

        func validate() throws {
            guard events > 0, connections > 0, customers > 0 else { throw ValidationError("--events, --connections and --customers must be positive") }
        }

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }

            var configuration = try await ConfigurationLoader.load(path: options.config)
            configuration.storage = .init(path: directory.appendingPathComponent("lifeline.sqlite").path)
            configuration.providers.stripeSecrets = [Self.secret]
            let policy = configuration.recovery.policy
            let store = try SQLiteStore(path: configuration.storage.path, reasonCodes: configuration.reasonCodes, policy: policy)
            try await store.migrate()
            let durability = try await store.durabilitySettings()
            var logger = Logger(label: "lifeline.bench")
            logger.logLevel = .error
            // The outbox is measured by `bench outbox`; here only ingest runs.
            let dependencies = AppDependencies(store: store, logger: logger, runsDispatcher: false)
            print("ingest: \(events) Stripe webhooks, \(connections) connections, \(customers) customers; "
                + "SQLite \(configuration.storage.path) journal_mode=\(durability.journalMode) synchronous=\(durability.synchronous) (2 = FULL)")

            let idleMiB = ProcessMemory.currentMiB
            let report = try await BenchServer.run(
                configuration: configuration, dependencies: dependencies,
                extraRoutes: { router in
                    router.post(RouterPath(Self.barePath)) { _, _ in Response(status: .noContent) }
                    router.get(RouterPath(Self.cpuPath)) { _, _ in String(ProcessCPU.seconds) }
                }
            ) { baseURL in
                try await runLoadProcess(baseURL: baseURL, output: directory.appendingPathComponent("load.json"))
            }
            let peakMiB = ProcessMemory.peakMiB

            let storedIDs = Set(try await store.storedEvents().map(\.eventID))
            let unacknowledged = Set(report.unacknowledged)
            let missing = (0..<events).map { BenchWebhooks.eventID(index: $0, runID: BenchWebhooks.runID) }
                .filter { !unacknowledged.contains($0) && !storedIDs.contains($0) }
            let figures = BenchIngestFigures(
                report: report, statistics: store.groupCommitStatistics, serverIdleMiB: idleMiB, serverPeakMiB: peakMiB,
                storedEvents: storedIDs.count, missing: missing.count
            )
            print(figures.render())
            let summary = try await store.summary()
            let cases = try await store.cases(status: nil, category: nil).count
            let actions = try await store.actions(status: nil).count
            print("ledger written: \(summary.customers) customers, \(summary.failuresByCategory.values.reduce(0, +)) payment failures, "
                + "\(cases) recovery cases, \(actions) outbox actions, \(summary.movementsByKind.values.reduce(0, +)) MRR movements")
            if !missing.isEmpty || report.webhooks.acknowledged != events { throw ExitCode(1) }
        }

        /// Starts `lifeline bench load` against the server and waits for its report.
        func runLoadProcess(baseURL: String, output: URL) async throws -> LoadReport {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            process.arguments = [
                "bench", "load", "--url", baseURL, "--bare-path", Self.barePath, "--cpu-path", Self.cpuPath, "--events", "\(events)",
                "--connections", "\(connections)", "--customers", "\(customers)", "--secret", Self.secret,
                "--webhooks", webhooks, "--output", output.path,
            ]
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            guard status == 0 else { throw BenchError("the load process exited with status \(status)") }
            return try JSONDecoder().decode(LoadReport.self, from: Data(contentsOf: output))
        }
    }
}
