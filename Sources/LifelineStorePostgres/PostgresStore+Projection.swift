import Foundation
import LifelineCore
import LifelineStore
import PostgresNIO

/// The projector over the PostgreSQL log. Any instance may run it; a transaction-scoped advisory
/// lock lets exactly one apply a batch at a time, and an instance that dies mid-batch releases
/// it with its connection, its batch rolled back for the next instance to take over.
extension PostgresStore {
    /// A batch never waits on its client between statements for more than milliseconds. An
    /// instance frozen mid-batch, or whose host drops off the network without closing its
    /// connection, would otherwise keep the projector's lock until TCP keepalive gives up on it
    /// (two hours and more by default) and every instance's projection would stall: PostgreSQL
    /// ends a batch's transaction left idle this long, rolls it back and releases the lock.
    static let projectorIdleTimeout = "15s"

    public func project(limit: Int, now: Int64) async throws -> ProjectionBatch {
        let pipeline = self.pipeline
        let schema = self.schema
        return try await write { session in
            // Advisory locks are database-wide: keyed by schema, so stores in other schemas of the
            // same database project on their own.
            // The batch's transaction also gets an idle timeout (see `projectorIdleTimeout`).
            let locked = try await session.scalar("""
                SELECT pg_try_advisory_xact_lock(\(PostgresLocks.projectorSpace), hashtext(\(schema ?? ""))),
                       set_config('idle_in_transaction_session_timeout', \(Self.projectorIdleTimeout), true)
                """, as: Bool.self) ?? false
            guard locked else { return ProjectionBatch(busy: true) }
            let rows = try await session.all("""
                SELECT seq, origin, provider, event_id, received_at, normalized::text AS normalized
                FROM events WHERE projected_at IS NULL ORDER BY seq LIMIT \(max(1, limit))
                """, LoggedEvent.init)
            guard !rows.isEmpty else { return ProjectionBatch() }
            // Each event decoded once: for its customer's lock, then to apply it.
            let events = rows.map { row in Result { try row.decoded() } }
            // Customers in a fixed order, so a partner callback holding one cannot deadlock us.
            let customers = Set(events.compactMap { try? $0.get()?.customer.id }).sorted()
            for customerID in customers { try await session.lockCustomer(customerID) }
            var batch = ProjectionBatch()
            for (row, event) in zip(rows, events) {
                do {
                    let notes = try await Self.project(row, event: event, pipeline: pipeline, in: session)
                    if !notes.isEmpty { batch.remarks.append(ProjectionRemark(row, notes: notes)) }
                    batch.applied += 1
                } catch where !Self.isTransient(error) {
                    try await Self.recordFailure(of: row, error: error, now: now, in: session)
                    batch.remarks.append(ProjectionRemark(row, error: String(describing: error)))
                    batch.failed += 1
                }
            }
            let seqs = rows.map(\.seq)
            try await session.execute("UPDATE events SET projected_at = \(now) WHERE seq = ANY(\(seqs))")
            return batch
        }
    }

    /// One event in a savepoint of its own: if it fails, only its changes are rolled back.
    static func project(
        _ row: LoggedEvent, event decoded: Result<BillingEvent?, any Error>, pipeline: EventPipeline, rebuilding: Bool = false,
        in session: PostgresSession
    ) async throws -> [String] {
        try await session.execute("SAVEPOINT project_event")
        do {
            guard let event = try decoded.get() else {
                try await session.execute("RELEASE SAVEPOINT project_event")
                return []
            }
            let notes = try await apply(event, origin: row.origin, receivedAt: row.receivedAt, pipeline: pipeline, rebuilding: rebuilding, in: session)
            if !notes.isEmpty {
                try await session.execute("UPDATE events SET notes = \(notes.joined(separator: "; ")) WHERE seq = \(row.seq)")
            }
            try await session.execute("RELEASE SAVEPOINT project_event")
            return notes
        } catch {
            try await session.execute("ROLLBACK TO SAVEPOINT project_event")
            throw error
        }
    }

    static func recordFailure(of row: LoggedEvent, error: any Error, now: Int64, in session: PostgresSession) async throws {
        try await session.execute("""
            INSERT INTO projection_failures (seq, provider, event_id, error, failed_at, attempts, resolved_at)
            VALUES (\(row.seq), \(row.provider), \(row.eventID), \(String(describing: error)), \(now), 1, NULL)
            ON CONFLICT (seq) DO UPDATE SET error = excluded.error, failed_at = excluded.failed_at,
                attempts = projection_failures.attempts + 1, resolved_at = NULL
            """)
    }

    public func projectionStatus(now: Int64) async throws -> ProjectionStatus {
        try await read { session in
            let row = try await session.rows("""
                SELECT COUNT(*)::BIGINT AS lag, MIN(received_at) AS oldest FROM events WHERE projected_at IS NULL
                """).first
            let lag = try row?.value("lag", as: Int64.self) ?? 0
            let oldest = try row?.value("oldest", as: Int64?.self)
            let failures = try await session.scalar(
                "SELECT COUNT(*)::BIGINT FROM projection_failures WHERE resolved_at IS NULL", as: Int64.self
            ) ?? 0
            return ProjectionStatus(lagEvents: Int(lag), lagSeconds: oldest.map { max(0, now - $0) } ?? 0, failures: Int(failures))
        }
    }

    public func projectionFailures() async throws -> [ProjectionFailure] {
        try await read { session in
            try await session.all("""
                SELECT seq, provider, event_id, error, failed_at, attempts FROM projection_failures
                WHERE resolved_at IS NULL ORDER BY seq
                """) { row in
                ProjectionFailure(
                    seq: try row.value("seq"), provider: try row.value("provider"), eventID: try row.value("event_id"),
                    error: try row.value("error"), failedAt: try row.value("failed_at"), attempts: Int(try row.value("attempts", as: Int64.self))
                )
            }
        }
    }

    public func retryProjection(seq: Int64, now: Int64) async throws -> ProjectionRetryResult {
        let pipeline = self.pipeline
        return try await write { session in
            let open = try await session.scalar("""
                SELECT EXISTS (SELECT 1 FROM projection_failures WHERE seq = \(seq) AND resolved_at IS NULL)
                """, as: Bool.self) ?? false
            guard open, let row = try await session.first("""
                SELECT seq, origin, provider, event_id, received_at, normalized::text AS normalized FROM events WHERE seq = \(seq)
                """, LoggedEvent.init) else { return .notFound }
            let event = Result { try row.decoded() }
            if let customerID = try? event.get()?.customer.id { try await session.lockCustomer(customerID) }
            do {
                _ = try await Self.project(row, event: event, pipeline: pipeline, in: session)
                try await session.execute("""
                    UPDATE projection_failures SET resolved_at = \(now), attempts = attempts + 1 WHERE seq = \(seq)
                    """)
                return .applied
            } catch where !Self.isTransient(error) {
                try await Self.recordFailure(of: row, error: error, now: now, in: session)
                return .failedAgain(String(describing: error))
            }
        }
    }
}

extension LoggedEvent {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            seq: try row.value("seq"), origin: try row.raw("origin"), provider: try row.value("provider"),
            eventID: try row.value("event_id"), receivedAt: try row.value("received_at"), normalized: try row.value("normalized")
        )
    }
}
