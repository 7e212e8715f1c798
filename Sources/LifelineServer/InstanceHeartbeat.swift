import Foundation
import LifelineCore
import LifelineStore
import Logging
import ServiceLifecycle

/// Tells the store this process is serving it, every few seconds, and forgets it on graceful
/// shutdown: `lifeline rebuild` refuses to run offline beside a live instance.
public struct InstanceHeartbeat: Service {
    let store: any RebuildStore
    let clock: any WallClock
    let logger: Logger
    let instance: ServingInstance
    let interval: Duration

    public init(store: any RebuildStore, clock: any WallClock, logger: Logger, interval: Duration = .seconds(ServingInstance.heartbeatSeconds)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.interval = interval
        let now = clock.nowSeconds()
        instance = ServingInstance(
            id: UUID().uuidString.lowercased(), host: ProcessInfo.processInfo.hostName,
            pid: Int(ProcessInfo.processInfo.processIdentifier), startedAt: now, heartbeatAt: now
        )
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var beat = instance
                beat.heartbeatAt = clock.nowSeconds()
                do {
                    try await store.heartbeat(beat)
                } catch {
                    logger.warning("instance heartbeat failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
        do {
            try await store.retire(instanceID: instance.id)
        } catch {
            logger.warning("could not retire the instance's heartbeat; it expires by itself", metadata: ["error": "\(error)"])
        }
    }
}
