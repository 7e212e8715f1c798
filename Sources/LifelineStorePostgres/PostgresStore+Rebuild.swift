import Foundation
import LifelineCore
import LifelineStore
import PostgresNIO

/// The rebuild over the PostgreSQL log: one transaction holding the projector's lock, so live
/// projectors wait (appends go on) and readers see the old projection until it commits.
extension PostgresStore {
    /// The tables a rebuild recomputes; actions, attempts and the timeline are the record.
    static let projectedTables = ["customers", "subscriptions", "invoices", "payment_failures", "mrr_movements", "cases", "projection_failures"]

    /// Online is the same transaction: it holds the projector's lock, not the appends', so
    /// webhooks go on being acknowledged and the projectors catch up once it commits.
    public func rebuildOnline(now: Int64, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws -> RebuildRun {
        try await rebuild(now: now, progress: progress)
    }

    public func rebuild(now: Int64, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws -> RebuildRun {
        let pipeline = self.pipeline
        let schema = self.schema
        return try await write { session in
            // Like a projector batch: a rebuild frozen mid-way must not hold the projector's lock for good.
            try await session.execute("""
                SELECT pg_advisory_xact_lock(\(PostgresLocks.projectorSpace), hashtext(\(schema ?? ""))),
                       set_config('idle_in_transaction_session_timeout', \(Self.projectorIdleTimeout), true)
                """)
            // Plain reads go on; partner callbacks and the outbox's case updates wait for the commit.
            try await session.execute(PostgresQuery(unsafeSQL: "LOCK TABLE \(Self.projectedTables.joined(separator: ", ")) IN EXCLUSIVE MODE"))
            let before = try await session.all("SELECT * FROM cases", PostgresRecords.recoveryCase)
            let total = try await session.scalar("SELECT COUNT(*)::BIGINT FROM events", as: Int64.self) ?? 0
            for table in Self.projectedTables { try await session.execute(PostgresQuery(unsafeSQL: "DELETE FROM \(table)")) }
            try await session.execute("UPDATE events SET notes = NULL WHERE provider NOT LIKE 'partner:%'")
            var run = RebuildRun()
            var cursor: Int64 = 0
            var unprojected: [String] = []
            progress(RebuildProgress(done: 0, total: Int(total)))
            while true {
                let rows = try await session.all("""
                    SELECT seq, origin, provider, event_id, received_at, normalized::text AS normalized, projected_at IS NULL AS fresh
                    FROM events WHERE seq > \(cursor) ORDER BY seq LIMIT 1000
                    """) { row in (try LoggedEvent(row: row), try row.value("fresh", as: Bool.self)) }
                guard let last = rows.last else { break }
                for (row, fresh) in rows {
                    if fresh { unprojected.append(row.eventID) }
                    do {
                        if row.provider.hasPrefix(PartnerCallbackLog.providerPrefix) {
                            if try await Self.reapplyPartnerCallback(row, in: session) { run.partnerCallbacks += 1 }
                        } else {
                            // An event the projector had not reached yet is projected as it would have been.
                            _ = try await Self.project(row, event: Result { try row.decoded() }, pipeline: pipeline, rebuilding: !fresh, in: session)
                        }
                    } catch where !Self.isTransient(error) {
                        try await Self.recordFailure(of: row, error: error, now: now, in: session)
                        run.failedEvents += 1
                    }
                    run.events += 1
                }
                // Exactly the events read: one committed late with a lower seq is left to the projector.
                let seqs = rows.map(\.0.seq)
                try await session.execute("UPDATE events SET projected_at = \(now) WHERE seq = ANY(\(seqs))")
                cursor = last.0.seq
                progress(RebuildProgress(done: run.events, total: Int(total)))
            }
            let rebuilt = try await session.all("SELECT * FROM cases", PostgresRecords.recoveryCase)
            let actions = try await session.all("SELECT * FROM actions", PostgresRecords.action)
            // Cases the events the projector had not reached opened, with their own timeline.
            let opened = try await session.all("""
                SELECT DISTINCT case_id FROM timeline WHERE kind = 'event' AND reference = ANY(\(unprojected))
                """) { try $0.value("case_id", as: String.self) }
            let reconciled = Rebuild.reconcile(before: before, rebuilt: rebuilt, actions: actions, now: now, openedByUnprojected: Set(opened))
            try await session.execute("DELETE FROM cases")
            var changes = RecoveryChanges()
            changes.cases = reconciled.cases
            changes.timeline = reconciled.timeline
            try await Self.save(changes, now: now, in: session)
            run.casesNoLongerOpened = reconciled.noLongerOpened
            return run
        }
    }

    /// A partner callback again, on the case as the log has rebuilt it so far: only the case's
    /// state changes (its timeline entry and any cancellation are already recorded).
    static func reapplyPartnerCallback(_ row: LoggedEvent, in session: PostgresSession) async throws -> Bool {
        guard let body = try await session.scalar("""
            SELECT d.body FROM deliveries d JOIN events e ON e.delivery_id = d.id WHERE e.seq = \(row.seq)
            """, as: ByteBuffer.self), body.readableBytes > 0 else { return false }
        let callback = try JSONDecoder().decode(PartnerCallback.self, from: Data(body.readableBytesView))
        let partner = String(row.provider.dropFirst(PartnerCallbackLog.providerPrefix.count))
        guard let action = try await session.first("SELECT * FROM actions WHERE id = \(callback.offerID)", PostgresRecords.action),
              let recoveryCase = try await session.first("SELECT * FROM cases WHERE id = \(action.caseID)", PostgresRecords.recoveryCase)
        else { return false }
        let caseActions = try await session.all("SELECT * FROM actions WHERE case_id = \(recoveryCase.id)", PostgresRecords.action)
        let changes = PartnerCallbackReducer.apply(callback, partner: partner, action: action, recoveryCase: recoveryCase, caseActions: caseActions)
        for changed in changes.cases { try await session.save(changed) }
        return true
    }

    public func heartbeat(_ instance: ServingInstance) async throws {
        try await write { session in
            try await session.execute("""
                INSERT INTO serving_instances (id, host, pid, started_at, heartbeat_at)
                VALUES (\(instance.id), \(instance.host), \(Int64(instance.pid)), \(instance.startedAt), \(instance.heartbeatAt))
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
                """)
        }
    }

    public func retire(instanceID: String) async throws {
        try await write { session in
            try await session.execute("DELETE FROM serving_instances WHERE id = \(instanceID)")
        }
    }

    public func servingInstances(since: Int64) async throws -> [ServingInstance] {
        try await read { session in
            try await session.all("""
                SELECT id, host, pid, started_at, heartbeat_at FROM serving_instances WHERE heartbeat_at >= \(since) ORDER BY started_at, id
                """) { row in
                ServingInstance(
                    id: try row.value("id"), host: try row.value("host"), pid: Int(try row.value("pid", as: Int64.self)),
                    startedAt: try row.value("started_at"), heartbeatAt: try row.value("heartbeat_at")
                )
            }
        }
    }
}
