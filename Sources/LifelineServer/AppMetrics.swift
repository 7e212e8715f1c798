import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineStore
import LifelineStoreSQLite
import Prometheus
import Synchronization

/// Every metric of `GET /metrics`, in one `PrometheusCollectorRegistry` that the composition
/// root builds and injects (`AppDependencies.metrics`): no process-wide registry, so each
/// application (and each test's server) exposes its own counts. Labels carry only bounded,
/// non-secret values: provider names, outcomes, statuses, kinds, categories, route patterns.
///
/// Counters and histograms are recorded as things happen; the gauges that describe the store
/// (projector lag, outbox, cases) are read from it on each scrape (`refresh`), so they are
/// never staler than the scrape and cost nothing while nobody scrapes.
public final class AppMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// The metric names, as the README and docs/grafana-lifeline.json use them.
    public enum Name {
        public static let webhooks = "lifeline_webhooks_total"
        public static let webhookEvents = "lifeline_webhook_events_total"
        public static let httpDuration = "lifeline_http_request_duration_seconds"
        public static let batchSize = "lifeline_group_commit_batch_size"
        public static let writerBusy = "lifeline_group_commit_busy_seconds_total"
        public static let lagEvents = "lifeline_projector_lag_events"
        public static let lagSeconds = "lifeline_projector_lag_seconds"
        public static let projectionFailures = "lifeline_projection_failures"
        public static let outboxActions = "lifeline_outbox_actions"
        public static let outboxOldestAge = "lifeline_outbox_oldest_age_seconds"
        public static let deliveryAttempts = "lifeline_delivery_attempts_total"
        public static let deliveryDuration = "lifeline_delivery_duration_seconds"
        public static let deadLetters = "lifeline_dead_letters_total"
        public static let cases = "lifeline_cases"
        public static let storeUp = "lifeline_store_up"
        public static let buildInfo = "lifeline_build_info"

        public static let all = [
            webhooks, webhookEvents, httpDuration, batchSize, writerBusy, lagEvents, lagSeconds, projectionFailures,
            outboxActions, outboxOldestAge, deliveryAttempts, deliveryDuration, deadLetters, cases, storeUp, buildInfo,
        ]
    }

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .microseconds(2_500_000), .seconds(5), .seconds(10),
    ]
    /// Powers of two up to the writer's largest batch (256).
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    let storeUp: Gauge
    let lagEvents: Gauge
    let lagSeconds: Gauge
    let projectionFailures: Gauge
    /// The SQLite stores already observed, so a second app over the same dependencies does not count twice.
    private let observed = Mutex<Set<ObjectIdentifier>>([])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        registry.makeGauge(
            descriptor: .named(Name.buildInfo, help: "Always 1; the version label is this build's."),
            labels: [("version", LifelineVersion.current)]
        ).set(to: 1)
        storeUp = registry.makeGauge(
            descriptor: .named(Name.storeUp, help: "1 when the store answered the last scrape's reads, else 0 (store gauges then keep their last values).")
        )
        lagEvents = registry.makeGauge(descriptor: .named(Name.lagEvents, help: "Logged events the projector has not applied yet."))
        lagSeconds = registry.makeGauge(
            descriptor: .named(Name.lagSeconds, help: "Age of the oldest event not yet projected, in seconds; 0 when caught up.")
        )
        projectionFailures = registry.makeGauge(
            descriptor: .named(Name.projectionFailures, help: "Events that failed to project and are not resolved (/api/v1/projection/failures).")
        )
        // Every series with a known label set starts at 0, so rate() and absent() work from the first scrape.
        for provider in ProviderName.allCases {
            for outcome in ["stored", "duplicate", "ignored"] { _ = webhookEventCounter(provider.rawValue, outcome) }
        }
        for kind in ActionKind.allCases {
            for outcome in ["delivered", "retry", "dead"] { _ = attemptCounter(kind, outcome) }
            for reason in ["refused", "exhausted"] { _ = deadLetterCounter(kind, reason) }
            for status in ActionStatus.allCases { _ = outboxGauge(kind, status) }
            for status in [ActionStatus.pending, .leased, .dead] { _ = outboxAgeGauge(kind, status) }
        }
        for status in CaseStatus.allCases {
            for category in FailureCategory.allCases { _ = caseGauge(status, category) }
        }
    }

    // MARK: Webhooks

    /// One webhook request and its answer: `accepted` or the error code, with the HTTP status.
    public func webhook(provider: String, outcome: String, status: Int) {
        registry.makeCounter(
            descriptor: .named(Name.webhooks, help: "Webhook requests by provider, outcome (accepted or the error code) and HTTP status."),
            labels: [("provider", provider), ("outcome", outcome), ("status", String(status))]).increment(
        )
    }

    /// The events of an accepted webhook: stored, duplicate or ignored.
    public func webhookEvents(provider: ProviderName, _ result: IngestResult) {
        for (outcome, ids) in [("stored", result.stored), ("duplicate", result.duplicates), ("ignored", result.ignored)] where !ids.isEmpty {
            webhookEventCounter(provider.rawValue, outcome).increment(by: Int64(ids.count))
        }
    }

    func webhookEventCounter(_ provider: String, _ outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: .named(Name.webhookEvents, help: "Events of accepted webhooks: stored (new), duplicate (already logged) or ignored (a type Lifeline does not act on)."),
            labels: [("provider", provider), ("outcome", outcome)]
        )
    }

    // MARK: HTTP

    /// A request answered: its route pattern (never the raw path), method and status class.
    public func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .named(Name.httpDuration, help: "Time from the request's arrival to the end of its answer, by route pattern, method and status class."),
            labels: [("route", route), ("method", method), ("status_class", "\(max(1, min(5, status / 100)))xx")],
            buckets: Self.latencyBuckets).record(duration
        )
    }

    // MARK: Group commit (SQLite)

    /// Follows the SQLite store's single writer; PostgreSQL has no group commit and no such series.
    public func observe(_ store: SQLiteStore) {
        guard observed.withLock({ $0.insert(ObjectIdentifier(store)).inserted }) else { return }
        let sizes = registry.makeValueHistogram(
            descriptor: .named(Name.batchSize, help: "Writes (webhook deliveries, outbox attempts) per group-commit transaction."),
            buckets: Self.batchBuckets
        )
        let busy = registry.makeCounter(
            descriptor: .named(Name.writerBusy, help: "Seconds the SQLite writer spent on its turns (queued on the connection to committed); against wall time, how close it is to saturation.")
        )
        store.observeGroupCommits { turn in
            for size in turn.batches { sizes.record(Double(size)) }
            busy.increment(by: turn.busy.seconds)
        }
    }

    // MARK: Outbox

    /// One delivery attempt, as the dispatcher resolved it.
    public func attempt(_ observation: AttemptObservation) {
        attemptCounter(observation.kind, observation.outcome.rawValue).increment()
        registry.makeDurationHistogram(
            descriptor: .named(Name.deliveryDuration, help: "Time of one outbound delivery attempt, by action kind."),
            labels: [("kind", observation.kind.rawValue)],
            buckets: Self.latencyBuckets).record(observation.duration
        )
        if observation.outcome == .dead {
            deadLetterCounter(observation.kind, observation.exhausted ? "exhausted" : "refused").increment()
        }
    }

    func attemptCounter(_ kind: ActionKind, _ outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: .named(Name.deliveryAttempts, help: "Outbox delivery attempts by action kind and outcome (delivered, retry, dead)."),
            labels: [("kind", kind.rawValue), ("outcome", outcome)]
        )
    }

    func deadLetterCounter(_ kind: ActionKind, _ reason: String) -> Counter {
        registry.makeCounter(
            descriptor: .named(Name.deadLetters, help: "Actions sent to the dead letter: refused (permanent answer) or exhausted (outbox.max_attempts)."),
            labels: [("kind", kind.rawValue), ("reason", reason)]
        )
    }

    func outboxGauge(_ kind: ActionKind, _ status: ActionStatus) -> Gauge {
        registry.makeGauge(
            descriptor: .named(Name.outboxActions, help: "Outbox actions by kind and status, read from the store at each scrape."),
            labels: [("kind", kind.rawValue), ("status", status.rawValue)]
        )
    }

    func outboxAgeGauge(_ kind: ActionKind, _ status: ActionStatus) -> Gauge {
        registry.makeGauge(
            descriptor: .named(Name.outboxOldestAge, help: "Seconds the oldest action has waited: since it became due (pending, leased; 0 when none is due) or since it died (dead)."),
            labels: [("kind", kind.rawValue), ("status", status.rawValue)]
        )
    }

    func caseGauge(_ status: CaseStatus, _ category: FailureCategory) -> Gauge {
        registry.makeGauge(
            descriptor: .named(Name.cases, help: "Recovery cases by status and failure category, read from the store at each scrape."),
            labels: [("status", status.rawValue), ("category", category.rawValue)]
        )
    }

    // MARK: Store gauges and exposition

    /// Sets the store's gauges from `gauges`; every known pair absent from it is 0.
    public func update(_ gauges: StoreGauges) {
        lagEvents.set(Double(gauges.projection.lagEvents))
        lagSeconds.set(Double(gauges.projection.lagSeconds))
        projectionFailures.set(Double(gauges.projection.failures))
        var outbox: [ActionKind: [ActionStatus: StoreGauges.Outbox]] = [:]
        for row in gauges.outbox { outbox[row.kind, default: [:]][row.status] = row }
        for kind in ActionKind.allCases {
            for status in ActionStatus.allCases {
                let row = outbox[kind]?[status]
                outboxGauge(kind, status).set(Double(row?.count ?? 0))
                if [.pending, .leased, .dead].contains(status) {
                    outboxAgeGauge(kind, status).set(Double(row?.oldestAgeSeconds ?? 0))
                }
            }
        }
        var cases: [CaseStatus: [FailureCategory: Int]] = [:]
        for row in gauges.cases { cases[row.status, default: [:]][row.category] = row.count }
        for status in CaseStatus.allCases {
            for category in FailureCategory.allCases { caseGauge(status, category).set(Double(cases[status]?[category] ?? 0)) }
        }
    }

    /// Reads the store's gauges, at most `timeout` long: a store that does not answer leaves
    /// them as they were and sets `lifeline_store_up` to 0, and the scrape still answers.
    public func refresh(from store: any StoreGaugeSource, now: Int64, timeout: Duration = .seconds(2)) async {
        // Raced without structured concurrency: a read that ignores cancellation must not hold the scrape.
        let gauges: StoreGauges? = await withCheckedContinuation { continuation in
            let race = FirstAnswer(continuation)
            let timer = Task {
                try? await Task.sleep(for: timeout)
                race.finish(nil)
            }
            Task {
                race.finish(try? await store.gauges(now: now))
                timer.cancel()
            }
        }
        guard let gauges else {
            storeUp.set(to: 0)
            return
        }
        update(gauges)
        storeUp.set(to: 1)
    }

    /// The Prometheus text exposition (version 0.0.4) of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// Resumes a continuation with the first value it is given; later ones are dropped.
final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation = Mutex(continuation)
    }

    func finish(_ value: Value) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}

extension Duration {
    /// Whole and fractional seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension MetricNameDescriptor {
    /// A metric whose name is given whole (the unit is part of Lifeline's names), with its help line.
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
