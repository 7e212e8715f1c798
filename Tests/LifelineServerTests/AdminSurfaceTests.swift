import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
@testable import LifelineServer
import LifelineTestSupport
import Testing

/// Every admin route and the dashboard refuse anything but an exact configured token.
@Suite("Admin surface", .serialized)
struct AdminSurfaceTests {
    struct Route: CustomTestStringConvertible, Sendable {
        let method: HTTPRequest.Method
        let uri: String
        /// What the right token gets on the bakery's case (`withBakeryCase`): the exact status,
        /// and text its body must hold (for a refusal, the JSON error code).
        var status: HTTPResponse.Status = .ok
        var body: String = ""
        var testDescription: String { "\(method) \(uri)" }
    }

    static let bakeryCase = "case_evt_demo_041"
    static let bakeryOffer = "act_evt_demo_041_cash-flow-financing_offer"

    static let routes: [Route] = [
        Route(method: .get, uri: "/api/v1/cases", body: #""id":"\#(bakeryCase)""#),
        // CSV columns are checked by name elsewhere (RecoveryLogContentTests); here only the row's presence.
        Route(method: .get, uri: "/api/v1/cases?status=acting&format=csv", body: "\n\(bakeryCase),"),
        Route(method: .get, uri: "/api/v1/cases/\(bakeryCase)", body: #""timeline":[{"#),
        Route(method: .get, uri: "/api/v1/cases/case_evt_anything", status: .notFound, body: "not_found"),
        Route(method: .get, uri: "/api/v1/customers/cus_demo_boulangerie", body: #""name":"Boulangerie Martin""#),
        Route(method: .get, uri: "/api/v1/actions", body: #""id":"\#(bakeryOffer)""#),
        Route(method: .get, uri: "/api/v1/actions?status=dead&format=csv", body: "case_id"),
        Route(method: .get, uri: "/api/v1/actions/\(bakeryOffer)/attempts", body: #""http_status":201"#),
        Route(method: .post, uri: "/api/v1/actions/\(bakeryOffer)/retry", status: .conflict, body: "not_retryable"),
        Route(method: .post, uri: "/api/v1/actions/act_anything/retry", status: .notFound, body: "not_found"),
        Route(method: .get, uri: "/api/v1/projection", body: #""lag_events":0"#),
        Route(method: .get, uri: "/api/v1/projection/failures", body: #"{"failures":[],"has_more":false,"next_starting_after":null}"#),
        Route(method: .post, uri: "/api/v1/projection/failures/1/retry", status: .notFound, body: "not_found"),
        Route(method: .get, uri: "/api/v1/reports/nrr?from=2026-06-01&to=2026-11-01", body: #""group" : "TPE""#),
        Route(method: .get, uri: "/api/v1/reports/nrr?from=2026-06-01&to=2026-11-01&format=csv&group_by=segment", body: "\nTPE,"),
        Route(method: .get, uri: "/dashboard", body: "<!doctype html>"),
    ]

    /// A server whose store holds the bakery's cash-flow case, its financing offer delivered.
    static func withBakeryCase(_ url: String, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let events = try RecoveryEngineTests.bakeryUntilFailure()
        let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
        try await fixture.server.run { client in
            for event in events { _ = try await client.post(event, clock: fixture.clock) }
        }
        try await fixture.server.dispatcher().drain()
        try await fixture.server.run(body)
    }

    /// The exact status and body the route answers with the right token: a 500, or a 404 for a
    /// route that lost its data, fails here.
    static func expectAnswer(_ response: TestResponse, to route: Route) {
        #expect(response.status == route.status, "\(route.testDescription): \(response.text.prefix(300))")
        if route.status.code >= 400 {
            #expect(response.json["error"] as? String == route.body, "\(route.testDescription): \(response.text.prefix(300))")
        } else {
            #expect(response.text.contains(route.body), "\(route.testDescription): \(response.text.prefix(300))")
        }
        let type = response.headers[.contentType] ?? ""
        if route.uri.contains("format=csv") {
            #expect(type == "text/csv; charset=utf-8", "\(route.testDescription)")
        } else if route.uri.hasPrefix("/dashboard") {
            #expect(type == "text/html; charset=utf-8", "\(route.testDescription)")
        } else {
            #expect(type == "application/json; charset=utf-8", "\(route.testDescription)")
            #expect((try? JSONSerialization.jsonObject(with: Data(response.text.utf8))) is [String: Any], "\(route.testDescription)")
        }
    }

    static let token = RecoveryFixture.adminToken

    /// `Authorization` values that must all be refused. (A trailing space is not among them:
    /// HTTP strips whitespace around field values, so `Bearer <token> ` is the right token.)
    static let refusedAuthorizations: [String?] = [
        nil, "Bearer wrong", "Bearer \(token.dropLast())", "Bearer \(token)x", "Bearer x\(token)", "Bearer ",
        "Bearer", "Bearer  \(token)", "Basic \(Data("admin:\(token)".utf8).base64EncodedString())",
        token, "Token \(token)", "Bearer \(token.uppercased())",
    ]

    @Test("refuses missing, wrong, prefix, suffix and empty tokens", arguments: routes)
    func refusesEveryWrongToken(_ route: Route) async throws {
        try await PartnerStub.run(replies: []) { _, url in
            try await Self.withBakeryCase(url) { client in
                for authorization in Self.refusedAuthorizations {
                    let response = try await Self.request(client, route, authorization: authorization)
                    #expect(response.status == .unauthorized, "\(route.testDescription) with \(authorization ?? "no header")")
                    #expect(response.json["error"] as? String == "unauthorized")
                    #expect(!response.text.contains(Self.token))
                }
                // A token in the query string is only for the dashboard, and then only the right one.
                let query = route.uri.contains("?") ? "&token=" : "?token="
                let isDashboard = route.uri.hasPrefix("/dashboard")
                for candidate in ["", "wrong", String(Self.token.dropLast()), Self.token + "x"] + (isDashboard ? [] : [Self.token]) {
                    let response = try await Self.request(client, Route(method: route.method, uri: route.uri + query + candidate), authorization: nil)
                    #expect(response.status == .unauthorized, "\(route.testDescription) with ?token=\(candidate)")
                }
                let right = try await Self.request(client, route, authorization: "Bearer \(Self.token)")
                Self.expectAnswer(right, to: route)
            }
        }
    }

    @Test func dashboardTakesTheRightQueryTokenButAWrongHeaderWins() async throws {
        try await PartnerStub.run(replies: []) { _, url in
            let fixture = try await RecoveryFixture.make(stubURL: url, start: ServerFixture.now)
            try await fixture.server.run { client in
                let byQuery = try await Self.request(client, Route(method: .get, uri: "/dashboard?token=\(Self.token)"), authorization: nil)
                #expect(byQuery.status == .ok)
                #expect(byQuery.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                let mixed = try await Self.request(client, Route(method: .get, uri: "/dashboard?token=\(Self.token)"), authorization: "Bearer wrong")
                #expect(mixed.status == .unauthorized)
            }
        }
    }

    @Test func withoutConfiguredTokensEveryRouteIsRefused() async throws {
        let fixture = try await ServerFixture.make(environment: ["ADMIN_TOKENS": " , "])
        #expect(fixture.configuration.adminTokens.isEmpty)
        try await fixture.run { client in
            for route in Self.routes {
                for authorization in ["Bearer ", "Bearer  ", "Bearer \(Self.token)"] {
                    let response = try await Self.request(client, route, authorization: authorization)
                    #expect(response.status == .unauthorized, "\(route.testDescription) with \(authorization)")
                }
            }
        }
    }

    @Test func constantTimeCompareIsAnExactByteCompare() {
        let token = Array("s3cr3t-admin-token".utf8)
        #expect(ConstantTime.equals(token, token))
        #expect(ConstantTime.equals([], []))
        #expect(!ConstantTime.equals(token, []))
        #expect(!ConstantTime.equals([], token))
        #expect(!ConstantTime.equals(token, Array(token.dropLast())))
        #expect(!ConstantTime.equals(token, token + [0]))
        #expect(!ConstantTime.equals(Array(token.dropLast()) + [0], token))
        for index in token.indices {
            var flipped = token
            flipped[index] ^= 0x01
            #expect(!ConstantTime.equals(token, flipped), "byte \(index)")
        }
        // Lengths that differ by a multiple of 256 must not cancel out in the length check.
        #expect(!ConstantTime.equals([UInt8](repeating: 0, count: 256), []))
        #expect(!ConstantTime.equals([UInt8](repeating: 0, count: 1), [UInt8](repeating: 0, count: 257)))
    }

    static func request(_ client: some TestClientProtocol, _ route: Route, authorization: String?) async throws -> TestResponse {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: route.uri, method: route.method, headers: headers)
    }
}
