import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// One scripted answer from the stub.
public struct StubReply: Sendable {
    public var status: Int
    public var body: String = ""
    public var retryAfter: String? = nil
    /// Wait this long before answering, to force client timeouts.
    public var delay: Duration? = nil
    /// Answer only once the test releases this: the call is in flight for as long as the test needs.
    public var hold: StubHold? = nil

    public init(status: Int, body: String = "", retryAfter: String? = nil, delay: Duration? = nil, hold: StubHold? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.delay = delay
        self.hold = hold
    }
}

/// Keeps the stub's answers waiting until `release()`; every request held counts in `waiting`.
public final class StubHold: Sendable {
    private let state = Mutex<(released: Bool, waiting: Int, continuations: [CheckedContinuation<Void, Never>])>((false, 0, []))

    public init() {}

    /// How many requests arrived while held (answered since or not).
    public var waiting: Int { state.withLock { $0.waiting } }

    /// Lets every held answer go, and any later one at once.
    public func release() {
        let continuations = state.withLock { state in
            state.released = true
            defer { state.continuations = [] }
            return state.continuations
        }
        for continuation in continuations { continuation.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.released { return true }
                state.waiting += 1
                state.continuations.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// One request as the stub received it; header names are lowercased.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [String: String]
    public var body: [UInt8]
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A real HTTP server on a random loopback port that plays a partner, the dunning service or
/// Stripe: records every request and answers from a script, then `fallback` forever.
public final class PartnerStub: Sendable {
    private let state: Mutex<(replies: [StubReply], requests: [RecordedRequest])>
    public let fallback: StubReply

    init(replies: [StubReply], fallback: StubReply) {
        state = Mutex((replies: replies, requests: []))
        self.fallback = fallback
    }

    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Records the request and pops the next scripted reply.
    func answer(_ request: RecordedRequest) -> StubReply {
        state.withLock { state in
            state.requests.append(request)
            return state.replies.isEmpty ? fallback : state.replies.removeFirst()
        }
    }

    /// Runs `body` with the stub listening; `baseURL` is `http://127.0.0.1:<port>`.
    @discardableResult
    public static func run<T: Sendable>(
        replies: [StubReply], fallback: StubReply = StubReply(status: 201),
        _ body: @Sendable (PartnerStub, _ baseURL: String) async throws -> T
    ) async throws -> T {
        let stub = PartnerStub(replies: replies, fallback: fallback)
        let router = Router()
        router.post("**") { request, _ -> Response in
            try await stub.respond(to: request)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "partner-stub")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw StubError.noPort
            }
            do {
                let result = try await body(stub, "http://127.0.0.1:\(port)")
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    func respond(to request: Request) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let bytes = try await request.body.collect(upTo: 1 << 20)
        let reply = answer(
            RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, headers: headers,
                body: Array(bytes.readableBytesView)
            )
        )
        if let hold = reply.hold { await hold.wait() }
        if let delay = reply.delay { try await Task.sleep(for: delay) }
        var fields = HTTPFields()
        if let retryAfter = reply.retryAfter { fields[.retryAfter] = retryAfter }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body))
        )
    }

    public enum StubError: Error { case noPort }
}
