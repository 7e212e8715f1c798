import HTTPTypes
import Hummingbird
import Logging

/// Outermost: times every request into `lifeline_http_request_duration_seconds`, labelled with
/// its route pattern (`/webhooks/{provider}`, never the raw path, so no id reaches a label),
/// its method and its status class.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: AppMetrics

    /// Methods kept as their own label value; any other is `other`.
    static let methods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = Self.methods.contains(request.method) ? request.method.rawValue : "other"
        do {
            var response = try await next(request, context)
            let status = response.status.code
            // Timed once the body is written, as Hummingbird's own metrics middleware does.
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { [metrics] writer in
                defer {
                    metrics.request(route: Self.route(context), method: method, status: status, duration: start.duration(to: .now))
                }
                try await body.write(writer)
            }
            return response
        } catch {
            // The request id middleware below answers every HTTP error itself; this is the rest.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: Self.route(context), method: method, status: status, duration: start.duration(to: .now))
            throw error
        }
    }

    /// The matched route's pattern; `unmatched` for the router's 404.
    static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return "unmatched" }
        return path
    }
}

/// Gives each request an id on every log line about it and on its answer: an incoming
/// `X-Request-ID` when it is short and plain (a proxy's or the provider's), else Hummingbird's
/// own (`hb.request.id`, already in the request logger's metadata). It is echoed in the
/// response's `X-Request-ID`, errors included.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let header = HTTPField.Name("X-Request-ID")!
    /// The metadata key Hummingbird puts its request id under.
    static let metadataKey = "hb.request.id"
    static let maximumLength = 64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let incoming = request.headers[Self.header], Self.isWellFormed(incoming) {
            context.logger[metadataKey: Self.metadataKey] = .string(incoming)
        }
        let id = context.logger[metadataKey: Self.metadataKey]?.description ?? ""
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if !id.isEmpty { response.headers[Self.header] = id }
        return response
    }

    /// 1 to 64 characters among letters, digits and `-_.:` (UUIDs, ULIDs, hex trace ids): nothing
    /// that could forge a log line or smuggle a header.
    static func isWellFormed(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= maximumLength else { return false }
        return value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default:
                false
            }
        }
    }
}
