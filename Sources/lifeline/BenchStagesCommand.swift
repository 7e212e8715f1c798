import ArgumentParser
import Foundation
import LifelineConfig
import LifelineCore
import LifelineProviders
import LifelineStore
import LifelineStoreSQLite

extension Bench {
    /// Where an ingest goes without HTTP: each stage of the webhook path timed on its own, so a
    /// change to one of them shows in its own figure.
    struct StagesBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stages",
            abstract: "CPU time per webhook of each ingest stage (verify, parse, store) without HTTP."
        )

        @Option(help: "Webhooks to run through the stages.")
        var events: Int = 20_000

        @Option(help: "Customers the events are spread over.")
        var customers: Int = 4_000

        @Option(help: "Deliveries submitted to the store at once (group commit shares their transaction).")
        var concurrency: Int = 64

        @Option(help: "Directory holding stripe/ sample files used as templates.")
        var webhooks: String = "Webhooks"

        @OptionGroup var options: ConfigOption

        func validate() throws {
            guard events > 0, customers > 0, concurrency > 0 else { throw ValidationError("--events, --customers and --concurrency must be positive") }
        }

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-stages-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let configuration = try await ConfigurationLoader.load(path: options.config)
            let secret = Bench.IngestBench.secret
            let timestamp = Int64(Date().timeIntervalSince1970)
            let corpus = try BenchWebhooks.load(directory: "\(webhooks)/stripe")
                .signed(0..<events, customers: customers, runID: BenchWebhooks.runID, secret: secret, timestamp: timestamp)
            let provider = StripeProvider(signature: StripeSignature(secrets: [secret]))
            let bytes = corpus.reduce(0) { $0 + $1.body.count }
            print("stages: \(events) Stripe webhooks over \(customers) customers, \(bytes / events) bytes each on average")

            let clock = ContinuousClock()
            let verifyTime = try clock.measure {
                for webhook in corpus {
                    try provider.verify(body: webhook.body, headers: WebhookHeaders([("Stripe-Signature", webhook.signature)]), now: timestamp)
                }
            }
            var deliveries: [IncomingDelivery] = []
            deliveries.reserveCapacity(events)
            let parseTime = try clock.measure {
                for webhook in corpus {
                    let normalized = try provider.normalize(body: webhook.body)
                    deliveries.append(IncomingDelivery(
                        provider: .stripe, receivedAt: timestamp, headers: ["content-type": "application/json"],
                        body: webhook.body, events: normalized.events
                    ))
                }
            }

            let policy = configuration.recovery.policy
            let store = try SQLiteStore(
                path: directory.appendingPathComponent("lifeline.sqlite").path, reasonCodes: configuration.reasonCodes, policy: policy
            )
            try await store.migrate()
            let storeStart = ProcessCPU.seconds
            let storeTime = try await clock.measure {
                // In customer order, `concurrency` at a time, like a closed-loop load.
                var next = 0
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<min(concurrency, deliveries.count) {
                        let delivery = deliveries[next]
                        next += 1
                        group.addTask { _ = try await store.ingest(delivery) }
                    }
                    while try await group.next() != nil, next < deliveries.count {
                        let delivery = deliveries[next]
                        next += 1
                        group.addTask { _ = try await store.ingest(delivery) }
                    }
                    try await group.waitForAll()
                }
            }
            let storeCPU = ProcessCPU.seconds - storeStart
            let statistics = store.groupCommitStatistics
            var table = TextTable("stage", "µs/webhook", "webhooks/s on one core")
            for (stage, time) in [
                ("verify signature", verifyTime), ("parse + normalize", parseTime),
                ("store, wall clock", storeTime), ("store, CPU of all threads", Duration.seconds(storeCPU)),
            ] {
                table.rows.append(row(stage, time))
            }
            print(table.render())
            print("store: \(statistics.transactions) transactions, \(String(format: "%.1f", statistics.averageBatch)) deliveries per commit")
            print("writer: " + statistics.perWriteSummary)
        }

        func row(_ stage: String, _ time: Duration) -> [String] {
            let micros = time.seconds * 1e6
            let each = micros / Double(events)
            return [stage, String(format: "%.1f", each), String(format: "%.0f", 1e6 / each)]
        }
    }
}
