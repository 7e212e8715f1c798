import ArgumentParser
import Foundation
import LifelineCLI
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
            abstract: "Time per webhook of each stage without HTTP: verify, parse, append (group-committed), project (the projector alone)."
        )

        @Option(help: "Webhooks to run through the stages.")
        var events: Int = 20_000

        @Option(help: "Customers the events are spread over.")
        var customers: Int = 4_000

        @Option(help: "Deliveries submitted to the store at once (group commit shares their transaction).")
        var concurrency: Int = 64

        @Option(help: "Directory holding stripe/ sample files used as templates.")
        var webhooks: String = "Webhooks"

        @Option(help: "Events the projector applies per transaction (512, as projectAll and the figures in BENCHMARKS.md; serve's background projector uses Projector.defaultBatchSize, 32).")
        var batchSize: Int = 512

        @Option(help: "How the SQLite store binds its cached statements: hand (straight to SQLite), library (GRDB's StatementArguments), or both, one after the other on fresh files.")
        var binding: BindingChoice = .hand

        enum BindingChoice: String, ExpressibleByArgument, CaseIterable {
            case hand, library, both
            var modes: [SQLiteBinding] { self == .both ? [.hand, .library] : [SQLiteBinding(rawValue: rawValue)!] }
        }

        @Option(help: "PostgreSQL URL (a throw-away schema is created in it and dropped afterwards); default: a temporary SQLite file.")
        var databaseURL: String?

        @OptionGroup var options: ConfigOption

        func validate() throws {
            guard events > 0, customers > 0, concurrency > 0 else { throw ValidationError("--events, --customers and --concurrency must be positive") }
        }

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-stages-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var configuration = try await ConfigurationLoader.load(path: options.config)
            configuration.recovery.actionHorizonHours = Bench.benchHorizonHours
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

            // The normalized event's JSON column: the hand writer the append uses against
            // JSONEncoder with the settings whose bytes it reproduces, and the projector's reader.
            let normalized = deliveries.flatMap { $0.events.compactMap(\.normalized) }
            let encoder = JSONEncoder()
            encoder.dataEncodingStrategy = .base64
            encoder.dateEncodingStrategy = .millisecondsSince1970
            encoder.outputFormatting = .sortedKeys
            var texts: [String] = []
            texts.reserveCapacity(normalized.count)
            let handEncodeTime = try clock.measure { for event in normalized { texts.append(try event.jsonText()) } }
            var encoded: [Data] = []
            encoded.reserveCapacity(normalized.count)
            let libraryEncodeTime = try clock.measure { for event in normalized { encoded.append(try encoder.encode(event)) } }
            let same = zip(encoded, texts).filter { data, text in data == Data(text.utf8) }.count
            let decoder = JSONDecoder()
            let decodeTime = try clock.measure { for text in texts { _ = try decoder.decode(BillingEvent.self, from: Data(text.utf8)) } }
            var jsonTable = TextTable("normalized event JSON (\(normalized.count) events)", "µs/event")
            for (stage, time) in [("hand writer (jsonText)", handEncodeTime), ("JSONEncoder, sorted keys", libraryEncodeTime), ("JSONDecoder (projector)", decodeTime)] {
                jsonTable.add(stage, String(format: "%.2f", time.seconds * 1e6 / Double(max(normalized.count, 1))))
            }
            print(jsonTable.render())
            print("JSONEncoder wrote the same bytes for \(same) of \(normalized.count) events")

            for (index, mode) in binding.modes.enumerated() {
                SQLiteBinding.mode = mode
                let storeDirectory = directory.appendingPathComponent("binding-\(index)")
                try FileManager.default.createDirectory(at: storeDirectory, withIntermediateDirectories: true)
                print("— SQLite binding: \(mode.rawValue)")
                let opened = try await BenchStores.open(configuration: configuration, directory: storeDirectory, databaseURL: databaseURL, instances: 1)
                let store = opened.stores[0]
                print("store: \(opened.description)")
                let appendStart = ProcessCPU.seconds
                let appendTime = try await clock.measure {
                    // In customer order, `concurrency` at a time, like a closed-loop load; nothing is
                    // projected yet.
                    var next = 0
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<min(concurrency, deliveries.count) {
                            let delivery = deliveries[next]
                            next += 1
                            group.addTask { _ = try await store.append(delivery, origin: .live) }
                        }
                        while try await group.next() != nil, next < deliveries.count {
                            let delivery = deliveries[next]
                            next += 1
                            group.addTask { _ = try await store.append(delivery, origin: .live) }
                        }
                        try await group.waitForAll()
                    }
                }
                let appendCPU = ProcessCPU.seconds - appendStart
                let statistics = (store as? SQLiteStore)?.groupCommitStatistics

                // The projector alone: the whole log, batch after batch, as the background projector does.
                let projectStart = ProcessCPU.seconds
                var projected = ProjectionBatch()
                let projectTime = try await clock.measure {
                    projected = try await store.projectAll(now: timestamp, batchSize: batchSize)
                }
                let projectCPU = ProcessCPU.seconds - projectStart
                await opened.close()

                var table = TextTable("stage", "µs/webhook", "webhooks/s on one core")
                for (stage, time) in [
                    ("verify signature", verifyTime), ("parse + normalize", parseTime),
                    ("append, wall clock", appendTime), ("append, CPU of all threads", Duration.seconds(appendCPU)),
                    ("project, wall clock", projectTime), ("project, CPU of all threads", Duration.seconds(projectCPU)),
                ] {
                    table.rows.append(row(stage, time))
                }
                print(table.render())
                if let statistics {
                    print("append: \(statistics.transactions) transactions, \(String(format: "%.1f", statistics.averageBatch)) deliveries per commit")
                    print("writer: " + statistics.perWriteSummary)
                }
                print(String(format: "projector alone: %d events applied (%d failed) in %.2f s = %.0f events/s, batches of %d",
                             projected.applied, projected.failed, projectTime.seconds, Double(projected.applied + projected.failed) / projectTime.seconds, batchSize))
            }
        }

        func row(_ stage: String, _ time: Duration) -> [String] {
            let micros = time.seconds * 1e6
            let each = micros / Double(events)
            return [stage, String(format: "%.1f", each), String(format: "%.0f", 1e6 / each)]
        }
    }
}
