import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// The rebuild over the SQLite log: one write transaction, so readers see the old projection
/// until it commits and a crash leaves it untouched.
extension SQLiteStore {
    /// The tables a rebuild recomputes; actions, attempts and the timeline are the record.
    static let projectedTables = ["customers", "subscriptions", "invoices", "paymentFailures", "mrrMovements", "cases", "projectionFailures"]

    public func rebuild(now: Int64, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws -> RebuildRun {
        let pipeline = self.pipeline
        return try await pool.write { db in
            let before = try RecoveryCase.fetchAll(db)
            let projected = try Int64.fetchOne(db, sql: "SELECT cursor FROM projection WHERE id = 1") ?? 0
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
            for table in Self.projectedTables { try db.execute(sql: "DELETE FROM \(table)") }
            try db.execute(sql: "UPDATE events SET notes = NULL WHERE provider NOT LIKE 'partner:%'")
            var run = RebuildRun()
            var cursor: Int64 = 0
            progress(RebuildProgress(done: 0, total: total))
            while true {
                let rows = try LoggedEvent.fetchAll(db, sql: LoggedEvent.after, arguments: [cursor, 1000])
                guard let last = rows.last else { break }
                for row in rows {
                    do {
                        if row.provider.hasPrefix(PartnerCallbackLog.providerPrefix) {
                            if try Self.reapplyPartnerCallback(row, in: db) { run.partnerCallbacks += 1 }
                        } else {
                            // An event the projector had not reached yet is projected as it would have been.
                            _ = try Self.project(row, pipeline: pipeline, rebuilding: row.seq <= projected, in: db)
                        }
                    } catch {
                        try Self.recordFailure(of: row, error: error, now: now, in: db)
                        run.failedEvents += 1
                    }
                    run.events += 1
                }
                cursor = last.seq
                progress(RebuildProgress(done: run.events, total: total))
            }
            let rebuilt = try RecoveryCase.fetchAll(db)
            let actions = try RecoveryAction.fetchAll(db)
            let reconciled = Rebuild.reconcile(before: before, rebuilt: rebuilt, actions: actions, now: now)
            try db.execute(sql: "DELETE FROM cases")
            for recoveryCase in reconciled.cases { try db.insertColumns(recoveryCase) }
            for entry in reconciled.timeline { try db.insertColumns(entry) }
            run.casesNoLongerOpened = reconciled.noLongerOpened
            try db.execute(sql: "UPDATE projection SET cursor = ?, updatedAt = ? WHERE id = 1", arguments: [cursor, now])
            return run
        }
    }

    /// A partner callback again, on the case as the log has rebuilt it so far: only the case's
    /// state changes (its timeline entry and any cancellation are already recorded).
    static func reapplyPartnerCallback(_ row: LoggedEvent, in db: Database) throws -> Bool {
        guard let body = try Data.fetchOne(db, sql: """
            SELECT d.body FROM deliveries d JOIN events e ON e.deliveryID = d.id WHERE e.seq = ?
            """, arguments: [row.seq]), !body.isEmpty else { return false }
        let callback = try JSONDecoder().decode(PartnerCallback.self, from: body)
        let partner = String(row.provider.dropFirst(PartnerCallbackLog.providerPrefix.count))
        guard let action = try RecoveryAction.fetchOne(db, key: callback.offerID),
              let recoveryCase = try RecoveryCase.fetchOne(db, key: action.caseID) else { return false }
        let caseActions = try RecoveryAction.filter(Column("caseID") == recoveryCase.id).fetchAll(db)
        let changes = PartnerCallbackReducer.apply(callback, partner: partner, action: action, recoveryCase: recoveryCase, caseActions: caseActions)
        for changed in changes.cases { try db.upsertColumns(changed) }
        return true
    }

    public func heartbeat(_ instance: ServingInstance) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO servingInstances (id, host, pid, startedAt, heartbeatAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET heartbeatAt = excluded.heartbeatAt
                """, arguments: [instance.id, instance.host, instance.pid, instance.startedAt, instance.heartbeatAt])
        }
    }

    public func retire(instanceID: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM servingInstances WHERE id = ?", arguments: [instanceID])
        }
    }

    public func servingInstances(since: Int64) async throws -> [ServingInstance] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, host, pid, startedAt, heartbeatAt FROM servingInstances WHERE heartbeatAt >= ? ORDER BY startedAt, id", arguments: [since]).map {
                ServingInstance(id: $0[0], host: $0[1], pid: $0[2], startedAt: $0[3], heartbeatAt: $0[4])
            }
        }
    }
}
