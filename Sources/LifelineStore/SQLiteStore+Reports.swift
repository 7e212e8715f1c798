import Foundation
import GRDB
import LifelineCore

/// Report input straight from rows: a million movements must load in well under a second,
/// so nothing here goes through Codable.
extension SQLiteStore: ReportSource {
    public func reportInput(until: Int64) async throws -> ReportInput {
        try await pool.read { db in
            ReportInput(
                movements: try Self.reportMovements(db, until: until),
                customers: try Self.reportCustomers(db),
                cases: try RecoveryCase.order(Column("openedAt"), Column("id")).fetchAll(db),
                deliveredActionKinds: try Self.deliveredActionKinds(db),
                failureTimes: try Int64.fetchAll(db, sql: "SELECT occurredAt FROM paymentFailures WHERE occurredAt < ?", arguments: [until])
            )
        }
    }

    /// Subscription and event ids are left empty: the report never reads them.
    static func reportMovements(_ db: Database, until: Int64) throws -> [MRRMovement] {
        // Kinds come back as their index in MovementKind.allCases: no string per row for them.
        let kinds = MovementKind.allCases
        let kindIndex = "CASE kind " + kinds.enumerated().map { "WHEN '\($0.element.rawValue)' THEN \($0.offset)" }.joined(separator: " ") + " ELSE -1 END"
        var movements: [MRRMovement] = []
        movements.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mrrMovements WHERE occurredAt < ?", arguments: [until]) ?? 0)
        let rows = try Row.fetchCursor(
            db, sql: "SELECT customerID, currency, \(kindIndex), mrrBefore, mrrAfter, occurredAt FROM mrrMovements WHERE occurredAt < ? ORDER BY occurredAt, id",
            arguments: [until]
        )
        while let row = try rows.next() {
            let kind: Int = row[2]
            guard kinds.indices.contains(kind) else { continue }
            movements.append(MRRMovement(
                customerID: row[0], subscriptionID: "", currency: row[1], kind: kinds[kind],
                mrrBefore: row[3], mrrAfter: row[4], occurredAt: row[5], eventID: ""
            ))
        }
        return movements
    }

    /// Only what grouping needs: id, segment, first payment; metadata JSON is not decoded.
    static func reportCustomers(_ db: Database) throws -> [CustomerRecord] {
        var customers: [CustomerRecord] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, name, segment, firstSeenAt, firstPaidAt, lastEventAt FROM customers")
        while let row = try rows.next() {
            customers.append(CustomerRecord(
                id: row[0], name: row[1], segment: row[2], firstSeenAt: row[3], firstPaidAt: row[4], lastEventAt: row[5]
            ))
        }
        return customers
    }

    static func deliveredActionKinds(_ db: Database) throws -> [String: Set<ActionKind>] {
        var out: [String: Set<ActionKind>] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT DISTINCT caseID, kind FROM actions WHERE deliveredAt IS NOT NULL")
        while let row = try rows.next() {
            let kindName: String = row[1]
            guard let kind = ActionKind(rawValue: kindName) else { continue }
            out[row[0], default: []].insert(kind)
        }
        return out
    }
}
