import HTTPTypes
import Hummingbird
import LifelineCore
import LifelineStore
import NIOCore

/// `GET /dashboard`: the admin token in `Authorization` or, for a browser, in `?token=`.
struct DashboardRoutes: Sendable {
    let source: (any ReportSource)?
    let settings: ReportSettings
    let tokens: [String]
    let clock: any WallClock

    func register(on router: some RouterMethods<BasicRequestContext>) {
        router.group("/dashboard")
            .add(middleware: AdminAuthMiddleware(tokens: tokens, allowQueryToken: true))
            .get { request, _ in try await page(request) }
    }

    func page(_ request: Request) async throws -> Response {
        guard let source else {
            throw APIError(.serviceUnavailable, "reports_unavailable", "this store does not provide reports")
        }
        let parameters = request.uri.queryParameters
        let now = clock.nowSeconds()
        let query = try ReportRoutes.query(
            ReportRequest(from: parameters.get("from"), to: parameters.get("to"), currency: parameters.get("currency")),
            defaultFrom: Self.defaultFrom(now), defaultTo: Self.defaultTo(now)
        )
        let input = try await source.reportInput(until: query.period.to)
        let model: DashboardModel
        do {
            model = try DashboardModel.make(input: input, period: query.period, currency: query.currency, settings: settings, now: now)
        } catch {
            throw APIError(.badRequest, "unsupported_currency", error.description)
        }
        // The token may sit in the URL: keep it out of Referer headers and caches.
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ]
        let token = request.headers[.authorization] == nil ? parameters.get("token") : nil
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html(model, token: token))))
    }

    /// The last twelve months: from the first day of the month a year ago to tomorrow.
    static func defaultFrom(_ now: Int64) -> Int64 { ReportDate.monthStart(now, adding: -12) }

    static func defaultTo(_ now: Int64) -> Int64 { (now / 86_400 + 1) * 86_400 }
}
