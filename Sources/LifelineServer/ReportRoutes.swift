import Hummingbird
import LifelineCore
import LifelineStore
import NIOCore

/// `GET /api/v1/reports/nrr` (JSON, or CSV with `format=csv`) and the dashboard, both behind
/// the admin token.
public struct ReportRoutes: Sendable {
    /// Nil when the store cannot feed reports: the routes answer 503 instead of vanishing.
    let source: (any ReportSource)?
    let settings: ReportSettings
    let tokens: [String]
    let clock: any WallClock

    public init(source: (any ReportSource)?, settings: ReportSettings, tokens: [String], clock: any WallClock) {
        self.source = source
        self.settings = settings
        self.tokens = tokens
        self.clock = clock
    }

    public func register(on router: some RouterMethods<BasicRequestContext>) {
        router.group("/api/v1/reports")
            .add(middleware: AdminAuthMiddleware(tokens: tokens))
            .get("nrr") { request, _ in try await nrr(request) }
        DashboardRoutes(source: source, settings: settings, tokens: tokens, clock: clock).register(on: router)
    }

    func nrr(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        let format = try ListRequest.format(parameters.get("format"))
        for name in ["group_by", "currency"] where parameters.get(name)?.isEmpty == true {
            throw APIError(.badRequest, "invalid_parameter", "\(name) must not be empty: leave it out for the default")
        }
        let query = try Self.query(ReportRequest(
            from: parameters.get("from"), to: parameters.get("to"),
            groupBy: parameters.get("group_by"), currency: parameters.get("currency")
        ))
        let report = try await Self.run(query, source: source, settings: settings)
        var headers: HTTPFields = [.contentType: format.contentType, .cacheControl: "no-store"]
        if format == .csv {
            headers[.contentDisposition] = "attachment; filename=\"nrr-\(ReportDate.day(query.period.from))-\(ReportDate.day(query.period.to)).csv\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try format.render(report))))
    }

    static func query(_ request: ReportRequest, defaultFrom: Int64? = nil, defaultTo: Int64? = nil) throws -> ReportQuery {
        do {
            return try request.query(defaultFrom: defaultFrom, defaultTo: defaultTo)
        } catch {
            throw APIError(.badRequest, "invalid_parameter", error.detail)
        }
    }

    /// Runs the report, turning a missing store or exchange rate into the JSON error shape.
    static func run(_ query: ReportQuery, source: (any ReportSource)?, settings: ReportSettings) async throws -> NRRReport {
        guard let source else {
            throw APIError(.serviceUnavailable, "reports_unavailable", "this store does not provide reports")
        }
        do {
            return try await ReportService(source: source, settings: settings).report(query)
        } catch let error as ReportError {
            throw APIError(.badRequest, "unsupported_currency", error.description)
        }
    }
}
