import GRDB
import LifelineCore
import Synchronization

/// Group commit: writes that arrive while a transaction is committing wait and share the next
/// one, so N webhooks cost one fsync; each caller resumes only after its batch commits.
final class GroupCommitWriter: Sendable {
    private struct Pending: Sendable {
        /// Runs inside the batch's savepoint; returns how to resume the caller once committed.
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Queue: ~Copyable {
        var pending: [Pending] = []
        /// A drain task is running and will pick up anything appended.
        var draining = false
        var statistics = GroupCommitStatistics()
    }

    private let queue = Mutex(Queue())
    private let pool: DatabasePool
    /// Bounds one transaction, so a burst still commits (and acknowledges) in slices.
    let maxBatch: Int
    /// Told how many writes each commit held (the WAL checkpointer).
    private let afterCommit: @Sendable (Int) -> Void

    init(pool: DatabasePool, maxBatch: Int = 256, afterCommit: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.pool = pool
        self.maxBatch = max(1, maxBatch)
        self.afterCommit = afterCommit
    }

    /// Writes waiting for the next transaction (not the one committing now).
    var pendingCount: Int { queue.withLock { $0.pending.count } }

    var statistics: GroupCommitStatistics { queue.withLock { $0.statistics } }

    /// Queues `work` and returns its own result once the batch holding it has committed. It runs
    /// all-or-nothing in a savepoint: if it throws, only its own changes are rolled back.
    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let pending = Pending(
                run: { db in
                    let value = try work(db)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            let startsDrain = queue.withLock { queue in
                queue.pending.append(pending)
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if startsDrain { Task { await self.drain() } }
        }
    }

    /// Commits batches until the queue is empty; only one drain runs at a time.
    private func drain() async {
        while true {
            let batch: [Pending] = queue.withLock { queue in
                guard !queue.pending.isEmpty else {
                    queue.draining = false
                    return []
                }
                queue.statistics.record(batch: min(queue.pending.count, maxBatch))
                guard queue.pending.count > maxBatch else {
                    defer { queue.pending = [] }
                    return queue.pending
                }
                let batch = Array(queue.pending.prefix(maxBatch))
                queue.pending.removeFirst(maxBatch)
                return batch
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    /// One transaction for the batch. Writes seldom fail, so it first runs them all without
    /// savepoints; if any write throws, that transaction is rolled back and the batch is run
    /// again with one savepoint per write, so a failing write is rolled back alone and gets its
    /// error while the others are acknowledged after the commit.
    private func commit(_ batch: [Pending]) async {
        let resumes: [@Sendable () -> Void]? = try? await pool.write { db in
            try batch.map { try $0.run(db) }
        }
        if let resumes {
            afterCommit(batch.count)
            for resume in resumes { resume() }
            return
        }
        await commitIsolatingFailures(batch)
    }

    private func commitIsolatingFailures(_ batch: [Pending]) async {
        do {
            let outcomes = try await pool.write { db in
                var outcomes: [Result<@Sendable () -> Void, any Error>] = []
                outcomes.reserveCapacity(batch.count)
                for pending in batch {
                    do {
                        var resume: (@Sendable () -> Void)?
                        try db.inSavepoint {
                            resume = try pending.run(db)
                            return .commit
                        }
                        outcomes.append(.success(resume ?? {}))
                    } catch {
                        // SQLite rolls the whole transaction back on some errors (I/O, full
                        // disk): then nothing of the batch will commit, so all must fail.
                        guard db.isInsideTransaction else { throw error }
                        outcomes.append(.failure(error))
                    }
                }
                return outcomes
            }
            afterCommit(batch.count)
            for (pending, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .success(let resume): resume()
                case .failure(let error): pending.fail(error)
                }
            }
        } catch {
            for pending in batch { pending.fail(error) }
        }
    }
}

/// How writes were grouped into transactions since the store opened.
public struct GroupCommitStatistics: Sendable, Equatable {
    public var transactions = 0
    public var writes = 0
    public var largestBatch = 0

    public var averageBatch: Double { transactions == 0 ? 0 : Double(writes) / Double(transactions) }

    mutating func record(batch: Int) {
        transactions += 1
        writes += batch
        largestBatch = max(largestBatch, batch)
    }
}
