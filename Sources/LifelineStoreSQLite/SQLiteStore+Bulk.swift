import GRDB
import LifelineCore
import LifelineStore

/// Bulk loading and an independent SQL check of the cohort, for `lifeline bench report` and tests.
extension SQLiteStore {
    /// Writes everything in one transaction through prepared statements (one fsync, no Codable).
    public func bulkLoad(customers: [CustomerRecord], movements: [MRRMovement], cases: [RecoveryCase] = []) async throws {
        try await pool.write { db in
            let customer = try db.makeStatement(sql: """
                INSERT INTO customers (id, email, name, metadata, segment, firstSeenAt, firstPaidAt, lastEventAt)
                VALUES (?, ?, ?, '{}', ?, ?, ?, ?)
                """)
            for record in customers {
                try customer.execute(arguments: [
                    record.id, record.email, record.name, record.segment, record.firstSeenAt, record.firstPaidAt, record.lastEventAt,
                ])
            }
            let movement = try db.makeStatement(sql: """
                INSERT INTO mrrMovements (customerID, subscriptionID, currency, kind, mrrBefore, mrrAfter, occurredAt, eventID)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for record in movements {
                try movement.execute(arguments: [
                    record.customerID, record.subscriptionID, record.currency, record.kind.rawValue,
                    record.mrrBefore, record.mrrAfter, record.occurredAt, record.eventID,
                ])
            }
            for record in cases { try record.insert(db) }
        }
    }

    /// Cohort size, start and end MRR per currency, computed by window functions in SQLite
    /// alone: a cross-check that shares no code with the report.
    public func cohortCheck(period: ReportPeriod) async throws -> [String: (customers: Int, start: Int64, end: Int64)] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                WITH startRanked AS (
                    SELECT customerID, currency, mrrAfter,
                           ROW_NUMBER() OVER (PARTITION BY customerID, currency ORDER BY occurredAt DESC, id DESC) AS position
                    FROM mrrMovements WHERE occurredAt < :from
                ), endRanked AS (
                    SELECT customerID, currency, mrrAfter,
                           ROW_NUMBER() OVER (PARTITION BY customerID, currency ORDER BY occurredAt DESC, id DESC) AS position
                    FROM mrrMovements WHERE occurredAt < :to
                )
                SELECT s.currency, COUNT(*), SUM(s.mrrAfter), SUM(e.mrrAfter)
                FROM startRanked s
                JOIN endRanked e ON e.customerID = s.customerID AND e.currency = s.currency AND e.position = 1
                WHERE s.position = 1 AND s.mrrAfter > 0
                GROUP BY s.currency
                """, arguments: ["from": period.from, "to": period.to])
            var out: [String: (customers: Int, start: Int64, end: Int64)] = [:]
            for row in rows { out[row[0]] = (row[1], row[2], row[3]) }
            return out
        }
    }
}
