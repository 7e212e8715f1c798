import LifelineStore
import Testing

/// `probeWrite`, behind `/ready`: it commits on a fresh database, again and again, and from
/// several instances probing at once (the first probes race to create the probe table).
@Suite("Write probe")
struct WriteProbeTests {
    static func probesFromSeveralInstances(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let stores = [try await database.open(), try await database.open(), try await database.open()]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores {
                    group.addTask { for _ in 0..<5 { try await store.probeWrite() } }
                }
                try await group.waitForAll()
            }
            try await stores[0].probeWrite()
        }
    }

    @Test func sqlite() async throws { try await Self.probesFromSeveralInstances(.sqlite) }

    @Test(.enabled(if: PostgresTestServer.isConfigured, "LIFELINE_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL 15 and sets it"))
    func postgres() async throws { try await Self.probesFromSeveralInstances(.postgres) }
}
