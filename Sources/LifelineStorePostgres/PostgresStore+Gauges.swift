import LifelineCore
import LifelineStore
import PostgresNIO

/// The gauges of `/metrics`: grouped counts, the same for every instance that reads them.
extension PostgresStore {
    public func gauges(now: Int64) async throws -> StoreGauges {
        let projection = try await projectionStatus(now: now)
        return try await read { session in
            var outbox: [StoreGauges.Outbox] = []
            for row in try await session.rows("""
                SELECT kind, status, COUNT(*)::BIGINT AS count,
                    MIN(CASE WHEN next_attempt_at <= \(now) THEN next_attempt_at END) AS earliest_due,
                    MIN(updated_at) AS earliest_update
                FROM actions GROUP BY kind, status
                """) {
                guard let kind = ActionKind(rawValue: try row.value("kind", as: String.self)),
                      let status = ActionStatus(rawValue: try row.value("status", as: String.self)) else { continue }
                outbox.append(.init(
                    kind: kind, status: status, count: Int(try row.value("count", as: Int64.self)),
                    oldestAgeSeconds: StoreGauges.oldestAge(
                        status: status, earliestDue: try row.value("earliest_due", as: Int64?.self),
                        earliestUpdate: try row.value("earliest_update", as: Int64?.self), now: now
                    )
                ))
            }
            var cases: [StoreGauges.Cases] = []
            for row in try await session.rows("SELECT status, category, COUNT(*)::BIGINT AS count FROM cases GROUP BY status, category") {
                guard let status = CaseStatus(rawValue: try row.value("status", as: String.self)),
                      let category = FailureCategory(rawValue: try row.value("category", as: String.self)) else { continue }
                cases.append(.init(status: status, category: category, count: Int(try row.value("count", as: Int64.self))))
            }
            return StoreGauges(projection: projection, outbox: outbox, cases: cases)
        }
    }
}
