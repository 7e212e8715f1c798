import ArgumentParser
import Foundation
import LifelineCLI
import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Logging

extension Bench {
    struct OutboxBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "outbox",
            abstract: "Delivered outbox actions/s: the real dispatcher and store against a loopback partner stub."
        )

        @Option(help: "At least this many actions are planned (by ingesting payment failures) and delivered.")
        var actions: Int = 10_000

        @Option(help: "Actions the dispatcher claims and delivers concurrently per poll (default: the service's).")
        var batchSize: Int = OutboundSettings().batchSize

        @Option(help: "Directory holding stripe/ sample files used as templates.")
        var webhooks: String = "Webhooks"

        @OptionGroup var options: ConfigOption

        func validate() throws {
            guard actions > 0, batchSize > 0 else { throw ValidationError("--actions and --batch-size must be positive") }
        }

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var configuration = try await ConfigurationLoader.load(path: options.config)
            let policy = configuration.recovery.policy
            let store = try SQLiteStore(path: directory.appendingPathComponent("lifeline.sqlite").path, reasonCodes: configuration.reasonCodes, policy: policy)
            try await store.migrate()

            // Forty days between rounds: old enough customers get the financing rule too.
            var templates = try BenchWebhooks.load(directory: "\(webhooks)/stripe")
            templates.roundSeconds = 40 * 86_400
            let clock = FixedClock(seconds: BenchWebhooks.firstEventAt + 400 * 86_400)
            let planner = OutboxBenchSetup(store: store, templates: templates)
            let clockStart = ContinuousClock.now
            let perCase = try await planner.plan(customers: 1, offset: 0)
            guard perCase > 0 else { throw BenchError("a payment failure planned no action; check the playbooks") }
            let customers = (actions + perCase - 1) / perCase
            let planned = perCase + (customers > 1 ? try await planner.plan(customers: customers - 1, offset: 1) : 0)
            print("outbox: \(planned) actions planned by \(customers) payment failures in \(ContinuousClock.now - clockStart) (\(perCase) per case)")

            let stub = PartnerStubServer()
            let result = try await stub.run { baseURL in
                configuration.partners["sandbox"] = .init(url: "\(baseURL)/partner", secret: "whsec_" + Data("lifeline-bench-partner-secret!!!".utf8).base64EncodedString())
                configuration.outbound = .init(dunningURL: "\(baseURL)/dunning", stripeAPIBase: "\(baseURL)/stripe", stripeAPIKey: "sk_bench")
                var settings = makeOutboundSettings(configuration)
                settings.batchSize = batchSize
                var logger = Logger(label: "lifeline.bench")
                logger.logLevel = .error
                let dispatcher = OutboxDispatcher(
                    store: store, deliverer: HTTPActionDeliverer(client: outboundHTTPClient, settings: settings, clock: clock),
                    settings: settings, clock: clock, logger: logger
                )
                let before = store.groupCommitStatistics
                let started = ContinuousClock.now
                _ = try await dispatcher.drain(maxRounds: .max)
                let elapsed = ContinuousClock.now - started
                let after = store.groupCommitStatistics
                return (after.transactions - before.transactions, after.writes - before.writes, elapsed)
            }
            let peakMiB = ProcessMemory.peakMiB
            let delivered = try await store.actions(status: .delivered).count
            let seconds = result.2.seconds
            print(String(format: "outbox: %d actions delivered in %.2f s: %.0f actions/s (batch size %d, %d HTTP requests answered by the stub)",
                         delivered, seconds, Double(delivered) / seconds, batchSize, stub.requests))
            print("group commit: \(result.1) attempts recorded in \(result.0) transactions")
            print(String(format: "process peak RSS (VmHWM): %.1f MiB", peakMiB ?? .nan))
            if delivered != planned { throw BenchError("\(planned) actions planned but \(delivered) delivered") }
        }
    }
}
