import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineProviders
@testable import LifelineServer
import LifelineTestSupport
import Logging
import NIOCore
import Synchronization
import Testing

/// `docs/openapi.json` is the contract: the server serves it, every route registered on the
/// router is in it and every operation in it is a route, and each operation answers a real
/// server with data as it says (status codes, content types, headers, and the JSON body
/// validated against its schema).
@Suite("OpenAPI contract", .serialized)
struct OpenAPIContractTests {
    static let documentURL = ServerFixture.repository.appendingPathComponent("docs/openapi.json")
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func documentText() throws -> String {
        try String(contentsOf: documentURL, encoding: .utf8)
    }

    static func document() throws -> JSONValue {
        try JSONValue.parse(try documentText())
    }

    @Test func theServedDocumentIsTheCommittedOneAndNeedsNoToken() async throws {
        let fixture = try await ServerFixture.make(environment: ["ADMIN_TOKENS": RecoveryFixture.adminToken])
        try await fixture.run { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            // Sources/LifelineServer/OpenAPIDocument.swift is generated: scripts/openapi-embed.sh.
            #expect(response.text + "\n" == (try Self.documentText()), "run scripts/openapi-embed.sh after editing docs/openapi.json")
            let document = try JSONValue.parse(response.text)
            #expect(document["openapi"]?.string == "3.1.0")
        }
    }

