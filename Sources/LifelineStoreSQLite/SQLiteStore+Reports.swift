import Foundation
import GRDB
import LifelineCore
import LifelineStore

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

    /// Kinds come back as their index in `MovementKind.allCases`: no string per row for them.
    static let reportMovementsSQL: String = {
        let kinds = MovementKind.allCases.enumerated().map { "WHEN '\($0.element.rawValue)' THEN \($0.offset)" }.joined(separator: " ")
        return "SELECT customerID, currency, CASE kind \(kinds) ELSE -1 END, mrrBefore, mrrAfter, occurredAt "
            + "FROM mrrMovements WHERE occurredAt < ? ORDER BY occurredAt, id"
    }()

    /// Subscription and event ids are left empty: the report never reads them. Rows are read
    /// straight from SQLite (no GRDB row per movement): a million of them are the report's cost.
    static func reportMovements(_ db: Database, until: Int64) throws -> [MRRMovement] {
        let kinds = MovementKind.allCases
        // No COUNT(*) first to size the array: counting scans the whole index once more, which
        // costs more than letting the array grow.
        var movements: [MRRMovement] = []
        try db.forEachRow(cachedSQL: reportMovementsSQL, values: [until]) { row in
            // A kind this version does not know (written by a newer one) is left out, as before.
            guard let kind = Int.fromStatement(row, atUncheckedIndex: 2), kinds.indices.contains(kind) else { return }
            guard let customerID = String.fromStatement(row, atUncheckedIndex: 0), let currency = String.fromStatement(row, atUncheckedIndex: 1),
                  let mrrBefore = Int64.fromStatement(row, atUncheckedIndex: 3), let mrrAfter = Int64.fromStatement(row, atUncheckedIndex: 4),
                  let occurredAt = Int64.fromStatement(row, atUncheckedIndex: 5)
            else { throw RecordDecodingError("mrrMovements row with a NULL column") }
            movements.append(MRRMovement(
                customerID: customerID, subscriptionID: "", currency: currency, kind: kinds[kind],
                mrrBefore: mrrBefore, mrrAfter: mrrAfter, occurredAt: occurredAt, eventID: ""
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
