#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A partner (and dunning service, and Stripe) on a loopback port reserved up front, so the test
/// can leave the port closed (connection refused), then listen slowly, then answer at once.
final class FlakyPartner: Sendable {
    struct Received: Sendable {
        var path: String
        var idempotencyKey: String?
        var body: [UInt8]
    }

    let port: Int
    /// How long to wait before answering 201; the test changes it between phases.
    private let delay = Mutex<Duration>(.zero)
    private let log = Mutex<[Received]>([])

    /// A socket bound to `port` but not listening: connections are refused, and no other test
    /// can take the port, until `serve` releases it.
    private let placeholder: Mutex<Int32?>

    /// Reserves a free loopback port.
    init() {
        let (port, socket) = Self.reservePort()
        self.port = port
        placeholder = Mutex(socket)
    }

    var received: [Received] { log.withLock { $0 } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    func answer(after delay: Duration) {
        self.delay.withLock { $0 = delay }
    }

    /// Listens on `port` while `body` runs.
    func serve<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let router = Router()
        router.post("**") { [self] request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            log.withLock {
                $0.append(Received(path: request.uri.path, idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!], body: Array(bytes.readableBytesView)))
            }
            let wait = delay.withLock { $0 }
            if wait > .zero { try await Task.sleep(for: wait) }
            return Response(status: .created)
        }
        var logger = Logger(label: "flaky-partner")
        logger.logLevel = .critical
        let (started, continuation) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in continuation.finish() }, logger: logger
        )
        if let socket = placeholder.withLock({ $0.take() }) { close(socket) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await app.runService(gracefulShutdownSignals: [])
                } catch {
                    continuation.finish()  // e.g. the port was taken: do not wait forever
                    throw error
                }
            }
            for await _ in started {}
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// A loopback port bound (not listening) by the returned socket.
    static func reservePort() -> (port: Int, socket: Int32) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        return (Int(UInt16(bigEndian: address.sin_port)), fd)
    }

    deinit {
        if let socket = placeholder.withLock({ $0.take() }) { close(socket) }
    }
}
