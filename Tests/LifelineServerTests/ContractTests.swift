import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineConfig
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStorePostgres
import LifelineTestSupport
import Logging
import Testing

/// What the README promises and no other test held the server to: a store that cannot be
/// reached, a provider without a secret, the partner's refusals, and sending a cancelled action again.
@Suite("HTTP contract", .serialized)
struct ContractTests {
    // MARK: the store unreachable

    /// The database server is down (nothing listens on the port): a webhook is refused with 503
    /// `store_unavailable` so the provider retries, `/ready` is 503 `store_unreachable`, and
    /// `/health` still answers.
    @Test(.timeLimit(.minutes(1)))
    func storeUnreachableIs503OnWebhooksAndReady() async throws {
        let configuration = try await ServerFixture.make().configuration
        let store = try PostgresStore(url: "postgres://lifeline:x@127.0.0.1:1/lifeline?sslmode=disable", reasonCodes: configuration.reasonCodes)
        var logger = Logger(label: "lifeline.test")
        logger.logLevel = .critical
        let dependencies = AppDependencies(store: store, clock: FixedClock(seconds: ServerFixture.now), logger: logger, runsDispatcher: false)
        let app = buildApplication(configuration: configuration, dependencies: dependencies)
        try await app.test(.live) { client in
            let webhook = try await client.postWebhook(.standard, body: WebhookRejectionTests.validEvent)
            #expect(webhook.status == .serviceUnavailable, "\(webhook.text)")
            #expect(webhook.json["error"] as? String == "store_unavailable")
            #expect(webhook.json["detail"] as? String == "the event could not be stored; retry later")
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable, "\(ready.text)")
            #expect(ready.json["error"] as? String == "store_unreachable")
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
        await store.shutdown()
    }

    // MARK: a provider without a secret

    /// A provider whose secrets are not configured accepts nothing, whatever secret signed the body.
    @Test(arguments: ProviderName.allCases)
    func providerWithoutASecretRefusesEverySignature(_ provider: ProviderName) async throws {
        let variable = "PROVIDERS_\(provider.rawValue.uppercased())_SECRETS"
        let fixture = try await ServerFixture.make(environment: [variable: ""])
        let body: [UInt8] = switch provider {
        case .stripe: WebhookRejectionTests.stripeBody
        case .gocardless: Array(#"{"events":[]}"#.utf8)
        case .standard: WebhookRejectionTests.validEvent
        }
        try await fixture.run { client in
            for secret in [TestSecrets.secret(for: provider), TestSecrets.wrong, ""] {
                let response = try await client.postWebhook(provider, body: body, secret: secret)
                #expect(Int(response.status.code) == (provider == .gocardless ? 498 : 401), "\(provider) signed with \(secret.prefix(8)): \(response.text)")
                #expect(response.json["error"] as? String == "invalid_signature", "\(response.text)")
            }
            // The other providers are unaffected.
            let other: ProviderName = provider == .standard ? .stripe : .standard
            let stripeCustomer = Array(#"{"id":"evt_other","object":"event","type":"customer.updated","created":1763000000,"data":{"object":{"id":"cus_o","object":"customer"}}}"#.utf8)
            let otherBody = other == .standard ? WebhookRejectionTests.validEvent : stripeCustomer
            let accepted = try await client.postWebhook(other, body: otherBody)
            #expect(accepted.status == .ok, "\(accepted.text)")
        }
        #expect(try await fixture.store.storedEvents().allSatisfy { $0.provider != provider.rawValue })
    }

    // MARK: the partner's refusals

    @Test("offer.declined and offer.expired go on the timeline; the rest of the plan carries on", arguments: ["offer.declined", "offer.expired"])
    func partnerRefusalKeepsThePlan(_ type: String) async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try RecoveryEngineTests.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
                try await fixture.server.dispatcher().drain()
                let offer = try #require(try await fixture.store.actions(status: .delivered).first { $0.kind == .financingOffer })
                let pendingBefore = try await fixture.store.actions(status: .pending)
                #expect(pendingBefore.count == 2)
                let now = fixture.clock.nowSeconds() + 600
                fixture.clock.set(now)
                let body = Array(#"{"id":"cb_no","type":"\#(type)","offer_id":"\#(offer.id)","occurred_at":\#(now),"amount":4900,"currency":"eur","detail":"turnover too low"}"#.utf8)
                let headers = StandardWebhooksSignature.headers(id: "cb_no", timestamp: now, body: body, secret: RecoveryFixture.partnerSecret)
                let response = try await client.postWebhook(.standard, body: body, headers: headers, path: "/webhooks/partner/sandbox")
                #expect(response.status == .ok, "\(response.text)")
                let again = try await client.postWebhook(.standard, body: body, headers: headers, path: "/webhooks/partner/sandbox")
                #expect(again.json["status"] as? String == "duplicate", "\(again.text)")

                let detail = try #require(try await fixture.store.caseDetail(id: offer.caseID))
                #expect(detail.recoveryCase.status == .acting)
                #expect(detail.recoveryCase.recoveredAt == nil)
                #expect(detail.timeline.filter { $0.kind == "partner" }.map(\.summary) == ["sandbox: \(type) 49.00 EUR — turnover too low"])
                // Nothing cancelled: the dunning email and the payday retry still go out.
                #expect(try await fixture.store.actions(status: .pending) == pendingBefore)
                #expect(try await fixture.store.actions(status: .cancelled).isEmpty)
                // Past the payday retry (the bakery usually pays on the 12th) and the plan email.
                fixture.clock.advance(by: 15 * 86_400)
                #expect(try await fixture.server.dispatcher().drain() == 2)
            }
            #expect(stub.requests.map(\.path).sorted() == ["/dunning", "/partner/offers", "/stripe/v1/invoices/in_demo_boulangerie_2026_10/pay"])
        }
    }

