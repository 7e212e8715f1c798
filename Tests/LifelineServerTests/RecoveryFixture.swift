import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import LifelineStore
import LifelineStoreSQLite
import LifelineTestSupport

/// A server wired to a partner / dunning / Stripe stub on loopback, with a hand-moved clock.
struct RecoveryFixture {
    static let partnerSecret = "whsec_" + Data("sandbox-partner-signing-key-32b!".utf8).base64EncodedString()
    static let adminToken = "admin-token-for-tests"
    static let stripeKey = "sk_test_never_shown"

    let server: ServerFixture
    let clock: ManualClock

    static func make(stubURL: String, start: Int64, databasePath: String? = nil) async throws -> RecoveryFixture {
        let clock = ManualClock(start)
        let server = try await ServerFixture.make(clock: clock, environment: [
            "PARTNERS_NAMES": "sandbox",
            "PARTNERS_SANDBOX_URL": "\(stubURL)/partner",
            "PARTNERS_SANDBOX_SECRET": partnerSecret,
            "DUNNING_URL": "\(stubURL)/dunning",
            "STRIPE_API_BASE": "\(stubURL)/stripe",
            "STRIPE_API_KEY": stripeKey,
            "ADMIN_TOKENS": adminToken,
        ], databasePath: databasePath)
        return RecoveryFixture(server: server, clock: clock)
    }

    var store: SQLiteStore { server.store }

    /// The demo scenario's webhooks for one customer, in time order.
    static func demoEvents(customer: String, through lastFile: String? = nil) throws -> [(name: String, body: [UInt8], time: Int64)] {
        var events: [(name: String, body: [UInt8], time: Int64)] = []
        for sample in try ServerFixture.samples("demo") where sample.name.contains("-\(customer)-") {
            let event = try JSONDecoder().decode(BillingEvent.self, from: Data(sample.body))
            events.append((sample.name, sample.body, event.occurredAt))
            if sample.name == lastFile { break }
        }
        return events
    }
}

extension TestClientProtocol {
    /// Posts a Standard webhook at the clock's time (moving the clock to the event first).
    func post(_ sample: (name: String, body: [UInt8], time: Int64), clock: ManualClock) async throws -> TestResponse {
        clock.set(max(clock.nowSeconds(), sample.time))
        return try await postWebhook(.standard, body: sample.body, timestamp: clock.nowSeconds())
    }

    func admin(_ uri: String, method: HTTPRequest.Method = .get, token: String? = RecoveryFixture.adminToken) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers)
    }
}
