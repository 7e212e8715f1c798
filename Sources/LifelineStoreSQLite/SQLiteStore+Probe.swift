import Foundation
import GRDB
import LifelineStore

/// `/ready`'s write probe: one row rewritten and committed, so a read-only or full database
/// (or file system) shows before a webhook meets it.
extension SQLiteStore {
    public func probeWrite() async throws {
        let now = Int64(Date().timeIntervalSince1970)
        try await pool.write { db in
            // Created here, not by a migration: the row belongs to no ledger and no schema version.
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS lifeline_write_probe (
                    id INTEGER PRIMARY KEY CHECK (id = 1), probed_at INTEGER NOT NULL)
                """)
            try db.execute(
                sql: """
                    INSERT INTO lifeline_write_probe (id, probed_at) VALUES (1, ?)
                    ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at
                    """,
                arguments: [now]
            )
        }
    }
}
