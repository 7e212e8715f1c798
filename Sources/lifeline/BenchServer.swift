import Hummingbird
import LifelineConfig
import LifelineServer
import Logging
import ServiceLifecycle

/// Runs the real Lifeline application inside this process on a random loopback port while
/// `body` runs, then shuts it down gracefully.
enum BenchServer {
    static func run<T: Sendable>(
        configuration: LifelineConfiguration, dependencies: AppDependencies,
        extraRoutes: (Router<BasicRequestContext>) -> Void = { _ in },
        _ body: (_ baseURL: String) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        configuration.http = .init(host: "127.0.0.1", port: 0, maxBodyBytes: configuration.http.maxBodyBytes)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            configuration: configuration, dependencies: dependencies,
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            extraRoutes: extraRoutes
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: dependencies.logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw BenchError("the server did not start") }
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }
}
