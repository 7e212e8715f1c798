import GRDB

/// What `lifeline bench` prints to show the figures were taken with durable commits.
extension SQLiteStore {
    /// Batches committed by the group-commit writer so far.
    public var groupCommitStatistics: GroupCommitStatistics { writer.statistics }

    /// `journal_mode` and `synchronous` as the writer connection has them (2 = FULL).
    public func durabilitySettings() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }
}
