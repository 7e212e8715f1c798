import LifelineCore
import LifelineStore
import LifelineStorePostgres
import Testing

/// What the PostgreSQL store does without a server: `/ready` answers fast, and a webhook gets
/// its error (then 503) in seconds rather than when the pool gives up.
@Suite("PostgreSQL store without a server")
struct PostgresOfflineTests {
    static func unreachable() throws -> PostgresStore {
        try PostgresStore(url: "postgres://lifeline:x@127.0.0.1:1/lifeline?sslmode=disable", reasonCodes: ReasonCodeTable())
    }

    @Test func pingFailsWithinItsTimeout() async throws {
        let store = try Self.unreachable()
        // Ended by its own bound (not a timed assertion: which error says which deadline fired).
        let error = await #expect(throws: PostgresStoreError.self) { try await store.ping() }
        #expect(error?.description.contains("SELECT 1") == true, "\(String(describing: error))")
        await store.shutdown()
        await store.shutdown()
    }

    @Test func ingestGivesUpWhenNoConnectionComes() async throws {
        let store = try Self.unreachable()
        let delivery = try Samples.subscriptionCreated(id: "evt_x", customer: "cus_x", subscription: "sub_x", amount: 100, at: 1_780_000_000)
        // The transaction's connection wait gave up, not the pool's own minute of retries.
        let error = await #expect(throws: PostgresStoreError.self) { _ = try await store.ingest(delivery) }
        #expect(error?.description.contains("no connection within") == true, "\(String(describing: error))")
        await store.shutdown()
    }
}
