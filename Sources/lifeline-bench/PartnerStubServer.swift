import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// `bench outbox`'s stand-in for the partner, dunning service and Stripe: a loopback server
/// that answers every POST with 201 and counts them.
final class PartnerStubServer: Sendable {
    private let counter = Atomic<Int>(0)

    var requests: Int { counter.load(ordering: .relaxed) }

    func run<T: Sendable>(_ body: (_ baseURL: String) async throws -> T) async throws -> T {
        var logger = Logger(label: "lifeline.bench.stub")
        logger.logLevel = .error
        let router = Router()
        router.post("/**") { [self] _, _ -> Response in
            counter.wrappingAdd(1, ordering: .relaxed)
            return Response(status: .created)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "lifeline-bench-stub"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw BenchError("the partner stub did not start") }
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
