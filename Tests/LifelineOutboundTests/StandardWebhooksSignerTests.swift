import LifelineOutbound
import LifelineProviders
import Testing

@Suite struct StandardWebhooksSignerTests {
    @Test func matchesTheProvidersSignerByteForByte() {
        let body = Array(#"{"offer_id":"act_1"}"#.utf8)
        let ours = StandardWebhooksSigner.headers(id: "act_1", timestamp: Fixtures.now, body: body, secret: Fixtures.partnerSecret)
        let theirs = StandardWebhooksSignature.headers(id: "act_1", timestamp: Fixtures.now, body: body, secret: Fixtures.partnerSecret)
        #expect(ours.map(\.0) == theirs.map(\.0))
        #expect(ours.map(\.1) == theirs.map(\.1))
        #expect(ours.count == 3)
    }

    @Test func verifiesWithTheProvidersVerifier() throws {
        let body = Array("hello".utf8)
        let headers = StandardWebhooksSigner.headers(id: "msg_1", timestamp: Fixtures.now, body: body, secret: Fixtures.partnerSecret)
        let verifier = StandardWebhooksSignature(secrets: [Fixtures.partnerSecret])
        try verifier.verify(body: body, headers: WebhookHeaders(headers), now: Fixtures.now)
    }

    @Test func unusableSecretSignsNothing() {
        #expect(StandardWebhooksSigner.headers(id: "a", timestamp: 1, body: [], secret: "whsec_!!!").isEmpty)
        #expect(StandardWebhooksSignature.headers(id: "a", timestamp: 1, body: [], secret: "whsec_!!!").isEmpty)
    }
}
