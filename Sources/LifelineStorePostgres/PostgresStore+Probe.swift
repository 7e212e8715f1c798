import Foundation
import LifelineStore
import PostgresNIO

/// `/ready`'s write probe: one row rewritten and committed, so a read-only server (a standby,
/// `default_transaction_read_only`) or a full disk shows before a webhook meets it.
extension PostgresStore {
    public func probeWrite() async throws {
        let now = Int64(Date().timeIntervalSince1970)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await self.write { session in
                    // Created here, not by a migration, under the migration lock so instances
                    // probing together do not race on CREATE TABLE.
                    if try await session.scalar("SELECT to_regclass('lifeline_write_probe')::text", as: String.self) == nil {
                        try await session.execute("SELECT pg_advisory_xact_lock(\(PostgresLocks.migrationSpace), hashtext('lifeline_write_probe'))")
                        try await session.execute("""
                            CREATE TABLE IF NOT EXISTS lifeline_write_probe (
                                id INTEGER PRIMARY KEY CHECK (id = 1), probed_at BIGINT NOT NULL)
                            """)
                    }
                    try await session.execute("""
                        INSERT INTO lifeline_write_probe (id, probed_at) VALUES (1, \(now))
                        ON CONFLICT (id) DO UPDATE SET probed_at = EXCLUDED.probed_at
                        """)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                throw PostgresStoreError.timeout("write probe")
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
