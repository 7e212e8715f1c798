import Foundation
import PostgresNIO

/// Own migrations: `lifeline_migrations` lists the applied names. Everything runs in one
/// transaction under an advisory lock, so instances starting together migrate one at a time
/// and the later ones find nothing left to do.
extension PostgresStore {
    public func migrate() async throws {
        let schema = self.schema
        try await write { session in
            try await session.execute("SELECT pg_advisory_xact_lock(\(PostgresLocks.migrationSpace), hashtext(\(schema ?? "")))")
            if let schema {
                // The name was checked to be a plain identifier when the URL was parsed.
                try await session.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
            }
            try await session.execute("""
                CREATE TABLE IF NOT EXISTS lifeline_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)
                """)
            let applied = Set(try await session.all("SELECT name FROM lifeline_migrations") { try $0.value("name", as: String.self) })
            let now = Int64(Date().timeIntervalSince1970)
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try await session.execute(statement) }
                try await session.execute("INSERT INTO lifeline_migrations (name, applied_at) VALUES (\(migration.name), \(now))")
            }
        }
    }

    /// Names of the migrations applied, in order; for `lifeline migrate` and tests.
    public func appliedMigrations() async throws -> [String] {
        try await read { session in
            try await session.all("SELECT name FROM lifeline_migrations ORDER BY name COLLATE \"C\"") { try $0.value("name", as: String.self) }
        }
    }

    /// Drops the schema named in the URL with everything in it; for throw-away databases such as
    /// tests. Refuses when the store was not opened with `?schema=`.
    public func dropSchema() async throws {
        guard let schema else { throw PostgresStoreError.noSchema }
        try await write { session in
            try await session.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
        }
    }
}
