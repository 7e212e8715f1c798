import Hummingbird
import NIOCore

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of every route, `docs/openapi.json`
/// (embedded as `OpenAPIDocument.json` by `scripts/openapi-embed.sh`). Public like `/health`:
/// it describes the API and holds no data, and a client or a fuzzer reads it before it has a
/// token.
struct OpenAPIRoutes {
    static let path = "/api/v1/openapi.json"

    func register(on router: some RouterMethods<BasicRequestContext>) {
        router.get(RouterPath(Self.path)) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
            )
        }
    }
}

/// A route as registered on the router: its path (`/api/v1/cases/{id}`) and methods.
public struct RegisteredRoute: Sendable, Hashable {
    public var path: String
    public var methods: [String]

    public init(path: String, methods: [String]) {
        self.path = path
        self.methods = methods
    }
}

extension RouteTable {
    /// Every route registered through the table (not the 405 answers nor `extraRoutes`).
    var registered: [RegisteredRoute] {
        methods.map { RegisteredRoute(path: $0.path.description, methods: $0.methods.map(\.rawValue)) }
    }
}
