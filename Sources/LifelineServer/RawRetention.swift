import LifelineCore
import LifelineStore
import Logging
import ServiceLifecycle

/// Drops raw webhook bodies older than `storage.raw_retention_days`, once at start and then
/// every `interval`; the normalized events stay, so a rebuild still works.
public struct RawRetention: Service {
    let store: any LogMaintenanceStore
    let clock: any WallClock
    let logger: Logger
    let retentionDays: Int
    let interval: Duration

    public init(store: any LogMaintenanceStore, clock: any WallClock, logger: Logger, retentionDays: Int, interval: Duration = .seconds(3_600)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.retentionDays = retentionDays
        self.interval = interval
    }

    /// One pass: the bodies received more than `retentionDays` before now.
    @discardableResult
    public func dropExpired() async throws -> Int {
        let now = clock.nowSeconds()
        return try await store.dropRawBodies(receivedBefore: now - Int64(retentionDays) * 86_400, now: now)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let dropped = try await dropExpired()
                    if dropped > 0 {
                        logger.info("raw bodies past retention dropped", metadata: ["count": "\(dropped)", "retention_days": "\(retentionDays)"])
                    }
                } catch {
                    logger.warning("raw body retention failed; it runs again later", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
