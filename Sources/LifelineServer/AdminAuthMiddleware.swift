import Hummingbird

/// Guards the admin API and the dashboard: `Authorization: Bearer <token>` (or `?token=` for a
/// browser opening the dashboard) must match one configured token.
public struct AdminAuthMiddleware: RouterMiddleware {
    public typealias Context = BasicRequestContext
    let tokens: [[UInt8]]
    let allowQueryToken: Bool

    public init(tokens: [String], allowQueryToken: Bool = false) {
        self.tokens = tokens.filter { !$0.isEmpty }.map { Array($0.utf8) }
        self.allowQueryToken = allowQueryToken
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try authorize(request)
        return try await next(request, context)
    }

    /// Throws the 401 unless the request presents a configured token.
    func authorize(_ request: Request) throws {
        guard !tokens.isEmpty else {
            throw APIError(.unauthorized, "unauthorized", "no admin token is configured (admin.tokens / ADMIN_TOKENS)")
        }
        var presented: String?
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else {
                throw APIError(.unauthorized, "unauthorized", "expected Authorization: Bearer <token>")
            }
            presented = String(header.dropFirst("Bearer ".count))
        } else if allowQueryToken {
            presented = request.uri.queryParameters.get("token")
        }
        guard let presented else {
            throw APIError(.unauthorized, "unauthorized", "missing Authorization: Bearer <token>")
        }
        let candidate = Array(presented.utf8)
        // Check every token, always, so timing does not tell which one nearly matched.
        var matched = false
        for token in tokens where ConstantTime.equals(candidate, token) { matched = true }
        guard matched else { throw APIError(.unauthorized, "unauthorized", "invalid token") }
    }
}

/// Byte comparison whose duration does not depend on where the inputs differ.
enum ConstantTime {
    static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt64(lhs.count ^ rhs.count)
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= UInt64(left ^ right)
        }
        return difference == 0
    }
}
