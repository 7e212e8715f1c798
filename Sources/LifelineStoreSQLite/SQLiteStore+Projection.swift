import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// The projector over the SQLite log: `projection.cursor` is the highest `seq` applied (or
/// skipped as failed). A batch and its cursor commit together, so after a crash the next batch
/// starts exactly where the last committed one ended.
extension SQLiteStore {
    public func project(limit: Int, now: Int64) async throws -> ProjectionBatch {
        let pipeline = self.pipeline
        return try await pool.write { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT cursor FROM projection WHERE id = 1") ?? 0
            let rows = try LoggedEvent.fetchAll(db, sql: LoggedEvent.after, arguments: [cursor, max(1, limit)])
            guard let last = rows.last else { return ProjectionBatch() }
            var batch = ProjectionBatch()
            for row in rows {
                do {
                    let notes = try Self.project(row, pipeline: pipeline, in: db)
                    if !notes.isEmpty { batch.remarks.append(ProjectionRemark(row, notes: notes)) }
                    batch.applied += 1
                } catch {
                    try Self.recordFailure(of: row, error: error, now: now, in: db)
                    batch.remarks.append(ProjectionRemark(row, error: String(describing: error)))
                    batch.failed += 1
                }
            }
            try db.execute(sql: "UPDATE projection SET cursor = ?, updatedAt = ? WHERE id = 1", arguments: [last.seq, now])
            return batch
        }
    }

    /// One event in a savepoint of its own: if it fails, only its changes are rolled back.
    static func project(_ row: LoggedEvent, pipeline: EventPipeline, rebuilding: Bool = false, in db: Database) throws -> [String] {
        // Events Lifeline does not act on and partner callbacks (applied when received) have
        // nothing to project.
        guard row.normalized != nil else { return [] }
        var notes: [String] = []
        try db.inSavepoint {
            guard let event = try row.decoded() else { return .commit }
            notes = try apply(event, origin: row.origin, receivedAt: row.receivedAt, pipeline: pipeline, rebuilding: rebuilding, in: db)
            if !notes.isEmpty {
                try db.execute(sql: "UPDATE events SET notes = ? WHERE seq = ?", arguments: [notes.joined(separator: "; "), row.seq])
            }
            return .commit
        }
        return notes
    }

    static func recordFailure(of row: LoggedEvent, error: any Error, now: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO projectionFailures (seq, provider, eventID, error, failedAt, attempts, resolvedAt)
            VALUES (?, ?, ?, ?, ?, 1, NULL)
            ON CONFLICT(seq) DO UPDATE SET error = excluded.error, failedAt = excluded.failedAt,
                attempts = attempts + 1, resolvedAt = NULL
            """, arguments: [row.seq, row.provider, row.eventID, String(describing: error), now])
    }

    public func projectionStatus(now: Int64) async throws -> ProjectionStatus {
        try await pool.read { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT cursor FROM projection WHERE id = 1") ?? 0
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), MIN(receivedAt) FROM events WHERE seq > ?", arguments: [cursor])
            let lag: Int = row?[0] ?? 0
            let oldest: Int64? = row?[1]
            let failures = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM projectionFailures WHERE resolvedAt IS NULL") ?? 0
            return ProjectionStatus(lagEvents: lag, lagSeconds: oldest.map { max(0, now - $0) } ?? 0, failures: failures)
        }
    }

    public func projectionFailures() async throws -> [ProjectionFailure] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, provider, eventID, error, failedAt, attempts FROM projectionFailures
                WHERE resolvedAt IS NULL ORDER BY seq
                """).map { row in
                ProjectionFailure(seq: row[0], provider: row[1], eventID: row[2], error: row[3], failedAt: row[4], attempts: row[5])
            }
        }
    }

    public func retryProjection(seq: Int64, now: Int64) async throws -> ProjectionRetryResult {
        let pipeline = self.pipeline
        return try await pool.write { db in
            let open = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM projectionFailures WHERE seq = ? AND resolvedAt IS NULL)", arguments: [seq]) ?? false
            guard open, let row = try LoggedEvent.fetchOne(db, sql: LoggedEvent.at, arguments: [seq]) else { return .notFound }
            do {
                _ = try Self.project(row, pipeline: pipeline, in: db)
                try db.execute(sql: "UPDATE projectionFailures SET resolvedAt = ?, attempts = attempts + 1 WHERE seq = ?", arguments: [now, seq])
                return .applied
            } catch {
                try Self.recordFailure(of: row, error: error, now: now, in: db)
                return .failedAgain(String(describing: error))
            }
        }
    }
}

extension LoggedEvent: FetchableRecord {
    static let columns = "seq, origin, provider, eventID, receivedAt, normalized"
    static let after = "SELECT \(columns) FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
    static let at = "SELECT \(columns) FROM events WHERE seq = ?"
    static let between = "SELECT \(columns) FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?"

    public init(row: Row) throws {
        let originText: String = row[1]
        guard let origin = EventOrigin(rawValue: originText) else { throw SQLiteStoreError.corruptValue(column: "origin", value: originText) }
        self.init(seq: row[0], origin: origin, provider: row[2], eventID: row[3], receivedAt: row[4], normalized: row[5])
    }
}

/// What the SQLite store reports beyond GRDB's own errors.
public enum SQLiteStoreError: Error, CustomStringConvertible {
    case corruptValue(column: String, value: String)

    public var description: String {
        switch self {
        case .corruptValue(let column, let value): "unexpected value \(value) in column \(column)"
        }
    }
}
