import ArgumentParser
import Foundation
import Hummingbird
import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineServer
import LifelineStore
import Logging
import ServiceLifecycle

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole story on a fresh SQLite file: webhooks, cases, partner calls, outcomes."
    )

    @Option(help: "Directory with the scenario (demo/) and one sub-directory of samples per provider.")
    var webhooks: String = "Webhooks"

    @Option(help: "SQLite file to use (default: a new temporary file).")
    var database: String?

    @Option(help: "Customers in the simulated portfolio around the four stories.")
    var portfolio: Int = 60

    @Option(help: "Configuration file for everything but secrets, endpoints, port and storage.")
    var config: String = "config/lifeline.yaml"

    /// Secrets the demo signs with and the server checks; never use them in production.
    static let secrets: [ProviderName: String] = [
        .stripe: "whsec_demo_stripe_secret",
        .gocardless: "demo_gocardless_secret",
        .standard: "whsec_" + Data("lifeline-demo-standard-secret!!".utf8).base64EncodedString(),
    ]
    static let partnerSecret = "whsec_" + Data("lifeline-demo-sandbox-partner!!".utf8).base64EncodedString()
    static let adminToken = "demo-admin-token"

    func validate() throws {
        guard FileManager.default.fileExists(atPath: "\(webhooks)/demo"), FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("run the demo from the repository root: \(webhooks)/demo and \(config) are needed")
        }
    }

    func run() async throws {
        let stories = try DemoScenario.load(directory: "\(webhooks)/demo")
        let start = stories.map(\.time).min() ?? 0
        let scenario = DemoScenario.merged([
            stories, try DemoScenario.portfolio(customers: portfolio, start: ReportDate.monthStart(start, adding: 0), months: 6),
        ])
        let clock = DemoClock(scenario.first?.time ?? 0)
        var logger = Logger(label: "lifeline.demo")
        logger.logLevel = .error

        let peers = SandboxPeers()
        let (peerPorts, peerPort) = AsyncStream.makeStream(of: Int.self)
        let peerApp = peers.application(logger: logger) { peerPort.yield($0) }
        let peerGroup = ServiceGroup(services: [peerApp], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await peerGroup.run() }
            var ports = peerPorts.makeAsyncIterator()
            guard let port = await ports.next() else { return }
            try await runLifeline(scenario: scenario, clock: clock, peers: peers, peersURL: "http://127.0.0.1:\(port)", logger: logger)
            await peerGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    func runLifeline(scenario: [DemoScenario.Step], clock: DemoClock, peers: SandboxPeers, peersURL: String, logger: Logger) async throws {
        var configuration = try await ConfigurationLoader.load(path: config)
        let databasePath = database ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("lifeline-demo-\(UUID().uuidString).sqlite").path
        configuration.storage = .init(path: databasePath, url: nil)
        configuration.http = .init(host: "127.0.0.1", port: 0, maxBodyBytes: configuration.http.maxBodyBytes)
        configuration.providers.stripeSecrets = [Self.secrets[.stripe]!]
        configuration.providers.gocardlessSecrets = [Self.secrets[.gocardless]!]
        configuration.providers.standardSecrets = [Self.secrets[.standard]!]
        configuration.partners["sandbox"] = .init(url: "\(peersURL)/partner", secret: Self.partnerSecret)
        configuration.outbound = .init(dunningURL: "\(peersURL)/dunning", stripeAPIBase: "\(peersURL)/stripe", stripeAPIKey: "sk_demo")
        configuration.adminTokens = [Self.adminToken]

        let store = try await openStore(configuration)
        let dependencies = AppDependencies(store: store, clock: clock, logger: logger, runsDispatcher: false)
        let dispatcher = makeDispatcher(configuration: configuration, dependencies: dependencies)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            configuration: configuration, dependencies: dependencies,
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            let story = DemoStory(
                baseURL: "http://127.0.0.1:\(port)", clock: clock, dispatcher: dispatcher, peers: peers,
                store: store, standardSecret: Self.secrets[.standard]!, partnerSecret: Self.partnerSecret
            )
            try await story.play(scenario)
            try await story.printRecoveryLog(customers: Set(scenario.filter(\.narrated).map(\.event.customer.id)))
            try await printReport(store: store, settings: configuration.reports, scenario: scenario)
            try await replayProviderSamples(baseURL: "http://127.0.0.1:\(port)", clock: clock)
            try await story.waitForProjection()
            try await dispatcher.drain()
            print("""

            Stored in \(databasePath). Look again with:
              STORAGE_PATH=\(databasePath) swift run lifeline cases
              STORAGE_PATH=\(databasePath) swift run lifeline report nrr --from \(ReportDate.day(reportPeriod(scenario).from)) --to \(ReportDate.day(reportPeriod(scenario).to))
              STORAGE_PATH=\(databasePath) swift run lifeline ledger
            """)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The months the scenario covers after its first, so the cohort exists at the start.
    func reportPeriod(_ scenario: [DemoScenario.Step]) -> ReportPeriod {
        let first = scenario.map(\.time).min() ?? 0
        let last = scenario.map(\.time).max() ?? 0
        return ReportPeriod(from: ReportDate.monthStart(first, adding: 1), to: ReportDate.monthStart(last, adding: 1))
    }

    func printReport(store: any ReportSource, settings: ReportSettings, scenario: [DemoScenario.Step]) async throws {
        let period = reportPeriod(scenario)
        print("\n== NRR report \(ReportDate.day(period.from)) → \(ReportDate.day(period.to)) (lifeline report nrr)")
        let report = try await ReportService(source: store, settings: settings).report(ReportQuery(period: period, grouping: .segment))
        print(NRRReportTable.render(report))
    }

    /// Every provider's samples, signed as that provider would, at today's date.
    func replayProviderSamples(baseURL: String, clock: DemoClock) async throws {
        clock.move(to: Int64(Date().timeIntervalSince1970))
        let replayer = WebhookReplayer(baseURL: baseURL)
        print("\n== Sample webhooks of each provider")
        for provider in ProviderName.allCases {
            let directory = "\(webhooks)/\(provider.rawValue)"
            guard FileManager.default.fileExists(atPath: directory) else { continue }
            let outcomes = try await replayer.replay(directory: directory, provider: provider, secret: Self.secrets[provider]!, now: clock.nowSeconds())
            let accepted = outcomes.filter { (200..<300).contains($0.status) }.count
            print("  \(provider.rawValue): \(accepted)/\(outcomes.count) webhooks acknowledged")
            for outcome in outcomes where !(200..<300).contains(outcome.status) {
                print("    \(outcome.status) \(outcome.file): \(outcome.response)")
            }
        }
        // The two guarantees a provider relies on: duplicates are harmless, forgeries refused.
        let sample = try WebhookReplayer.files(in: "\(webhooks)/stripe")[0]
        let body = Array(try Data(contentsOf: sample))
        let again = try await replayer.post(body: body, provider: .stripe, secret: Self.secrets[.stripe]!, name: sample.lastPathComponent, now: clock.nowSeconds())
        print("  resent \(sample.lastPathComponent): \(again.status) \(again.response)")
        let forged = try await replayer.post(body: body, provider: .stripe, secret: "whsec_wrong", name: sample.lastPathComponent, now: clock.nowSeconds())
        print("  same body signed with a wrong secret: \(forged.status) \(forged.response)")
    }
}
