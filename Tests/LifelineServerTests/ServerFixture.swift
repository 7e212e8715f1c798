import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Logging
import NIOCore

/// Secrets the test server trusts; `wrong` is one it does not.
enum TestSecrets {
    static let stripe = "whsec_test_stripe"
    static let stripeRotated = "whsec_test_stripe_next"
    static let gocardless = "gc_test_secret"
    static let standard = "whsec_" + Data("lifeline-test-standard-key-32b!!".utf8).base64EncodedString()
    static let wrong = "whsec_" + Data("not-the-right-key-at-all-32bytes".utf8).base64EncodedString()

    static func secret(for provider: ProviderName) -> String {
        switch provider {
        case .stripe: stripe
        case .gocardless: gocardless
        case .standard: standard
        }
    }
}

/// A real Lifeline server on a random loopback port over a fresh SQLite file.
struct ServerFixture {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// A fixed "now" just after the sample events (2026-11-23 12:00 UTC); signatures are made at it.
    static let now: Int64 = 1_795_435_200

    let configuration: LifelineConfiguration
    let store: SQLiteStore
    let clock: any WallClock
    let databasePath: String

    static func make(
        maxBodyBytes: Int? = nil, now: Int64 = ServerFixture.now, clock: (any WallClock)? = nil,
        environment extra: [String: String] = [:], databasePath existing: String? = nil
    ) async throws -> ServerFixture {
        let directory = try TestDirectories.make("lifeline-test")
        let databasePath = existing ?? directory.appendingPathComponent("lifeline.sqlite").path
        var environment = [
            "HTTP_PORT": "0",
            "STORAGE_PATH": databasePath,
            "PROVIDERS_STRIPE_SECRETS": "\(TestSecrets.stripe),\(TestSecrets.stripeRotated)",
            "PROVIDERS_GOCARDLESS_SECRETS": TestSecrets.gocardless,
            "PROVIDERS_STANDARD_SECRETS": TestSecrets.standard,
        ]
        if let maxBodyBytes { environment["HTTP_MAX_BODY_BYTES"] = String(maxBodyBytes) }
        environment.merge(extra) { _, new in new }
        let configuration = try await ConfigurationLoader.load(
            path: repository.appendingPathComponent("config/lifeline.yaml").path, environment: environment
        )
        let policy = configuration.recovery.policy
        let store = try SQLiteStore(path: configuration.storage.path, reasonCodes: configuration.reasonCodes, policy: policy)
        try await store.migrate()
        return ServerFixture(configuration: configuration, store: store, clock: clock ?? FixedClock(seconds: now), databasePath: databasePath)
    }

    var dependencies: AppDependencies {
        var logger = Logger(label: "lifeline.test")
        logger.logLevel = .critical
        // Tests drive the outbox themselves, so nothing is delivered behind their back, and read
        // the ledger right after a post, so each webhook is projected before its answer
        // (`EventLogServerTests` covers the background projector).
        return AppDependencies(store: store, clock: clock, logger: logger, runsDispatcher: false, projectsBeforeAcknowledging: true)
    }

    /// Runs `body` against the server listening on its random port.
    func run(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(configuration: configuration, dependencies: dependencies)
        try await app.test(.live) { client in try await body(client) }
    }

    /// A dispatcher over this fixture's store, clock and configuration.
    func dispatcher() -> OutboxDispatcher {
        makeDispatcher(configuration: configuration, dependencies: dependencies)
    }

    static func sample(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: repository.appendingPathComponent("Webhooks").appendingPathComponent(path)))
    }

    static func samples(_ directory: String) throws -> [(name: String, body: [UInt8])] {
        let url = repository.appendingPathComponent("Webhooks").appendingPathComponent(directory)
        return try FileManager.default.contentsOfDirectory(atPath: url.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
            .map { ($0, Array(try Data(contentsOf: url.appendingPathComponent($0)))) }
    }
}

extension TestClientProtocol {
    /// Posts a body signed like the provider would (or with the given secret / headers).
    func postWebhook(
        _ provider: ProviderName, body: [UInt8], secret: String? = nil, timestamp: Int64 = ServerFixture.now,
        headers override: [(String, String)]? = nil, path: String? = nil
    ) async throws -> TestResponse {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        let signed = override ?? WebhookSigner.headers(
            provider: provider, body: body, secret: secret ?? TestSecrets.secret(for: provider), timestamp: timestamp,
            eventID: WebhookSigner.eventID(in: body, fallback: "msg_test")
        )
        for (name, value) in signed { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return try await execute(
            uri: path ?? "/webhooks/\(provider.rawValue)", method: .post, headers: fields, body: ByteBuffer(bytes: body)
        )
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The JSON object of the response body.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }
}
