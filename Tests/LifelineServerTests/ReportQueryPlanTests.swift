import GRDB
import LifelineStore
@testable import LifelineStoreSQLite
import Testing

/// The report reads every movement: its query must be answered from one index alone, whatever
/// the size of the ledger (a plan check, not a timing).
@Suite("Query plans of hot statements")
struct ReportQueryPlanTests {
    @Test("movements are read from the covering index, in order, without table lookups or a sort")
    func movementsComeFromTheCoveringIndex() async throws {
        let store = try await ServerFixture.make().store
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.reportMovementsSQL, arguments: [1_798_761_600]).map { $0["detail"] as String }
        }
        #expect(plan.count == 1, "\(plan)")
        #expect(plan.first?.contains("USING COVERING INDEX mrrMovements_report") == true, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }

    @Test("cancelling a case's actions looks each one up by id, never walks the pending ones")
    func cancelledActionsAreFoundById() async throws {
        let store = try await ServerFixture.make().store
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.cancelActionsSQL, arguments: [0, "[\"act_1\"]"]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("SEARCH actions USING INDEX sqlite_autoindex_actions_1 (id=?)") }, "\(plan)")
        #expect(!plan.contains { $0.contains("actions_claim") }, "\(plan)")
    }
}
