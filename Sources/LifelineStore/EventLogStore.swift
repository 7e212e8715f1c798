import Foundation
import LifelineCore

/// The append-only event log and its projector: a webhook is acknowledged once its events are
/// appended; the projector applies them to the ledger and recovery state afterwards, in log order.
public protocol EventLogStore: Sendable {
    /// Appends the delivery's new events durably; events already logged are reported as
    /// duplicates. Nothing is applied to the ledger here (see `project`).
    func append(_ delivery: IncomingDelivery, origin: EventOrigin) async throws -> IngestResult
    /// Appends several deliveries in one durable transaction, in this order (an import's chunk):
    /// all of them or none.
    func append(contentsOf deliveries: [IncomingDelivery], origin: EventOrigin) async throws -> [IngestResult]
    /// Applies up to `limit` logged events not yet projected, in log order, in one transaction
    /// with the projector's position. An event that fails is recorded (`projectionFailures`)
    /// and skipped; the others still apply.
    func project(limit: Int, now: Int64) async throws -> ProjectionBatch
    /// How far the projector is behind the log.
    func projectionStatus(now: Int64) async throws -> ProjectionStatus
    /// Events the projector could not apply and that were not retried successfully, oldest first.
    func projectionFailures() async throws -> [ProjectionFailure]
    /// Applies one failed event again (after a fix); it stays listed if it fails again.
    func retryProjection(seq: Int64, now: Int64) async throws -> ProjectionRetryResult
}

/// What one projector batch did.
public struct ProjectionBatch: Sendable, Equatable {
    /// Events applied (events with nothing to apply, such as ignored types, count too).
    public var applied: Int = 0
    /// Events that failed and were recorded as projection failures.
    public var failed: Int = 0
    /// Another projector holds the log (PostgreSQL with several instances): nothing was done.
    public var busy = false
    /// The events worth a log line, in log order: those applied with notes (unknown reason
    /// codes, parts not applied) and those that failed.
    public var remarks: [ProjectionRemark] = []

    public init(applied: Int = 0, failed: Int = 0, busy: Bool = false, remarks: [ProjectionRemark] = []) {
        self.applied = applied
        self.failed = failed
        self.busy = busy
        self.remarks = remarks
    }

    /// Nothing was left to project.
    public var isEmpty: Bool { applied == 0 && failed == 0 && !busy }
}

/// One event of a projection batch that the projector logs, with the ids that find it again.
public struct ProjectionRemark: Sendable, Equatable {
    public var seq: Int64
    public var provider: String
    public var eventID: String
    /// What the ledger noted while applying it.
    public var notes: [String]
    /// Why it failed to project; nil when it was applied.
    public var error: String?

    public init(_ event: LoggedEvent, notes: [String] = [], error: String? = nil) {
        self.seq = event.seq
        self.provider = event.provider
        self.eventID = event.eventID
        self.notes = notes
        self.error = error
    }
}

/// The projector's lag behind the log.
public struct ProjectionStatus: Sendable, Equatable, Codable {
    /// Logged events not yet projected.
    public var lagEvents: Int
    /// Age of the oldest of them, in seconds; 0 when caught up.
    public var lagSeconds: Int64
    /// Events that failed to project and are not resolved.
    public var failures: Int

    public init(lagEvents: Int, lagSeconds: Int64, failures: Int) {
        self.lagEvents = lagEvents
        self.lagSeconds = lagSeconds
        self.failures = failures
    }

    enum CodingKeys: String, CodingKey {
        case lagEvents = "lag_events"
        case lagSeconds = "lag_seconds"
        case failures
    }
}

/// A logged event the projector could not apply.
public struct ProjectionFailure: Sendable, Equatable, Codable {
    /// The event's position in the log.
    public var seq: Int64
    public var provider: String
    public var eventID: String
    /// Why it failed, as the store reported it.
    public var error: String
    public var failedAt: Int64
    public var attempts: Int

    public init(seq: Int64, provider: String, eventID: String, error: String, failedAt: Int64, attempts: Int) {
        self.seq = seq
        self.provider = provider
        self.eventID = eventID
        self.error = error
        self.failedAt = failedAt
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case seq, provider, error, attempts
        case eventID = "event_id"
        case failedAt = "failed_at"
    }
}

/// The columns of a logged event the projector reads, as both stores load them.
public struct LoggedEvent: Sendable {
    public var seq: Int64
    public var origin: EventOrigin
    public var provider: String
    public var eventID: String
    public var receivedAt: Int64
    /// The normalized event's JSON; nil for events with nothing to project.
    public var normalized: String?

    public init(seq: Int64, origin: EventOrigin, provider: String, eventID: String, receivedAt: Int64, normalized: String?) {
        self.seq = seq
        self.origin = origin
        self.provider = provider
        self.eventID = eventID
        self.receivedAt = receivedAt
        self.normalized = normalized
    }

    /// The normalized event; nil when there is nothing to project; throws when it does not decode.
    public func decoded() throws -> BillingEvent? {
        try normalized.map { try JSONDecoder().decode(BillingEvent.self, from: Data($0.utf8)) }
    }
}

/// The outcome of retrying one failed event.
public enum ProjectionRetryResult: Sendable, Equatable {
    case applied
    case failedAgain(String)
    /// No unresolved failure at that position.
    case notFound
}

extension EventLogStore {
    /// Appends, then projects until the log is caught up: the webhook path of a store used
    /// without a running projector (tests, benches, one-shot commands).
    public func ingest(_ delivery: IncomingDelivery, origin: EventOrigin = .live) async throws -> IngestResult {
        let result = try await append(delivery, origin: origin)
        try await projectAll(now: delivery.receivedAt)
        return result
    }

    /// Projects batch after batch until nothing is left; waits while another projector works.
    @discardableResult
    public func projectAll(now: Int64, batchSize: Int = 512) async throws -> ProjectionBatch {
        var total = ProjectionBatch()
        while true {
            let batch = try await project(limit: batchSize, now: now)
            if batch.busy {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            if batch.isEmpty { return total }
            total.applied += batch.applied
            total.failed += batch.failed
            total.remarks += batch.remarks
        }
    }
}
