import HTTPTypes
import Hummingbird
import HummingbirdCore
import LifelineConfig
import LifelineCore
import NIOCore
import NIOHTTPTypes

/// How long a connection may take at each stage before it is closed.
public struct ConnectionTimeouts: Sendable, Equatable {
    /// A request head must be complete within this of its first byte.
    public var headerRead: TimeAmount
    /// A request's body must arrive in full within this, counted from its head.
    public var bodyRead: TimeAmount
    /// A connection with no request in progress (not a byte of one) is closed after this.
    public var idle: TimeAmount

    public init(headerRead: TimeAmount, bodyRead: TimeAmount, idle: TimeAmount) {
        self.headerRead = headerRead
        self.bodyRead = bodyRead
        self.idle = idle
    }

    public init(_ http: LifelineConfiguration.HTTP) {
        self.init(
            headerRead: .seconds(Int64(http.headerReadTimeoutSeconds)), bodyRead: .seconds(Int64(http.bodyReadTimeoutSeconds)),
            idle: .seconds(Int64(http.idleTimeoutSeconds))
        )
    }
}

/// The HTTP/1.1 channel: Hummingbird's idle timeout plus `RequestDeadlineHandler`, so a
/// slow-loris or a crowd of idle connections cannot hold the server.
func httpChannelConfiguration(_ http: LifelineConfiguration.HTTP) -> HTTP1Channel.Configuration {
    let timeouts = ConnectionTimeouts(http)
    return HTTP1Channel.Configuration(
        additionalChannelHandlers: [RequestDeadlineHandler(timeouts: timeouts)], idleTimeout: timeouts.idle
    )
}

/// Closes a connection whose request head is not complete within the header timeout of its
/// first byte, or whose body is not complete within the body timeout of its head (answering a
/// JSON 408 when no response has started), and gives the parser's bare 400 the JSON error body
/// every other refusal has. Hummingbird's idle timeout closes connections that send nothing.
///
/// It sits after the HTTP codec and sees request parts, plus a watcher at the front of the
/// pipeline that tells it when the bytes of a new head start arriving.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeouts: ConnectionTimeouts
    private var deadline: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// No head is being read: the next byte from the peer starts one.
    private var betweenRequests = true
    /// A response to the current request has begun (or ended): a timeout then only closes.
    private var answered = false
    /// The JSON body replacing a bare error response's empty one, written before its end.
    private var pendingBody: ByteBuffer?

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        try? context.pipeline.syncOperations.addHandler(FirstByteWatcher(owner: self), position: .first)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    /// Bytes arrived from the peer: a new head has begun if none was being read.
    fileprivate func bytesArrived() {
        guard betweenRequests, let context else { return }
        betweenRequests = false
        arm(context, after: timeouts.headerRead, reason: "the request head did not arrive in time")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            answered = false
            arm(context, after: timeouts.bodyRead, reason: "the request body did not arrive in time")
        case .body:
            break
        case .end:
            cancelDeadline()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            answered = true
            if head.status.code >= 400, head.headerFields[.contentLength] == "0" {
                let body = Self.errorBody(head.status)
                head.headerFields[.contentLength] = String(body.readableBytes)
                head.headerFields[.contentType] = "application/json; charset=utf-8"
                pendingBody = body
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                return
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if let body = pendingBody {
                pendingBody = nil
                context.write(wrapOutboundOut(.body(body)), promise: nil)
            }
            betweenRequests = true
            context.write(data, promise: promise)
        }
    }

    private func arm(_ context: ChannelHandlerContext, after delay: TimeAmount, reason: String) {
        cancelDeadline()
        let loop = context.eventLoop.assumeIsolated()
        deadline = loop.scheduleTask(in: delay) { [self] in
            deadline = nil
            expire(context, reason: reason)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }

    /// Answers 408 when nothing has been answered on this request yet, then closes.
    private func expire(_ context: ChannelHandlerContext, reason: String) {
        guard context.channel.isActive else { return }
        if !answered {
            let body = Self.json(error: "request_timeout", detail: reason)
            let head = HTTPResponse(status: .requestTimeout, headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes), .connection: "close",
            ])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.close(promise: nil)
    }

    /// What a bare error response from below the router says: HTTP parse errors are 400s.
    static func errorBody(_ status: HTTPResponse.Status) -> ByteBuffer {
        if status == .badRequest { return json(error: "bad_request", detail: "the request is not valid HTTP/1.1") }
        let error = JSONErrorMiddleware.apiError(status: status, message: nil, headers: [:])
        return json(error: error.error, detail: error.detail)
    }

    static func json(error: String, detail: String) -> ByteBuffer {
        ByteBuffer(string: JSONText.object(["error": error, "detail": detail]))
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}

/// First in the pipeline, where bytes come off the socket: tells its owner they arrived.
private final class FirstByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let owner: RequestDeadlineHandler

    init(owner: RequestDeadlineHandler) {
        self.owner = owner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner.bytesArrived()
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension FirstByteWatcher: Sendable {}
