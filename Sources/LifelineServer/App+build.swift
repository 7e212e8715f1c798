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
    /// Apply each webhook's events before answering it, instead of in the background projector:
    /// for tests that read the ledger right after a post. Production acknowledges on append.
    public var projectsBeforeAcknowledging: Bool
    /// The registry behind `GET /metrics`, made here per application: two apps (two tests)
    /// never count into each other's.
    public var metrics: AppMetrics
    /// Events the background projector applies per transaction. Each batch holds SQLite's single
    /// writer connection, so appends (and their acknowledgements) wait for at most one batch.
    public var projectorBatchSize: Int

    public init(
        store: any LifelineStore, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "lifeline"),
        deliverer: (any ActionDeliverer)? = nil, runsDispatcher: Bool = true, projectsBeforeAcknowledging: Bool = false,
        metrics: AppMetrics = AppMetrics(),
        projectorBatchSize: Int = Projector.defaultBatchSize
    ) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.deliverer = deliverer
        self.runsDispatcher = runsDispatcher
        self.projectsBeforeAcknowledging = projectsBeforeAcknowledging
        self.metrics = metrics
        self.projectorBatchSize = projectorBatchSize
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
    let policy = configuration.recovery.policy
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

/// Every secret the configuration holds: provider signing secrets, partner secrets, admin
/// tokens, the Stripe API key and the PostgreSQL password. (No email or SMS provider is
/// configurable yet; their keys belong here when one is.) Scrubbed from every stored and
/// logged error.
public func configuredSecrets(_ configuration: LifelineConfiguration) -> [String] {
    var secrets = configuration.providers.stripeSecrets + configuration.providers.gocardlessSecrets
        + configuration.providers.standardSecrets + configuration.adminTokens
        + configuration.partners.values.map(\.secret) + [configuration.outbound.stripeAPIKey].compactMap { $0 }
    if let url = configuration.storage.url, let components = URLComponents(string: url) {
        // As written in the URL and decoded: an error may quote either.
        secrets += [components.percentEncodedPassword, components.password].compactMap { $0 }
    }
    return Array(Set(secrets.filter { !$0.isEmpty })).sorted()
}

/// The logger with every configured secret scrubbed from its lines.
public func redactingLogger(_ logger: Logger, configuration: LifelineConfiguration) -> Logger {
    RedactingLogHandler.wrapping(logger, secrets: configuredSecrets(configuration))
}

/// Outbound endpoints, secrets and retry settings from the configuration.
public func makeOutboundSettings(_ configuration: LifelineConfiguration) -> OutboundSettings {
    let recovery = configuration.recovery
    var settings = OutboundSettings(
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
    settings.otherSecrets = configuredSecrets(configuration).filter { !settings.secrets.contains($0) }
    return settings
}

/// The outbox dispatcher for this configuration and these dependencies.
public func makeDispatcher(configuration: LifelineConfiguration, dependencies: AppDependencies) -> OutboxDispatcher {
    let settings = makeOutboundSettings(configuration)
    let deliverer = dependencies.deliverer
        ?? HTTPActionDeliverer(client: outboundHTTPClient, settings: settings, clock: dependencies.clock)
    let metrics = dependencies.metrics
    return OutboxDispatcher(
        store: dependencies.store, deliverer: deliverer, settings: settings, clock: dependencies.clock,
        logger: redactingLogger(dependencies.logger, configuration: configuration),
        onAttempt: { metrics.attempt($0) }
    )
}

/// The composition root: every route and service is wired here and nowhere else.
public func buildApplication(
    configuration: LifelineConfiguration,
    dependencies: AppDependencies,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
    /// Adds routes beside the real ones (`lifeline bench` mounts its bare endpoint); none by default.
    extraRoutes: (Router<BasicRequestContext>) -> Void = { _ in },
    /// Told every route registered (path and methods), for the OpenAPI contract test.
    registeredRoutes: ([RegisteredRoute]) -> Void = { _ in }
) -> some ApplicationProtocol {
    var dependencies = dependencies
    dependencies.logger = redactingLogger(dependencies.logger, configuration: configuration)
    let metrics = dependencies.metrics
    if let sqlite = dependencies.store as? SQLiteStore { metrics.observe(sqlite) }
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    // First, so they wrap every route below and the router's own 404: the timing, then the
    // request id (on every log line and answer), then the JSON error body.
    router.add(middleware: HTTPMetricsMiddleware(metrics: metrics))
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: JSONErrorMiddleware())
    extraRoutes(router)
    let routes = RouteTable(router: router)
    HealthRoutes(store: dependencies.store, clock: dependencies.clock).register(on: routes)
    OpenAPIRoutes().register(on: routes)
    MetricsRoutes(metrics: metrics, store: dependencies.store, clock: dependencies.clock).register(on: routes)
    let projector = dependencies.projectsBeforeAcknowledging ? nil : Projector(
        store: dependencies.store, clock: dependencies.clock, logger: dependencies.logger, batchSize: dependencies.projectorBatchSize
    )
    let ingestor = WebhookIngestor(
        providers: makeProviders(configuration), store: dependencies.store,
        clock: dependencies.clock, logger: dependencies.logger,
        projection: projector.map { .background($0) } ?? .beforeAcknowledging
    )
    let adminAuth = AdminAuthMiddleware(tokens: configuration.adminTokens)
    WebhookRoutes(ingestor: ingestor, maxBodyBytes: configuration.http.maxBodyBytes, admin: adminAuth, metrics: metrics).register(on: routes)
    ReportRoutes(source: dependencies.store as? any ReportSource, settings: configuration.reports, tokens: configuration.adminTokens, clock: dependencies.clock).register(on: routes)
    PartnerCallbackRoutes(
        secrets: configuration.partners.mapValues(\.secret), log: dependencies.store, clock: dependencies.clock,
        maxBodyBytes: configuration.http.maxBodyBytes
    ).register(on: routes)
    let admin = routes.group("/api/v1").add(middleware: adminAuth)
    RecoveryLogRoutes(log: dependencies.store, clock: dependencies.clock).register(on: admin)
    ProjectionRoutes(log: dependencies.store, clock: dependencies.clock).register(on: admin)
    routes.registerMethodNotAllowed()
    registeredRoutes(routes.registered)

    var app = Application(
        router: router,
        server: .http1(configuration: httpChannelConfiguration(configuration.http)),
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
    // After the store, so it stops (its batch finished) before the store closes.
    if let projector { app.addServices(projector) }
    app.addServices(InstanceHeartbeat(store: dependencies.store, clock: dependencies.clock, logger: dependencies.logger))
    if configuration.storage.rawRetentionDays > 0 {
        app.addServices(RawRetention(
            store: dependencies.store, clock: dependencies.clock, logger: dependencies.logger,
            retentionDays: configuration.storage.rawRetentionDays
        ))
    }
    if dependencies.runsDispatcher {
        app.addServices(makeDispatcher(configuration: configuration, dependencies: dependencies))
    }
    return app
}
