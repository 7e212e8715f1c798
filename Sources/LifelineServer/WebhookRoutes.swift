import HTTPTypes
import Hummingbird
import LifelineCore
import LifelineProviders
import LifelineStore
import NIOCore

/// `POST /webhooks/{provider}`: 2xx only once every new event is durable in the log.
struct WebhookRoutes {
    let ingestor: WebhookIngestor
    let maxBodyBytes: Int
    /// Checks the admin token that a `Lifeline-Origin` other than `live` must come with.
    let admin: AdminAuthMiddleware
    let metrics: AppMetrics

    /// `replay` or `import`, set by `lifeline replay --origin`; absent means `live`.
    static let originHeader = HTTPField.Name("Lifeline-Origin")!

    func register(on router: some RouterMethods<BasicRequestContext>) {
        // One route per provider, so each is its own operation in the OpenAPI document (its
        // signature headers differ); any other name gets `unknown_provider`.
        for provider in ProviderName.allCases {
            router.post(RouterPath("/webhooks/\(provider.rawValue)")) { request, context in
                try await handle(request, context, providerPath: provider.rawValue)
            }
        }
        router.post("/webhooks/:provider") { request, context in
            try await handle(request, context, providerPath: context.parameters.get("provider") ?? "")
        }
    }

    /// `{"duplicates":[…],"ignored":[…],"stored":[…]}`, written without `JSONEncoder`: every
    /// webhook gets one.
    static func acknowledgement(_ result: IngestResult) -> Response {
        let text = "{\"duplicates\":\(JSONText.array(result.duplicates)),\"ignored\":\(JSONText.array(result.ignored)),"
            + "\"stored\":\(JSONText.array(result.stored))}"
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// GoCardless documents 498 "Token Invalid" as the answer to a bad signature; the others get 401.
    static func invalidSignatureStatus(_ providerPath: String) -> HTTPResponse.Status {
        providerPath == ProviderName.gocardless.rawValue ? HTTPResponse.Status(code: 498, reasonPhrase: "Token Invalid") : .unauthorized
    }

    func handle(_ request: Request, _ context: BasicRequestContext, providerPath: String) async throws -> Response {
        // A label from a fixed set: an unknown path segment never becomes one.
        let provider = ProviderName(rawValue: providerPath)?.rawValue ?? "unknown"
        do {
            let (response, result) = try await ingest(request, context, providerPath: providerPath)
            metrics.webhook(provider: provider, outcome: "accepted", status: Int(response.status.code))
            if let name = ProviderName(rawValue: providerPath) { metrics.webhookEvents(provider: name, result) }
            return response
        } catch let error as APIError {
            metrics.webhook(provider: provider, outcome: error.error, status: error.status.code)
            throw error
        }
    }

    func ingest(_ request: Request, _ context: BasicRequestContext, providerPath: String) async throws -> (Response, IngestResult) {
        let origin = try origin(of: request)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body_too_large", "webhook bodies are limited to \(maxBodyBytes) bytes")
        }
        let body = Array(buffer.readableBytesView)
        let rawHeaders = request.headers.map { ($0.name.canonicalName, $0.value) }
        let result: IngestResult
        do throws(WebhookIngestor.Failure) {
            result = try await ingestor.ingest(
                providerPath: providerPath, body: body, headers: WebhookHeaders(rawHeaders), rawHeaders: rawHeaders, origin: origin,
                logger: context.logger
            )
        } catch {
            switch error {
            case .unknownProvider(let name):
                throw APIError(.notFound, "unknown_provider", "no webhook provider named '\(name)'; use stripe, gocardless or standard")
            case .rejected(.unauthorized(let detail)):
                throw APIError(Self.invalidSignatureStatus(providerPath), "invalid_signature", detail)
            case .rejected(.malformed(let detail)):
                throw APIError(.badRequest, "malformed_payload", detail)
            case .storeUnavailable:
                // The provider will retry; the detail stays in our log, not in the response.
                throw APIError(.serviceUnavailable, "store_unavailable", "the event could not be stored; retry later")
            }
        }
        return (Self.acknowledgement(result), result)
    }

    /// The origin the request asks for. Only an operator may mark events as history: anything
    /// but `live` needs an admin token, so nobody else can keep a real failure from being acted on.
    func origin(of request: Request) throws -> EventOrigin {
        guard let value = request.headers[Self.originHeader] else { return .live }
        guard let origin = EventOrigin(rawValue: value) else {
            throw APIError(.badRequest, "invalid_origin", "Lifeline-Origin must be live, replay or import")
        }
        if origin != .live { try admin.authorize(request) }
        return origin
    }
}
