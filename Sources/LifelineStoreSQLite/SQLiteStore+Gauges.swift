import GRDB
import LifelineCore
import LifelineStore

/// The gauges of `/metrics`, read in one snapshot: three grouped scans, no row leaves the store.
extension SQLiteStore {
    public func gauges(now: Int64) async throws -> StoreGauges {
        let projection = try await projectionStatus(now: now)
        return try await pool.read { db in
            var outbox: [StoreGauges.Outbox] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT kind, status, COUNT(*),
                    MIN(CASE WHEN nextAttemptAt <= ? THEN nextAttemptAt END), MIN(updatedAt)
                FROM actions GROUP BY kind, status
                """, arguments: [now]) {
                // A kind or status this release does not know (written by a newer one) is left out.
                guard let kind = ActionKind(rawValue: row[0]), let status = ActionStatus(rawValue: row[1]) else { continue }
                outbox.append(.init(
                    kind: kind, status: status, count: row[2],
                    oldestAgeSeconds: StoreGauges.oldestAge(status: status, earliestDue: row[3], earliestUpdate: row[4], now: now)
                ))
            }
            var cases: [StoreGauges.Cases] = []
            for row in try Row.fetchAll(db, sql: "SELECT status, category, COUNT(*) FROM cases GROUP BY status, category") {
                guard let status = CaseStatus(rawValue: row[0]), let category = FailureCategory(rawValue: row[1]) else { continue }
                cases.append(.init(status: status, category: category, count: row[2]))
            }
            return StoreGauges(projection: projection, outbox: outbox, cases: cases)
        }
    }
}
