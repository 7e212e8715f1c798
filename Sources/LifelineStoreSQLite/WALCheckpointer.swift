import GRDB
import Synchronization

/// Copies the WAL back into the database file from a connection of its own, so the group-commit
/// writer seldom stalls on one; the writer's own automatic checkpoint stays, far off, as a backstop.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let running = Atomic(false)
    private let writesSinceCheckpoint = Atomic(0)
    /// Group-committed writes (a webhook is about six WAL pages) before a checkpoint is started.
    let threshold: Int

    init(path: String, threshold: Int = 256) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.threshold = threshold
    }

    /// Called after each group commit; starts one passive checkpoint at a time.
    func committed(writes: Int) {
        let total = writesSinceCheckpoint.add(writes, ordering: .relaxed).newValue
        guard total >= threshold, running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        writesSinceCheckpoint.store(0, ordering: .relaxed)
        Task {
            // Passive: copies what no reader still needs, never blocks the writer; a failure
            // only leaves the WAL longer until the next try.
            _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            running.store(false, ordering: .releasing)
        }
    }
}
