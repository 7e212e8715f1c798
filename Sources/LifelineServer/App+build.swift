import AsyncHTTPClient
import Foundation
import Hummingbird
import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineStore
import LifelineStoreSQLite
import LifelineStorePostgres
import Logging
import NIOCore
import ServiceLifecycle

/// The parts an application is made of; tests swap any of them.
public struct AppDependencies: Sendable {
    public var store: any LifelineStore
    public var clock: any WallClock
    public var logger: Logger
    /// Delivers outbox actions; nil means real HTTP calls built from the configuration.
    public var deliverer: (any ActionDeliverer)?
    /// Whether this process runs the outbox dispatcher (off to simulate a crash before delivery).
    public var runsDispatcher: Bool

    public init(
        store: any LifelineStore, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "lifeline"),
        deliverer: (any ActionDeliverer)? = nil, runsDispatcher: Bool = true
    ) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.deliverer = deliverer
        self.runsDispatcher = runsDispatcher
    }
}

/// One HTTP client for every outbound call; it never follows redirects, so a POST carrying a
/// signature or the Stripe key cannot be bounced elsewhere.
public let outboundHTTPClient = HTTPClient(
    eventLoopGroupProvider: .singleton,
    configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
)

/// Opens the store the configuration names and migrates it: PostgreSQL when `storage.url` is set
/// (the loader fills it from `STORAGE_URL`, `LIFELINE_DATABASE_URL` or the file), else the SQLite file.
/// A PostgreSQL store is usable at once; `buildApplication` adds it to the app's services so
/// its connections close on shutdown.
public func openStore(_ configuration: LifelineConfiguration) async throws -> any LifelineStore & ReportSource {
    let policy = RecoveryPolicy(weights: configuration.recovery.weights, playbook: configuration.recovery.playbook)
    if let url = configuration.storage.url {
        let store = try PostgresStore(url: url, reasonCodes: configuration.reasonCodes, policy: policy)
        do {
            try await store.migrate()
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }
    let store = try SQLiteStore(path: configuration.storage.path, reasonCodes: configuration.reasonCodes, policy: policy)
    try await store.migrate()
    return store
}

/// Where the store is, for logs: the SQLite path, or the PostgreSQL URL without its password.
public func storageDescription(_ configuration: LifelineConfiguration) -> String {
    guard let url = configuration.storage.url else { return configuration.storage.path }
    return (try? PostgresURL(url).redacted) ?? "PostgreSQL (unparseable URL)"
}

/// The providers the configuration enables, each with its secrets.
public func makeProviders(_ configuration: LifelineConfiguration) -> [ProviderName: any WebhookProvider] {
    let settings = configuration.providers
    return [
        .stripe: StripeProvider(signature: StripeSignature(
            secrets: settings.stripeSecrets, toleranceSeconds: Int64(settings.stripeToleranceSeconds))),
        .gocardless: GoCardlessProvider(signature: GoCardlessSignature(secrets: settings.gocardlessSecrets)),
        .standard: StandardProvider(signature: StandardWebhooksSignature(
            secrets: settings.standardSecrets, toleranceSeconds: Int64(settings.standardToleranceSeconds))),
    ]
}

/// Outbound endpoints, secrets and retry settings from the configuration.
public func makeOutboundSettings(_ configuration: LifelineConfiguration) -> OutboundSettings {
    let recovery = configuration.recovery
    return OutboundSettings(
        partners: configuration.partners.mapValues { PartnerEndpoint(url: $0.url, secret: $0.secret) },
        dunningURL: configuration.outbound.dunningURL,
        stripeAPIBase: configuration.outbound.stripeAPIBase,
        stripeAPIKey: configuration.outbound.stripeAPIKey,
        requestTimeoutSeconds: Int64(recovery.requestTimeoutSeconds),
        maxAttempts: recovery.maxAttempts,
        backoffBaseSeconds: Int64(recovery.backoffBaseSeconds),
        backoffMaxSeconds: Int64(recovery.backoffMaxSeconds),
        pollIntervalMilliseconds: recovery.pollIntervalMilliseconds,
        batchSize: recovery.batchSize,
        leaseSeconds: Int64(recovery.effectiveLeaseSeconds)
    )
}

/// The outbox dispatcher for this configuration and these dependencies.
public func makeDispatcher(configuration: LifelineConfiguration, dependencies: AppDependencies) -> OutboxDispatcher {
    let settings = makeOutboundSettings(configuration)
    let deliverer = dependencies.deliverer
        ?? HTTPActionDeliverer(client: outboundHTTPClient, settings: settings, clock: dependencies.clock)
    return OutboxDispatcher(
        store: dependencies.store, deliverer: deliverer, settings: settings, clock: dependencies.clock,
        logger: dependencies.logger
    )
}

/// The composition root: every route and service is wired here and nowhere else.
public func buildApplication(
    configuration: LifelineConfiguration,
    dependencies: AppDependencies,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
    /// Adds routes beside the real ones (`lifeline bench` mounts its bare endpoint); none by default.
    extraRoutes: (Router<BasicRequestContext>) -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    extraRoutes(router)
    HealthRoutes(store: dependencies.store).register(on: router)
    let ingestor = WebhookIngestor(
        providers: makeProviders(configuration), store: dependencies.store,
        clock: dependencies.clock, logger: dependencies.logger
    )
    WebhookRoutes(ingestor: ingestor, maxBodyBytes: configuration.http.maxBodyBytes).register(on: router)
    ReportRoutes(source: dependencies.store as? any ReportSource, settings: configuration.reports, tokens: configuration.adminTokens, clock: dependencies.clock).register(on: router)
    PartnerCallbackRoutes(
        secrets: configuration.partners.mapValues(\.secret), log: dependencies.store, clock: dependencies.clock,
        maxBodyBytes: configuration.http.maxBodyBytes, logger: dependencies.logger
    ).register(on: router)
    let admin = router.group("/api/v1").add(middleware: AdminAuthMiddleware(tokens: configuration.adminTokens))
    RecoveryLogRoutes(log: dependencies.store, clock: dependencies.clock).register(on: admin)

    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.http.host, port: configuration.http.port),
            serverName: "Lifeline"
        ),
        onServerRunning: onServerRunning,
        logger: dependencies.logger
    )
    // A store with connections to run and close (PostgreSQL) is a service; added before the
    // dispatcher so it shuts down after it.
    if let storeService = dependencies.store as? any Service {
        app.addServices(storeService)
    }
    if dependencies.runsDispatcher {
        app.addServices(makeDispatcher(configuration: configuration, dependencies: dependencies))
    }
    return app
}
