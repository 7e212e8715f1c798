import LifelineCore
import LifelineStore
import PostgresNIO

/// Report input straight from rows and columns by position: reports read every movement, so
/// nothing here goes through JSON.
extension PostgresStore {
    public func reportInput(until: Int64) async throws -> ReportInput {
        try await read { session in
            ReportInput(
                movements: try await Self.reportMovements(session, until: until),
                customers: try await Self.reportCustomers(session),
                cases: try await session.all("SELECT * FROM cases ORDER BY opened_at, id COLLATE \"C\"", PostgresRecords.recoveryCase),
                deliveredActionKinds: try await Self.deliveredActionKinds(session),
                failureTimes: try await session.all("SELECT occurred_at FROM payment_failures WHERE occurred_at < \(until)") {
                    try $0[0].decode(Int64.self)
                }
            )
        }
    }

    /// Subscription and event ids are left empty: the report never reads them.
    static func reportMovements(_ session: PostgresSession, until: Int64) async throws -> [MRRMovement] {
        let kinds = Dictionary(uniqueKeysWithValues: MovementKind.allCases.map { ($0.rawValue, $0) })
        var movements: [MRRMovement] = []
        let rows = try await session.connection.query("""
            SELECT customer_id, currency, kind, mrr_before, mrr_after, occurred_at FROM mrr_movements
            WHERE occurred_at < \(until) ORDER BY occurred_at, id
            """, logger: session.logger)
        for try await (customerID, currency, kindName, before, after, occurredAt) in rows.decode((String, String, String, Int64, Int64, Int64).self) {
            guard let kind = kinds[kindName] else { continue }
            movements.append(MRRMovement(
                customerID: customerID, subscriptionID: "", currency: currency, kind: kind,
                mrrBefore: before, mrrAfter: after, occurredAt: occurredAt, eventID: ""
            ))
        }
        return movements
    }

    /// Only what grouping needs: id, segment, first payment; metadata JSON is not decoded.
    static func reportCustomers(_ session: PostgresSession) async throws -> [CustomerRecord] {
        var customers: [CustomerRecord] = []
        let rows = try await session.connection.query(
            "SELECT id, name, segment, first_seen_at, first_paid_at, last_event_at FROM customers", logger: session.logger
        )
        for try await (id, name, segment, firstSeenAt, firstPaidAt, lastEventAt) in rows.decode((String, String?, String?, Int64, Int64?, Int64).self) {
            customers.append(CustomerRecord(
                id: id, name: name, segment: segment, firstSeenAt: firstSeenAt, firstPaidAt: firstPaidAt, lastEventAt: lastEventAt
            ))
        }
        return customers
    }

    static func deliveredActionKinds(_ session: PostgresSession) async throws -> [String: Set<ActionKind>] {
        var out: [String: Set<ActionKind>] = [:]
        for row in try await session.rows("SELECT DISTINCT case_id, kind FROM actions WHERE delivered_at IS NOT NULL") {
            guard let kind = ActionKind(rawValue: try row[1].decode(String.self)) else { continue }
            out[try row[0].decode(String.self), default: []].insert(kind)
        }
        return out
    }
}
