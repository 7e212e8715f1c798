import ArgumentParser
import AsyncHTTPClient
import Foundation
import LifelineCLI
import NIOCore

/// Both runs of one `bench ingest`, as the load process hands them back.
struct LoadReport: Codable, Sendable {
    var bare: LoadResult
    var webhooks: LoadResult
    /// Event ids the server did not acknowledge (they need not be in the store).
    var unacknowledged: [String]
    var corpusBytes: Int
    var generatorPeakMiB: Double?
}

extension Bench {
    /// The load generator of `bench ingest`, run as a child process so the server's peak RSS is
    /// its own and not inflated by the pre-signed corpus.
    struct LoadBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Load generator used by `ingest` (posts pre-signed Stripe webhooks).",
            shouldDisplay: false
        )

        /// One per server instance; requests go to them in turn.
        @Option var url: [String]
        @Option var barePath: String
        @Option var cpuPath: String
        @Option var events: Int
        @Option var connections: Int
        @Option var customers: Int
        @Option var secret: String
        @Option var webhooks: String = "Webhooks"
        @Option var output: String

        func run() async throws {
            let templates = try BenchWebhooks.load(directory: "\(webhooks)/stripe")
            let timestamp = Int64(Date().timeIntervalSince1970)
            let corpus = templates.signed(0..<events, customers: customers, runID: BenchWebhooks.runID, secret: secret, timestamp: timestamp)
            let bodies = corpus.map { ByteBuffer(bytes: $0.body) }
            let corpusBytes = bodies.reduce(0) { $0 + $1.readableBytes }
            print("load: \(events) webhooks pre-signed (\(corpusBytes / 1_024) KiB) over \(customers) customers")

            let client = LoadGenerator.client(connections: connections)
            let generator = LoadGenerator(client: client, connections: connections)
            for base in url { await generator.warmUp(url: "\(base)/health") }
            let bare = await measuringCPU(generator) {
                await generator.run(label: "bare 204", requests: requests(path: barePath, corpus: corpus, bodies: bodies))
            }
            print("load: bare endpoint done in \(String(format: "%.2f", bare.seconds)) s")
            let webhookRequests = requests(path: "/webhooks/stripe", corpus: corpus, bodies: bodies)
            for base in url { await generator.warmUp(url: "\(base)/health") }
            let stored = await measuringCPU(generator) { await generator.run(label: "webhooks", requests: webhookRequests) }
            print("load: webhooks done in \(String(format: "%.2f", stored.seconds)) s")
            try await client.shutdown()

            let report = LoadReport(
                bare: bare, webhooks: stored, unacknowledged: stored.failedIndexes.map { corpus[$0].eventID },
                corpusBytes: corpusBytes, generatorPeakMiB: ProcessMemory.peakMiB
            )
            try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: output))
        }

        /// Runs `body` and adds the CPU time the server and this process spent meanwhile.
        func measuringCPU(_ generator: LoadGenerator, _ body: () async -> LoadResult) async -> LoadResult {
            let serverBefore = await generator.serverCPUSeconds(url: "\(url[0])\(cpuPath)")
            let generatorBefore = ProcessCPU.seconds
            var result = await body()
            result.generatorCPUSeconds = ProcessCPU.seconds - generatorBefore
            if let serverBefore, let serverAfter = await generator.serverCPUSeconds(url: "\(url[0])\(cpuPath)") {
                result.serverCPUSeconds = serverAfter - serverBefore
            }
            return result
        }

        /// The same bytes and signature for both targets, so only the server's work differs.
        func requests(path: String, corpus: [BenchWebhooks.Webhook], bodies: [ByteBuffer]) -> [HTTPClientRequest] {
            zip(corpus, bodies).enumerated().map { index, pair in
                let (webhook, body) = pair
                var request = HTTPClientRequest(url: "\(url[index % url.count])\(path)")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                request.headers.add(name: "Stripe-Signature", value: webhook.signature)
                request.body = .bytes(body)
                return request
            }
        }
    }
}
