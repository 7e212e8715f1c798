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
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await store.ping() }
        #expect(ContinuousClock.now - started < .seconds(8))
        await store.shutdown()
        await store.shutdown()
    }

    @Test func ingestGivesUpWhenNoConnectionComes() async throws {
        let store = try Self.unreachable()
        let started = ContinuousClock.now
        let delivery = try Samples.subscriptionCreated(id: "evt_x", customer: "cus_x", subscription: "sub_x", amount: 100, at: 1_780_000_000)
        await #expect(throws: PostgresStoreError.self) { _ = try await store.ingest(delivery) }
        #expect(ContinuousClock.now - started < .seconds(15))
        await store.shutdown()
    }
}