    /// `METHOD /path` of every operation of the document.
    static func documentedOperations(_ document: JSONValue) -> Set<String> {
        var operations: Set<String> = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in methods where item[method] != nil { operations.insert("\(method.uppercased()) \(path)") }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryOperationIsARoute() async throws {
        let fixture = try await ServerFixture.make(environment: ["ADMIN_TOKENS": RecoveryFixture.adminToken])
        let registered = Mutex<[RegisteredRoute]>([])
        _ = buildApplication(configuration: fixture.configuration, dependencies: fixture.dependencies, registeredRoutes: { routes in
            registered.withLock { $0 = routes }
        })
        let routes = Set(registered.withLock { $0 }.flatMap { route in route.methods.map { "\($0) \(route.path)" } })
        #expect(routes.count > 15)
        let documented = Self.documentedOperations(try Self.document())
        #expect(routes.subtracting(documented).isEmpty, "registered but not in docs/openapi.json: \(routes.subtracting(documented).sorted())")
        #expect(documented.subtracting(routes).isEmpty, "in docs/openapi.json but not registered: \(documented.subtracting(routes).sorted())")
    }

    @Test func everyReferenceResolvesAndEveryErrorAnswerIsTheErrorSchema() throws {
        let document = try Self.document()
        let validator = JSONSchemaValidator(document: document)
        var references: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let object):
                if let reference = object["$ref"]?.string { references.append(reference) }
                object.values.forEach(walk)
            case .array(let array): array.forEach(walk)
            default: break
            }
        }
        walk(document)
        #expect(references.count > 50)
        for reference in references { #expect(validator.resolve(reference) != nil, "\(reference)") }
        // Every 4xx and 5xx of every operation is documented as the JSON error body.
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in Self.methods {
                guard let operation = item[method] else { continue }
                let responses = operation["responses"]?.objectValue ?? [:]
                for status in ["400", "405", "408", "500", "503"] { #expect(responses[status] != nil, "\(method) \(path) \(status)") }
                for (status, response) in responses where status.hasPrefix("4") || status.hasPrefix("5") {
                    let resolved = response["$ref"]?.string.flatMap(validator.resolve) ?? response
                    #expect(resolved["content"]?["application/json"]?["schema"]?["$ref"]?.string == "#/components/schemas/Error", "\(method) \(path) \(status)")
                }
                if operation["security"]?.arrayValue?.isEmpty != true {
                    #expect(responses["401"] != nil, "\(method) \(path) needs a token: 401 must be documented")
                }
            }
        }
    }

    /// One request and the status it must get.
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var uri: String
        var status: Int
        var token: String? = RecoveryFixture.adminToken
        var headers: [(String, String)] = []
        var body: [UInt8] = []
    }

    @Test func everyOperationAnswersAsDocumentedOnARealServer() async throws {
        let document = try Self.document()
        try await SeededAPI.run { api in
            let client = api.client
            let dead = try #require(try await api.fixture.store.actions(status: .dead).first)
            let offer = try #require(try await api.fixture.store.actions(status: nil).first { $0.kind == .financingOffer })
            let caseID = try #require(try await api.fixture.store.cases(status: nil, category: nil).first?.id)
            let stripe = try ServerFixture.sample("stripe/01_customer.subscription.created.json")
            let gocardless = try ServerFixture.sample("gocardless/02-atelier-dupont-payment-failed-insufficient-funds.json")
            let standard = try ServerFixture.sample("demo/045-nova-payment.succeeded.json")
            let partnerBody = Array(#"{"id":"cb_contract","type":"offer.accepted","offer_id":"\#(offer.id)","occurred_at":\#(api.fixture.clock.nowSeconds())}"#.utf8)
            let partnerHeaders = WebhookSigner.headers(
                provider: .standard, body: partnerBody, secret: RecoveryFixture.partnerSecret, timestamp: api.fixture.clock.nowSeconds(), eventID: "cb_contract"
            )
            let now = api.fixture.clock.nowSeconds()
            func signed(_ provider: ProviderName, _ body: [UInt8]) -> [(String, String)] {
                WebhookSigner.headers(provider: provider, body: body, secret: TestSecrets.secret(for: provider), timestamp: now,
                                      eventID: WebhookSigner.eventID(in: body, fallback: "msg_contract"))
            }
            var calls: [Call] = [
                Call(method: .post, uri: "/webhooks/stripe", status: 200, token: nil, headers: signed(.stripe, stripe), body: stripe),
                Call(method: .post, uri: "/webhooks/stripe", status: 401, token: nil, headers: [("Stripe-Signature", "t=1,v1=00")], body: stripe),
                Call(method: .post, uri: "/webhooks/gocardless", status: 200, token: nil, headers: signed(.gocardless, gocardless), body: gocardless),
                Call(method: .post, uri: "/webhooks/gocardless", status: 498, token: nil, headers: [("Webhook-Signature", "00")], body: gocardless),
                Call(method: .post, uri: "/webhooks/standard", status: 200, token: nil, headers: signed(.standard, standard), body: standard),
                Call(method: .post, uri: "/webhooks/standard", status: 400, token: nil, headers: signed(.standard, standard) + [("Lifeline-Origin", "later")], body: standard),
                Call(method: .post, uri: "/webhooks/paypal", status: 404, token: nil, body: stripe),
                Call(method: .post, uri: "/webhooks/partner/sandbox", status: 200, token: nil, headers: partnerHeaders, body: partnerBody),
                Call(method: .post, uri: "/webhooks/partner/nobody", status: 404, token: nil, headers: partnerHeaders, body: partnerBody),
                Call(method: .get, uri: "/health", status: 200, token: nil),
                Call(method: .get, uri: "/metrics", status: 200, token: nil),
                Call(method: .get, uri: "/ready", status: 200, token: nil),
                Call(method: .get, uri: "/api/v1/openapi.json", status: 200, token: nil),
                Call(method: .get, uri: "/api/v1/cases", status: 200),
                Call(method: .get, uri: "/api/v1/cases?limit=2&format=csv", status: 200),
                Call(method: .get, uri: "/api/v1/cases?status=open&category=cash_flow&from=2026-01-01&to=2030-01-01T00:00:00Z", status: 200),
                Call(method: .get, uri: "/api/v1/cases?limit=0", status: 400),
                Call(method: .get, uri: "/api/v1/cases?format=xml", status: 400),
                Call(method: .get, uri: "/api/v1/cases?starting_after=case_nope", status: 404),
                Call(method: .get, uri: "/api/v1/cases", status: 401, token: nil),
                Call(method: .get, uri: "/api/v1/cases/\(caseID)", status: 200),
                Call(method: .get, uri: "/api/v1/cases/case_nope", status: 404),
                Call(method: .get, uri: "/api/v1/customers/cus_demo_boulangerie", status: 200),
                Call(method: .get, uri: "/api/v1/customers/cus_nope", status: 404),
                Call(method: .get, uri: "/api/v1/actions", status: 200),
                Call(method: .get, uri: "/api/v1/actions?status=dead&format=csv", status: 200),
                Call(method: .get, uri: "/api/v1/actions?status=lost", status: 400),
                Call(method: .get, uri: "/api/v1/actions/\(dead.id)/attempts", status: 200),
                Call(method: .get, uri: "/api/v1/actions/\(dead.id)/attempts?format=csv", status: 200),
                Call(method: .get, uri: "/api/v1/actions/\(dead.id)/attempts?starting_after=abc", status: 400),
                Call(method: .get, uri: "/api/v1/actions/act_nope/attempts", status: 404),
                Call(method: .post, uri: "/api/v1/actions/\(dead.id)/retry", status: 202),
                Call(method: .post, uri: "/api/v1/actions/\(dead.id)/retry", status: 409),
                Call(method: .post, uri: "/api/v1/actions/act_nope/retry", status: 404),
                Call(method: .get, uri: "/api/v1/projection", status: 200),
                Call(method: .get, uri: "/api/v1/projection/failures", status: 200),
                Call(method: .get, uri: "/api/v1/projection/failures?format=csv&limit=1000", status: 200),
                Call(method: .get, uri: "/api/v1/projection/failures?limit=1001", status: 400),
                Call(method: .post, uri: "/api/v1/projection/failures/\(api.failedSeq)/retry", status: 409),
                Call(method: .post, uri: "/api/v1/projection/failures/abc/retry", status: 400),
                Call(method: .post, uri: "/api/v1/projection/failures/999999/retry", status: 404),
                Call(method: .get, uri: "/api/v1/reports/nrr?from=2026-01-01&to=2027-01-01", status: 200),
                Call(method: .get, uri: "/api/v1/reports/nrr?from=2026-01-01&to=2027-01-01&group_by=cohort&format=csv", status: 200),
                Call(method: .get, uri: "/api/v1/reports/nrr?from=2027-01-01&to=2026-01-01", status: 400),
                Call(method: .get, uri: "/dashboard", status: 200),
                Call(method: .get, uri: "/dashboard?from=&to=&currency=", status: 200),
                Call(method: .get, uri: "/dashboard?from=nope", status: 400),
                Call(method: .delete, uri: "/api/v1/cases", status: 405),
                Call(method: .get, uri: "/webhooks/stripe", status: 405, token: nil),
            ]
            var answered: Set<String> = []
            for call in calls {
                let response = try await Self.execute(client, call)
                #expect(response.status.code == call.status, "\(call.method) \(call.uri): \(response.text.prefix(300))")
                let problems = try Self.check(response, of: call, against: document)
                #expect(problems.isEmpty, "\(call.method) \(call.uri): \(problems)")
                if (200..<300).contains(response.status.code), let operation = Self.operation(for: call, in: document) {
                    answered.insert(operation)
                }
            }
            // The retried projection, once its cause is fixed, answers 200.
            try SQLiteFile.execute(api.fixture.server.databasePath, "UPDATE events SET normalized = '\(api.failedEventJSON)' WHERE seq = \(api.failedSeq)")
            calls = [Call(method: .post, uri: "/api/v1/projection/failures/\(api.failedSeq)/retry", status: 200)]
            for call in calls {
                let response = try await Self.execute(client, call)
                #expect(response.status.code == call.status, "\(call.uri): \(response.text)")
                #expect(try Self.check(response, of: call, against: document).isEmpty)
                if let operation = Self.operation(for: call, in: document) { answered.insert(operation) }
            }
            // Every operation was seen answering its success, except the catch-all for unknown providers.
            let expected = Self.documentedOperations(document).subtracting(["POST /webhooks/{provider}"])
            #expect(expected.subtracting(answered).isEmpty, "never answered 2xx: \(expected.subtracting(answered).sorted())")
        }
    }

    static func execute(_ client: any TestClientProtocol, _ call: Call) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token = call.token { headers[.authorization] = "Bearer \(token)" }
        if !call.body.isEmpty { headers[.contentType] = "application/json" }
        for (name, value) in call.headers { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return try await client.execute(uri: call.uri, method: call.method, headers: headers, body: call.body.isEmpty ? nil : ByteBuffer(bytes: call.body))
    }

    /// `METHOD /template` of the document's operation for this call: constant paths win over
    /// templated ones, as on the router.
    static func operation(for call: Call, in document: JSONValue) -> String? {
        let path = String(call.uri.split(separator: "?", maxSplits: 1).first ?? "")
        let segments = path.split(separator: "/")
        let candidates = (document["paths"]?.objectValue ?? [:]).keys.filter { template in
            let parts = template.split(separator: "/")
            return parts.count == segments.count && zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        let best = candidates.min { $0.filter { $0 == "{" }.count < $1.filter { $0 == "{" }.count }
        return best.map { "\(call.method.rawValue) \($0)" }
    }

    /// What in this answer the document does not say: an undocumented status, content type or
    /// missing header, or a JSON body its schema refuses.
    static func check(_ response: TestResponse, of call: Call, against document: JSONValue) throws -> [String] {
        let validator = JSONSchemaValidator(document: document)
        guard let operation = operation(for: call, in: document) else {
            // A known path asked with a method it does not answer: 405 with the error body.
            return response.status == .methodNotAllowed && response.headers[.allow] != nil ? [] : ["no operation"]
        }
        let parts = operation.split(separator: " ", maxSplits: 1)
        guard let documented = document["paths"]?[String(parts[1])]?[parts[0].lowercased()] else {
            return response.status == .methodNotAllowed && response.headers[.allow] != nil ? [] : ["\(operation) is not documented"]
        }
        guard var answer = documented["responses"]?[String(response.status.code)] else {
            return ["status \(response.status.code) is not documented for \(operation)"]
        }
        if let reference = answer["$ref"]?.string, let resolved = validator.resolve(reference) { answer = resolved }
        var problems: [String] = []
        let contentType = (response.headers[.contentType] ?? "").split(separator: ";").first.map(String.init) ?? ""
        guard let media = answer["content"]?[contentType] else {
            return ["content type \(contentType) is not documented for \(operation) \(response.status.code)"]
        }
        for (name, header) in answer["headers"]?.objectValue ?? [:] where header["required"] == .bool(true) {
            if response.headers[HTTPField.Name(name)!] == nil { problems.append("the header \(name) is missing") }
        }
        if contentType == "application/json", let schema = media["schema"] {
            problems += validator.errors(try JSONValue.parse(response.text), schema)
        }
        return problems
    }
}
