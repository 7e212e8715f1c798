import LifelineCore
import LifelineStore
import Logging
import ServiceLifecycle
import Synchronization

/// The background service that drains the transactional outbox: claim what is due, deliver it,
/// record every attempt. At-least-once: a crash mid-delivery leaves a lease that expires.
public final class OutboxDispatcher: Service, Sendable {
    let store: any OutboxStore
    let deliverer: any ActionDeliverer
    let settings: OutboundSettings
    let policy: BackoffPolicy
    let clock: any WallClock
    let logger: Logger
    /// Injectable so tests get the same jitter every run.
    let random: Mutex<any RandomNumberGenerator & Sendable>
    /// Told of every attempt once it is resolved (`/metrics`); must not block.
    let onAttempt: @Sendable (AttemptObservation) -> Void

    public init(
        store: any OutboxStore, deliverer: any ActionDeliverer, settings: OutboundSettings, clock: any WallClock,
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        jitter: BackoffPolicy.Jitter = .equal, logger: Logger = Logger(label: "lifeline.outbound"),
        onAttempt: @escaping @Sendable (AttemptObservation) -> Void = { _ in }
    ) {
        self.store = store
        self.deliverer = deliverer
        self.settings = settings
        self.policy = BackoffPolicy(settings: settings, jitter: jitter)
        self.clock = clock
        self.logger = logger
        self.random = Mutex(random)
        self.onAttempt = onAttempt
    }

    /// Polls until graceful shutdown; a batch in flight is finished, only the wait is cut short.
    public func run() async throws {
        logger.info("outbox dispatcher started", metadata: ["settings": "\(settings)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var processed = 0
            do {
                processed = try await runOnce()
            } catch {
                logger.error("outbox poll failed", metadata: ["error": "\(error)"])
            }
            // A full batch suggests a backlog: poll again at once.
            if processed >= settings.batchSize { continue }
            try? await cancelWhenGracefulShutdown { [settings] in
                try await Task.sleep(for: .milliseconds(max(1, settings.pollIntervalMilliseconds)))
            }
        }
        logger.info("outbox dispatcher stopped")
    }

    /// One poll: claims due actions, delivers them concurrently (at most `batchSize`), records
    /// each attempt. Returns how many actions were processed.
    @discardableResult
    public func runOnce() async throws -> Int {
        let actions = try await store.claimDueActions(
            now: clock.nowSeconds(), limit: max(1, settings.batchSize), leaseSeconds: settings.leaseSeconds
        )
        guard !actions.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            for action in actions {
                group.addTask { await self.process(action) }
            }
        }
        return actions.count
    }

    /// Polls until nothing is due at the clock's "now" (or `maxRounds`); for the demo and tests.
    @discardableResult
    public func drain(maxRounds: Int = 1_000) async throws -> Int {
        var total = 0
        for _ in 0..<maxRounds {
            let processed = try await runOnce()
            if processed == 0 { break }
            total += processed
        }
        return total
    }

    /// Delivers one action, times it and records the attempt.
    func process(_ action: RecoveryAction) async {
        let startedAt = clock.nowSeconds()
        let start = ContinuousClock.now
        let result = await deliverer.deliver(action)
        let elapsed = start.duration(to: .now)
        let latency = Self.milliseconds(elapsed)
        let attemptNumber = action.attempts + 1
        let resolution = random.withLock { generator in
            AttemptResolution.resolve(
                result, attempt: attemptNumber, finishedAt: clock.nowSeconds(), policy: policy, random: &generator
            )
        }
        let attempt = DeliveryAttempt(
            actionID: action.id, attempt: attemptNumber, startedAt: startedAt, latencyMilliseconds: latency,
            httpStatus: resolution.httpStatus, outcome: resolution.outcome, error: resolution.error
        )
        log(action, attempt: attempt, nextAttemptAt: resolution.nextAttemptAt)
        var exhausted = false
        if case .retry = result, resolution.outcome == .dead { exhausted = true }
        onAttempt(AttemptObservation(kind: action.kind, outcome: resolution.outcome, exhausted: exhausted, duration: elapsed))
        do {
            try await store.recordAttempt(attempt, nextAttemptAt: resolution.nextAttemptAt, lastError: resolution.error)
        } catch {
            // The lease will expire and the action will be tried again: at-least-once.
            logger.error("could not record outbound attempt", metadata: ["action_id": "\(action.id)", "error": "\(error)"])
        }
    }

    /// One line per attempt: the action's, case's and invoice's ids, status and latency; errors
    /// are already scrubbed of secrets.
    func log(_ action: RecoveryAction, attempt: DeliveryAttempt, nextAttemptAt: Int64?) {
        var metadata: Logger.Metadata = [
            "action_id": "\(action.id)",
            "case_id": "\(action.caseID)",
            "kind": "\(action.kind.rawValue)",
            "attempt": "\(attempt.attempt)",
            "outcome": "\(attempt.outcome.rawValue)",
            "http_status": "\(attempt.httpStatus.map(String.init) ?? "none")",
            "latency_ms": "\(attempt.latencyMilliseconds)",
        ]
        if let invoiceID = action.invoiceID { metadata["invoice_id"] = "\(invoiceID)" }
        if let nextAttemptAt { metadata["next_attempt_at"] = "\(nextAttemptAt)" }
        if let error = attempt.error { metadata["error"] = "\(error)" }
        logger.log(level: attempt.outcome == .delivered ? .info : .warning, "outbound attempt", metadata: metadata)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}

/// One resolved delivery attempt, as the dispatcher reports it to its observer: no id, no
/// body, no error text.
public struct AttemptObservation: Sendable, Equatable {
    public var kind: ActionKind
    public var outcome: DeliveryOutcomeKind
    /// A temporary failure on the last allowed try (`outbox.max_attempts`), dead for that reason.
    public var exhausted: Bool
    /// How long the delivery took, from the request to the answer or the error.
    public var duration: Duration

    public init(kind: ActionKind, outcome: DeliveryOutcomeKind, exhausted: Bool, duration: Duration) {
        self.kind = kind
        self.outcome = outcome
        self.exhausted = exhausted
        self.duration = duration
    }
}
