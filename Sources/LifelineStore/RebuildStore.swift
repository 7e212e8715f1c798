import LifelineCore

/// Recomputes the projection from the log (`lifeline rebuild`), and knows which `serve`
/// processes use the store, so an offline rebuild can refuse to run beside one.
public protocol RebuildStore: Sendable {
    /// In one transaction: clears the ledger and the case states, applies every logged event
    /// again in log order (partner callbacks included) with `Rebuild.recorded`, reconciles the
    /// cases with the recorded actions (`Rebuild.reconcile`) and moves the projector to the end
    /// of the log. Readers see the old projection until it commits. Plans and sends nothing.
    func rebuild(now: Int64, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws -> RebuildRun
    /// The same result beside serving instances (`lifeline rebuild --online`): webhooks keep
    /// being appended and acknowledged, and the new projection replaces the old one atomically.
    func rebuildOnline(now: Int64, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws -> RebuildRun
    /// Logged events after `seq` whose raw body is still kept, with that body, in log order:
    /// what a normalizer fix can be applied to (`lifeline rebuild --renormalize`).
    func rawEvents(after seq: Int64, limit: Int) async throws -> [RawLoggedEvent]
    /// Replaces logged events' normalized form and type (a normalizer fix); the raw body, the
    /// ids and the log order stay.
    func replaceNormalized(_ updates: [NormalizedUpdate]) async throws
    /// Records that `instance` is serving (its row is refreshed every few seconds).
    func heartbeat(_ instance: ServingInstance) async throws
    /// Removes the instance's row when it stops.
    func retire(instanceID: String) async throws
    /// Instances whose last heartbeat is at or after `since`.
    func servingInstances(since: Int64) async throws -> [ServingInstance]
}

/// A logged event with the raw body of its delivery.
public struct RawLoggedEvent: Sendable, Equatable {
    public var seq: Int64
    public var provider: String
    public var eventID: String
    public var deliveryID: Int64
    public var body: [UInt8]
    public var normalized: BillingEvent?

    public init(seq: Int64, provider: String, eventID: String, deliveryID: Int64, body: [UInt8], normalized: BillingEvent?) {
        self.seq = seq
        self.provider = provider
        self.eventID = eventID
        self.deliveryID = deliveryID
        self.body = body
        self.normalized = normalized
    }
}

/// A logged event's new normalized form.
public struct NormalizedUpdate: Sendable, Equatable {
    public var seq: Int64
    public var normalized: BillingEvent?

    public init(seq: Int64, normalized: BillingEvent?) {
        self.seq = seq
        self.normalized = normalized
    }
}

/// How far a rebuild has come.
public struct RebuildProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int

    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }
}

/// A `serve` process using the store.
public struct ServingInstance: Sendable, Equatable, Codable {
    public var id: String
    public var host: String
    public var pid: Int
    public var startedAt: Int64
    public var heartbeatAt: Int64

    public init(id: String, host: String, pid: Int, startedAt: Int64, heartbeatAt: Int64) {
        self.id = id
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
    }

    /// Seconds between heartbeats; an instance silent for three of them is gone.
    public static let heartbeatSeconds: Int64 = 5
    public static let staleAfterSeconds: Int64 = 15
}

extension RebuildStore where Self: ReportSource & LifelineStore {
    /// What the ledger and the cases hold now, for the rebuild's summary.
    public func rebuildSnapshot(until: Int64) async throws -> RebuildSnapshot {
        RebuildSnapshot(
            failures: try await paymentFailures(), movements: try await movements(),
            cases: try await cases(status: nil, category: nil), report: try await reportInput(until: until)
        )
    }
}
