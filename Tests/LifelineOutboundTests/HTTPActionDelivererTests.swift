import LifelineTestSupport
import AsyncHTTPClient
import LifelineCore
import LifelineOutbound
import LifelineProviders
import Testing

@Suite struct HTTPActionDelivererTests {
    func deliverer(_ settings: OutboundSettings) -> HTTPActionDeliverer {
        HTTPActionDeliverer(client: .shared, settings: settings, clock: FixedClock(seconds: Fixtures.now))
    }

    @Test func financingCallCarriesBodyKeyAndValidSignature() async throws {
        let action = Fixtures.financingAction()
        try await PartnerStub.run(replies: [StubReply(status: 201)]) { stub, url in
            let outcome = await deliverer(Fixtures.settings(baseURL: url)).deliver(action)
            #expect(outcome == .delivered(httpStatus: 201))
            let request = try #require(stub.requests.first)
            #expect(stub.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/offers")
            #expect(request.bodyText == action.payload)
            #expect(request.headers["idempotency-key"] == action.id)
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["webhook-id"] == action.id)
            #expect(request.headers["webhook-timestamp"] == String(Fixtures.now))
            let verifier = StandardWebhooksSignature(secrets: [Fixtures.partnerSecret])
            try verifier.verify(body: request.body, headers: WebhookHeaders(request.headers.map { ($0.key, $0.value) }), now: Fixtures.now)
            let body = try Fixtures.json(request.bodyText)
            #expect(body["offer_id"] as? String == action.id)
            #expect(request.headers["authorization"] == nil)
        }
    }

    @Test func conflictMeansThePartnerAlreadyHasIt() async throws {
        try await PartnerStub.run(replies: [StubReply(status: 409, body: "duplicate offer")]) { _, url in
            let outcome = await deliverer(Fixtures.settings(baseURL: url)).deliver(Fixtures.financingAction())
            #expect(outcome == .delivered(httpStatus: 409))
        }
    }

    @Test func badRequestIsDead() async throws {
        try await PartnerStub.run(replies: [StubReply(status: 400, body: "missing field amount")]) { _, url in
            let outcome = await deliverer(Fixtures.settings(baseURL: url)).deliver(Fixtures.financingAction())
            #expect(outcome == .dead(httpStatus: 400, error: "HTTP 400 from partner acme: missing field amount"))
        }
    }

    @Test func unavailableIsRetriedWithRetryAfter() async throws {
        let replies = [StubReply(status: 503, retryAfter: "7"), StubReply(status: 429, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT")]
        try await PartnerStub.run(replies: replies) { _, url in
            let deliverer = deliverer(Fixtures.settings(baseURL: url))
            let first = await deliverer.deliver(Fixtures.financingAction())
            #expect(first == .retry(httpStatus: 503, error: "HTTP 503 from partner acme", retryAfterSeconds: 7))
            let second = await deliverer.deliver(Fixtures.financingAction())
            #expect(second == .retry(httpStatus: 429, error: "HTTP 429 from partner acme", retryAfterSeconds: 0))
        }
    }

    @Test func timeoutIsRetried() async throws {
        try await PartnerStub.run(replies: [StubReply(status: 201, delay: .seconds(3))]) { _, url in
            let settings = Fixtures.settings(baseURL: url, requestTimeoutSeconds: 1)
            let outcome = await deliverer(settings).deliver(Fixtures.financingAction())
            guard case .retry(let status, let error, _) = outcome else {
                Issue.record("expected a retry, got \(outcome)")
                return
            }
            #expect(status == nil)
            #expect(error.contains("timed out"))
        }
    }

    @Test func refusedConnectionIsRetried() async {
        // Port 1 on loopback has no listener.
        let settings = Fixtures.settings(baseURL: "http://127.0.0.1:1", requestTimeoutSeconds: 1)
        let outcome = await deliverer(settings).deliver(Fixtures.financingAction())
        guard case .retry(nil, let error, nil) = outcome else {
            Issue.record("expected a retry, got \(outcome)")
            return
        }
        #expect(error.hasPrefix("could not reach partner acme"))
    }

    @Test func dunningPostsThePayloadWithItsKey() async throws {
        let action = Fixtures.action(.dunningEmail, id: "act_dun", parameters: ["template": "card_update", "step": "1"])
        try await PartnerStub.run(replies: [StubReply(status: 202)]) { stub, url in
            let outcome = await deliverer(Fixtures.settings(baseURL: url)).deliver(action)
            #expect(outcome == .delivered(httpStatus: 202))
            let request = try #require(stub.requests.first)
            #expect(request.path == "/dunning")
            #expect(request.bodyText == action.payload)
            #expect(request.headers["idempotency-key"] == "act_dun")
            #expect(request.headers["webhook-signature"] == nil)
        }
    }

    @Test func stripeRetryPostsToPayWithBearerKey() async throws {
        let action = Fixtures.action(.retryPayment, id: "act_retry")
        try await PartnerStub.run(replies: [StubReply(status: 200, body: #"{"id":"in_1001","status":"paid"}"#)]) { stub, url in
            let outcome = await deliverer(Fixtures.settings(baseURL: url)).deliver(action)
            #expect(outcome == .delivered(httpStatus: 200))
            let request = try #require(stub.requests.first)
            #expect(request.path == "/v1/invoices/in_1001/pay")
            #expect(request.headers["authorization"] == "Bearer \(Fixtures.stripeKey)")
            #expect(request.headers["idempotency-key"] == "act_retry")
            #expect(request.body.isEmpty)
        }
    }

    @Test func echoedSecretsAreScrubbedFromErrors() async throws {
        let echo = "invalid api key \(Fixtures.stripeKey) / \(Fixtures.partnerSecret) " + String(repeating: "x", count: 500)
        try await PartnerStub.run(replies: [StubReply(status: 401, body: echo), StubReply(status: 500, body: echo)]) { _, url in
            let deliverer = deliverer(Fixtures.settings(baseURL: url))
            for action in [Fixtures.action(.retryPayment), Fixtures.financingAction()] {
                let error: String
                switch await deliverer.deliver(action) {
                case .dead(_, let text), .retry(_, let text, _): error = text
                case .delivered: error = ""
                }
                #expect(error.contains("[redacted]"))
                #expect(!error.contains(Fixtures.stripeKey))
                #expect(!error.contains(Fixtures.partnerSecret.dropFirst(6)))
                #expect(error.count <= 300 + "HTTP 500 from partner acme: ".count)
            }
        }
    }

    @Test func notifyOpsIsDeliveredWithoutHTTP() async {
        let outcome = await deliverer(OutboundSettings()).deliver(Fixtures.action(.notifyOps))
        #expect(outcome == .delivered(httpStatus: nil))
    }

    @Test(arguments: [
        (Fixtures.action(.financingOffer, target: "unknown"), "no financing partner named 'unknown' is configured"),
        (Fixtures.action(.financingOffer, target: nil), "financing offer has no partner (action target is empty)"),
        (Fixtures.action(.dunningEmail), "no dunning URL is configured"),
        (Fixtures.action(.retryPayment), "no Stripe API key is configured"),
    ])
    func missingConfigurationIsDead(action: RecoveryAction, reason: String) async {
        let outcome = await deliverer(OutboundSettings()).deliver(action)
        #expect(outcome == .dead(httpStatus: nil, error: reason))
    }

    @Test func paymentRetryWithoutInvoiceIsDead() async {
        let outcome = await deliverer(Fixtures.settings()).deliver(Fixtures.action(.retryPayment, invoiceID: nil))
        #expect(outcome == .dead(httpStatus: nil, error: "payment retry has no invoice id"))
    }

    @Test func partnerWithUnusableSecretIsDead() async {
        var settings = Fixtures.settings()
        settings.partners["acme"]?.secret = "not base64 !!"
        let outcome = await deliverer(settings).deliver(Fixtures.financingAction())
        #expect(outcome == .dead(httpStatus: nil, error: "financing partner 'acme' has no usable whsec_ signing secret"))
    }

    @Test func settingsNeverPrintSecrets() {
        let text = "\(Fixtures.settings()) \(String(reflecting: Fixtures.settings().partners["acme"]!))"
        #expect(!text.contains(Fixtures.stripeKey))
        #expect(!text.contains(Fixtures.partnerSecret))
    }
}
