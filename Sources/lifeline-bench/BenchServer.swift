import Hummingbird
import LifelineConfig
import LifelineServer
import Logging
import ServiceLifecycle

/// Runs real Lifeline applications inside this process, each on a random loopback port, while
/// `body` runs, then shuts them down gracefully. Several instances over one PostgreSQL stand
/// for several servers sharing the database (each with its own pool and projector).
enum BenchServer {
    static func run<T: Sendable>(
        configuration: LifelineConfiguration, instances: [AppDependencies],
        extraRoutes: @escaping (Router<BasicRequestContext>) -> Void = { _ in },
        _ body: (_ baseURLs: [String]) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        configuration.http = .init(host: "127.0.0.1", port: 0, maxBodyBytes: configuration.http.maxBodyBytes)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var services: [any Service] = []
        for dependencies in instances {
            services.append(buildApplication(
                configuration: configuration, dependencies: dependencies,
                onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
                extraRoutes: extraRoutes
            ))
        }
        let logger = instances.first?.logger ?? Logger(label: "lifeline.bench")
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            var urls: [String] = []
            while urls.count < instances.count {
                guard let port = await iterator.next(), port > 0 else { throw BenchError("a server did not start") }
                urls.append("http://127.0.0.1:\(port)")
            }
            portContinuation.finish()
            do {
                let result = try await body(urls)
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
