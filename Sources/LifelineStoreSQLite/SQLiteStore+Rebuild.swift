import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// The rebuild over the SQLite log. Offline: one write transaction, so readers see the old
/// projection until it commits and a crash leaves it untouched. Online (`rebuildOnline`): the
/// new projection is built in a copy of the file beside the live writer, caught up, and swapped
/// in by one short transaction.
extension SQLiteStore {
    /// The tables a rebuild recomputes; actions, attempts and the timeline are the record.
    static let projectedTables = ["customers", "subscriptions", "invoices", "paymentFailures", "mrrMovements", "cases", "projectionFailures"]

    public func rebuild(now: Int64, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws -> RebuildRun {
        let pipeline = self.pipeline
        return try await pool.write { db in
            let before = try RecoveryCase.fetchAll(db)
            let projected = try Self.cursor(db)
            var run = try Self.reproject(db, through: nil, projected: projected, pipeline: pipeline, now: now, progress: progress)
            let last = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM events") ?? 0
            run.casesNoLongerOpened = try Self.reconcileCases(db, before: before, projected: projected, now: now)
            try db.execute(sql: "UPDATE projection SET cursor = ?, updatedAt = ? WHERE id = 1", arguments: [last, now])
            return run
        }
    }

    /// The rebuild beside a serving instance: the live file's writer is held only for the swap.
    /// 1. `VACUUM INTO` a copy from a reader (appends and the projector go on); 2. rebuild the
    ///    copy up to the events the live projector had applied; 3. catch the copy up with what the
    ///    live projector applied since; 4. in one immediate transaction on the live file, replace
    ///    the projected tables with the copy's, apply again (as history) the few events the live
    ///    projector applied after the copy's last catch-up, and reconcile the cases with the live
    ///    record. Events the live projector has not reached stay for it, applied to the new projection.
    public func rebuildOnline(now: Int64, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws -> RebuildRun {
        let livePath = pool.path
        let copyPath = livePath + ".rebuild"
        Self.removeDatabaseFiles(copyPath)
        defer { Self.removeDatabaseFiles(copyPath) }
        // VACUUM INTO runs outside a transaction and reads a consistent snapshot.
        try await pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copyPath]) }
        let pipeline = self.pipeline
        var run = try await {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let copy = try DatabaseQueue(path: copyPath, configuration: configuration)
            defer { try? copy.close() }
            var run = try await copy.write { db in
                let projected = try Self.cursor(db)
                return try Self.reproject(db, through: projected, projected: projected, pipeline: pipeline, now: now, progress: progress)
            }
            // Catch up outside the live writer until little is left for the swap.
            for _ in 0..<8 {
                let caught = try Self.catchUp(copy, from: livePath, pipeline: pipeline, now: now)
                run.events += caught
                if caught < 500 { break }
            }
            return run
        }()
        let swapped = try await pool.writeWithoutTransaction { db -> RebuildRun in
            try db.execute(sql: "ATTACH DATABASE ? AS generation", arguments: [copyPath])
            defer { try? db.execute(sql: "DETACH DATABASE generation") }
            var tail = RebuildRun()
            try db.inTransaction(.immediate) {
                let live = try Self.cursor(db)
                let generation = try Int64.fetchOne(db, sql: "SELECT cursor FROM generation.projection WHERE id = 1") ?? 0
                let before = try RecoveryCase.fetchAll(db)
                for table in Self.projectedTables {
                    try db.execute(sql: "DELETE FROM main.\(table)")
                    try db.execute(sql: "INSERT INTO main.\(table) SELECT * FROM generation.\(table)")
                }
                try db.execute(sql: """
                    UPDATE main.events SET notes = g.notes FROM generation.events g
                    WHERE g.seq = main.events.seq AND main.events.notes IS NOT g.notes
                    """)
                // The events the live projector applied after the copy's last catch-up: already
                // acted on, so applied again as history, on the new projection.
                for row in try LoggedEvent.fetchAll(db, sql: LoggedEvent.between, arguments: [generation, live, Int.max]) {
                    try Self.apply(row, rebuilding: true, into: &tail, pipeline: pipeline, now: now, in: db)
                }
                tail.casesNoLongerOpened = try Self.reconcileCases(db, before: before, now: now)
                try db.execute(sql: "UPDATE projection SET cursor = ?, updatedAt = ? WHERE id = 1", arguments: [max(live, generation), now])
                return .commit
            }
            return tail
        }
        run.events += swapped.events
        run.failedEvents += swapped.failedEvents
        run.partnerCallbacks += swapped.partnerCallbacks
        run.casesNoLongerOpened = swapped.casesNoLongerOpened
        return run
    }

    static func cursor(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT cursor FROM projection WHERE id = 1") ?? 0
    }

    /// Clears the projected tables and applies the log again, up to `through` (all of it when nil);
    /// events past `projected` (not yet reached by the projector) are projected as live ones.
    static func reproject(
        _ db: Database, through: Int64?, projected: Int64, pipeline: EventPipeline, now: Int64, progress: (RebuildProgress) -> Void
    ) throws -> RebuildRun {
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE seq <= ?", arguments: [through ?? .max]) ?? 0
        for table in projectedTables { try db.execute(sql: "DELETE FROM \(table)") }
        try db.execute(sql: "UPDATE events SET notes = NULL WHERE provider NOT LIKE 'partner:%'")
        var run = RebuildRun()
        var cursor: Int64 = 0
        progress(RebuildProgress(done: 0, total: total))
        while true {
            let rows = try LoggedEvent.fetchAll(db, sql: LoggedEvent.between, arguments: [cursor, through ?? .max, 1000])
            guard let last = rows.last else { break }
            for row in rows {
                try apply(row, rebuilding: row.seq <= projected, into: &run, pipeline: pipeline, now: now, in: db)
            }
            cursor = last.seq
            progress(RebuildProgress(done: run.events, total: total))
        }
        try db.execute(sql: "UPDATE projection SET cursor = ?, updatedAt = ? WHERE id = 1", arguments: [cursor, now])
        return run
    }

    /// One logged event during a rebuild: a partner callback on its case, any other through the pipeline.
    static func apply(_ row: LoggedEvent, rebuilding: Bool, into run: inout RebuildRun, pipeline: EventPipeline, now: Int64, in db: Database) throws {
        do {
            if row.provider.hasPrefix(PartnerCallbackLog.providerPrefix) {
                if try reapplyPartnerCallback(row, in: db) { run.partnerCallbacks += 1 }
            } else {
                _ = try project(row, pipeline: pipeline, rebuilding: rebuilding, in: db)
            }
        } catch {
            try recordFailure(of: row, error: error, now: now, in: db)
            run.failedEvents += 1
        }
        run.events += 1
    }

    /// Copies into the copy the events the live projector applied since the copy's cursor, with
    /// their deliveries, and applies them there as history (the live projector acted on them).
    static func catchUp(_ copy: DatabaseQueue, from livePath: String, pipeline: EventPipeline, now: Int64) throws -> Int {
        try copy.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS live", arguments: [livePath])
            defer { try? db.execute(sql: "DETACH DATABASE live") }
            var run = RebuildRun()
            // Deferred: an immediate transaction would take the live file's write lock too.
            try db.inTransaction(.deferred) {
                let from = try cursor(db)
                let upTo = try Int64.fetchOne(db, sql: "SELECT cursor FROM live.projection WHERE id = 1") ?? 0
                guard upTo > from else { return .commit }
                try db.execute(sql: """
                    INSERT OR IGNORE INTO main.deliveries SELECT * FROM live.deliveries
                    WHERE id IN (SELECT deliveryID FROM live.events WHERE seq > ? AND seq <= ?)
                    """, arguments: [from, upTo])
                // The copy may hold some already: appended before the VACUUM INTO, projected after it.
                try db.execute(sql: "INSERT OR IGNORE INTO main.events SELECT * FROM live.events WHERE seq > ? AND seq <= ?", arguments: [from, upTo])
                for row in try LoggedEvent.fetchAll(db, sql: LoggedEvent.between, arguments: [from, upTo, Int.max]) {
                    try apply(row, rebuilding: true, into: &run, pipeline: pipeline, now: now, in: db)
                }
                try db.execute(sql: "UPDATE projection SET cursor = ?, updatedAt = ? WHERE id = 1", arguments: [upTo, now])
                return .commit
            }
            return run.events
        }
    }

    /// Reconciles the rebuilt cases with the recorded actions and the cases as they were; events
    /// after `projected` (applied as live ones) opened their cases with their own timeline.
    static func reconcileCases(_ db: Database, before: [RecoveryCase], projected: Int64 = .max, now: Int64) throws -> Int {
        let rebuilt = try RecoveryCase.fetchAll(db)
        let actions = try RecoveryAction.fetchAll(db)
        let opened = try String.fetchSet(db, sql: """
            SELECT DISTINCT t.caseID FROM timeline t JOIN events e ON e.eventID = t.reference
            WHERE t.kind = 'event' AND e.seq > ?
            """, arguments: [projected])
        let reconciled = Rebuild.reconcile(before: before, rebuilt: rebuilt, actions: actions, now: now, openedByUnprojected: opened)
        try db.execute(sql: "DELETE FROM cases")
        for recoveryCase in reconciled.cases { try db.insertColumns(recoveryCase) }
        for entry in reconciled.timeline { try db.insertColumns(entry) }
        return reconciled.noLongerOpened
    }

    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
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