    // MARK: sending a cancelled action again

    @Test func cancelledActionIsSentAgainByOps() async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try RecoveryFixture.demoEvents(customer: "boulangerie")
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                // The whole story: the offer is delivered, the invoice paid, the rest cancelled.
                for event in events {
                    _ = try await client.post(event, clock: fixture.clock)
                    try await fixture.server.dispatcher().drain()
                }
                let cancelled = try await fixture.store.actions(status: .cancelled)
                let email = try #require(cancelled.first { $0.kind == .dunningEmail })
                #expect(email.attempts == 0)

                let retry = try await client.admin("/api/v1/actions/\(email.id)/retry", method: .post)
                #expect(retry.status == .accepted, "\(retry.text)")
                #expect(retry.json["id"] as? String == email.id)
                #expect(retry.json["status"] as? String == "pending")
                #expect(retry.json["attempts"] as? Int == 0)
                #expect((retry.json["next_attempt_at"] as? NSNumber)?.int64Value == fixture.clock.nowSeconds())
                let twice = try await client.admin("/api/v1/actions/\(email.id)/retry", method: .post)
                #expect(twice.status == .conflict)
                #expect(twice.json["error"] as? String == "not_retryable")

                #expect(try await fixture.server.dispatcher().drain() == 1)
                let delivered = try #require(try await fixture.store.actions(status: .delivered).first { $0.id == email.id })
                #expect(delivered.attempts == 1)
                let detail = try #require(try await fixture.store.caseDetail(id: email.caseID))
                #expect(detail.timeline.contains {
                    $0.kind == "action" && $0.summary == "dunning_email \(email.id) sent back to the outbox by finance ops (was cancelled)"
                })
                // The case stays recovered: sending an action again does not reopen it.
                #expect(detail.recoveryCase.status == .recovered)
            }
            #expect(stub.requests.filter { $0.path == "/dunning" }.count == 1)
        }
    }
}
