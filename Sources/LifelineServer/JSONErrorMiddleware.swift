import HTTPTypes
import Hummingbird
import Logging

/// Gives every refusal the JSON error body: Hummingbird's own `HTTPError`s (404 for an unknown
/// path, 400 for a bad parameter) and unexpected errors (500) become `APIError`s.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw Self.apiError(status: error.status, message: error.body, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw Self.apiError(status: error.status, message: nil, headers: [:])
        } catch {
            // The request's logger scrubs configured secrets and carries the request id; the
            // client learns nothing about the cause.
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, "internal_error", "the request could not be answered; see the server log")
        }
    }

    /// The error code of a status Hummingbird chose, with its message as the detail.
    static func apiError(status: HTTPResponse.Status, message: String?, headers: HTTPFields) -> APIError {
        let code: String = switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 408: "request_timeout"
        case 413: "body_too_large"
        case 500...: "internal_error"
        default: status.reasonPhrase.lowercased().replacing(" ", with: "_")
        }
        let detail = message ?? (status == .notFound ? "no route for this path" : status.reasonPhrase)
        return APIError(status, code, detail, headers: headers)
    }
}

/// The router as routes see it: it records each path's methods, so a known path asked with
/// another method gets 405 with `Allow` instead of 404.
final class RouteTable: RouterMethods {
    typealias Context = BasicRequestContext
    let router: Router<Context>
    /// Methods by route path, in registration order.
    private(set) var methods: [(path: RouterPath, methods: [HTTPRequest.Method])] = []

    init(router: Router<Context>) {
        self.router = router
    }

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        router.on(path, method: method, responder: responder)
        if let index = methods.firstIndex(where: { $0.path.description == path.description }) {
            methods[index].methods.append(method)
        } else {
            methods.append((path, [method]))
        }
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }

    /// Methods a client may try that no route of a path answers (QUERY: the safe method with a
    /// body, RFC 9110's extension in draft).
    static let otherMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]

    /// Answers every other method of each recorded path with 405 and the `Allow` header; HEAD
    /// is allowed wherever GET is (the router generates it).
    func registerMethodNotAllowed() {
        for (path, registered) in methods {
            let allowed = registered.contains(.get) && !registered.contains(.head) ? registered + [.head] : registered
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            for method in Self.otherMethods where !allowed.contains(method) {
                router.on(path, method: method) { _, _ -> Response in
                    throw APIError(
                        .methodNotAllowed, "method_not_allowed", "\(path) answers \(allow) only",
                        headers: [.allow: allow]
                    )
                }
            }
        }
    }
}
