import LifelineCore
import LifelineStore
import Logging
import ServiceLifecycle
import Synchronization

/// Applies the event log to the ledger and recovery state in the background: woken by each
/// append, and by a poll so events appended by another instance (or before a restart) are
/// applied too. On graceful shutdown it finishes its batch and stops; what is left stays in
/// the log for the next start.
public final class Projector: Service, Sendable {
    let store: any EventLogStore
    let clock: any WallClock
    let logger: Logger
    let batchSize: Int
    let pollInterval: Duration
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Events per projection transaction in the server. Small: on SQLite each batch holds the
    /// single writer connection that appends need, so a webhook waits for at most one short batch
    /// (512 put p99 at 56–101 ms, 32 at 36–44 ms, end to end unchanged; BENCHMARKS.md).
    public static let defaultBatchSize = 32

    public init(store: any EventLogStore, clock: any WallClock, logger: Logger, batchSize: Int = Projector.defaultBatchSize, pollInterval: Duration = .milliseconds(250)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.batchSize = max(1, batchSize)
        self.pollInterval = pollInterval
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass soon; calls while one is pending collapse into it.
    public func kick() {
        wake.yield()
    }

    public func run() async throws {
        logger.info("projector started", metadata: ["batch": "\(batchSize)"])
        let wake = self.wake
        let pollInterval = self.pollInterval
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                wake.yield()
            }
        }
        defer { ticker.cancel() }
        await cancelWhenGracefulShutdown {
            for await _ in self.wakeups {
                await self.drain()
                if Task.isCancelled { break }
            }
        }
        logger.info("projector stopped")
    }

    /// Projects batch after batch until the log is caught up or another instance holds it.
    func drain() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let batch: ProjectionBatch
            do {
                batch = try await store.project(limit: batchSize, now: clock.nowSeconds())
            } catch {
                logger.error("projection batch failed; retried on the next pass", metadata: ["error": "\(error)"])
                return
            }
            Self.log(batch.remarks, to: logger)
            if batch.applied + batch.failed > 0 {
                logger.debug("projection batch", metadata: ["applied": "\(batch.applied)", "failed": "\(batch.failed)"])
            }
            if batch.isEmpty || batch.busy { return }
        }
    }

    /// One line per ledger note and per failed event, each with the event's ids.
    static func log(_ remarks: [ProjectionRemark], to logger: Logger) {
        for remark in remarks {
            let ids: Logger.Metadata = ["provider": "\(remark.provider)", "event_id": "\(remark.eventID)", "seq": "\(remark.seq)"]
            for note in remark.notes {
                logger.warning("ledger note", metadata: ids.merging(["note": "\(note)"]) { _, new in new })
            }
            if let error = remark.error {
                logger.error(
                    "event failed to project and was skipped; see /api/v1/projection/failures",
                    metadata: ids.merging(["error": "\(error)"]) { _, new in new }
                )
            }
        }
    }
}
