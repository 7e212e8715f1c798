import Dispatch
import GRDB
import LifelineCore
import LifelineStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
    /// Told of every turn, on the writer's thread: keep them cheap (`/metrics` counters).
    private let observers = Mutex<[@Sendable (GroupCommitTurn) -> Void]>([])
    private let clock = ContinuousClock()
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

    /// Adds an observer of every turn from now on.
    func observe(_ observer: @escaping @Sendable (GroupCommitTurn) -> Void) {
        observers.withLock { $0.append(observer) }
    }

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
            if startsDrain { scheduleTurn() }
        }
    }

    /// Queues a turn on the writer connection; only one drain runs at a time. A turn commits up
    /// to `batchesPerTurn` batches back to back and, if writes are still waiting, queues the next
    /// turn itself, behind any other user of the writer: going back through a task between turns
    /// left the writer idle until the cooperative pool, busy with HTTP and parsing, ran it.
    private func scheduleTurn() {
        let queuedAt = clock.now
        pool.asyncWriteWithoutTransaction { db in self.turn(db, queuedAt: queuedAt) }
    }

    private func turn(_ db: Database, queuedAt: ContinuousClock.Instant) {
        let cpuAtStart = Self.threadCPUTime()
        var drained = false
        var sizes: [Int] = []
        for _ in 0..<Self.batchesPerTurn {
            let batch = takeBatch()
            if batch.isEmpty {
                drained = true
                break
            }
            sizes.append(batch.count)
            commit(batch, in: db)
        }
        let busy = queuedAt.duration(to: clock.now), onCPU = Self.threadCPUTime() - cpuAtStart
        queue.withLock {
            $0.statistics.busy += busy
            $0.statistics.onCPU += onCPU
        }
        let observers = self.observers.withLock { $0 }
        if !observers.isEmpty {
            let turn = GroupCommitTurn(batches: sizes, busy: busy)
            for observer in observers { observer(turn) }
        }
        if !drained { scheduleTurn() }
    }

    /// CPU time of the calling thread: the writer's turn runs on one thread from start to end.
    static func threadCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    /// Other users of the writer connection (migrations, admin writes) wait at most this many batches.
    static let batchesPerTurn = 8

    /// The next batch, or an empty one after marking the drain finished.
    private func takeBatch() -> [Pending] {
        queue.withLock { queue in
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
    }

    /// One transaction for the batch. Writes seldom fail, so it first runs them all without
    /// savepoints; if any write throws, that transaction is rolled back and the batch is run
    /// again with one savepoint per write, so a failing write is rolled back alone and gets its
    /// error while the others are acknowledged after the commit.
    private func commit(_ batch: [Pending], in db: Database) {
        let start = clock.now
        var resumes: [@Sendable () -> Void] = []
        var ran = start
        do {
            try db.inTransaction {
                resumes = try batch.map { try $0.run(db) }
                ran = clock.now
                return .commit
            }
        } catch {
            commitIsolatingFailures(batch, in: db)
            return
        }
        let committed = clock.now
        queue.withLock { $0.statistics.record(statements: start.duration(to: ran), commit: ran.duration(to: committed)) }
        afterCommit(batch.count)
        resumeOffTheWriter(resumes)
    }

    /// The callers are resumed from another thread, so the writer goes on to the next batch.
    private func resumeOffTheWriter(_ resumptions: [@Sendable () -> Void]) {
        DispatchQueue.global().async { for resume in resumptions { resume() } }
    }

    private func commitIsolatingFailures(_ batch: [Pending], in db: Database) {
        var outcomes: [Result<@Sendable () -> Void, any Error>] = []
        do {
            try db.inTransaction {
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
                return .commit
            }
        } catch {
            resumeOffTheWriter(batch.map { pending in { pending.fail(error) } })
            return
        }
        afterCommit(batch.count)
        resumeOffTheWriter(zip(batch, outcomes).map { pending, outcome in
            switch outcome {
            case .success(let resume): resume
            case .failure(let error): { pending.fail(error) }
            }
        })
    }
}

/// One turn of the single writer, as its observers see it.
public struct GroupCommitTurn: Sendable, Equatable {
    /// Writes in each transaction the turn committed (or tried to), in order.
    public var batches: [Int]
    /// From being queued on the writer connection to the end of the turn (as `busy` below).
    public var busy: Duration

    public init(batches: [Int], busy: Duration) {
        self.batches = batches
        self.busy = busy
    }
}

/// How writes were grouped into transactions since the store opened.
public struct GroupCommitStatistics: Sendable, Equatable {
    public var transactions = 0
    public var writes = 0
    public var largestBatch = 0
    /// Wall-clock time of the writer's turns, each from being queued on the writer connection to
    /// its end. Against a run's length it tells how close the single writer is to being the
    /// bottleneck.
    public var busy: Duration = .zero
    /// The part of `busy` spent running the batches' statements.
    public var statements: Duration = .zero
    /// The part of `busy` spent committing: writing the WAL frames and the `fsync`.
    public var commit: Duration = .zero
    /// CPU time the writer's thread used in its turns; the rest of `busy` it waited (for the
    /// `fsync`, for a core, for its connection).
    public var onCPU: Duration = .zero

    public var averageBatch: Double { transactions == 0 ? 0 : Double(writes) / Double(transactions) }

    mutating func record(batch: Int) {
        transactions += 1
        writes += batch
        largestBatch = max(largestBatch, batch)
    }

    mutating func record(statements: Duration, commit: Duration) {
        self.statements += statements
        self.commit += commit
    }
}
