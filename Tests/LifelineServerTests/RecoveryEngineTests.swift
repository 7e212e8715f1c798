import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import LifelineStore
import LifelineTestSupport
import Testing

/// The recovery engine end to end: webhook → case → outbox → partner stub on loopback.
@Suite("Recovery engine", .serialized)
struct RecoveryEngineTests {
    /// The bakery's history up to its insufficient-funds failure on 1 October.
    static func bakeryUntilFailure() throws -> [(name: String, body: [UInt8], time: Int64)] {
        try RecoveryFixture.demoEvents(customer: "boulangerie").filter { $0.time <= 1_790_838_000 }
    }

    @Test func insufficientFundsGetsExactlyOneSignedFinancingCall() async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try Self.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events {
                    let response = try await client.post(event, clock: fixture.clock)
                    #expect(response.status == .ok, "\(event.name): \(response.text)")
                }
                try await fixture.server.dispatcher().drain()
                // The same webhook again: acknowledged, nothing planned twice.
                let again = try await client.post(events.last!, clock: fixture.clock)
                #expect(again.json["duplicates"] as? [String] == [WebhookSigner.eventID(in: events.last!.body, fallback: "")])
                try await fixture.server.dispatcher().drain()
            }
            let offers = stub.requests.filter { $0.path == "/partner/offers" }
            #expect(offers.count == 1)
            let offer = try #require(offers.first)
            let cases = try await fixture.store.cases(status: nil, category: nil)
            #expect(cases.count == 1)
            let recoveryCase = try #require(cases.first)
            #expect(recoveryCase.category == .cashFlow)
            #expect(recoveryCase.stressScore >= 50)
            #expect(recoveryCase.status == .acting)
            #expect(recoveryCase.mrrAtRisk == 4_900)
            let action = try #require(try await fixture.store.actions(status: .delivered).first { $0.kind == .financingOffer })
            #expect(offer.headers["idempotency-key"] == action.id)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(offer.body)) as? [String: Any])
            #expect(body["offer_id"] as? String == action.id)
            #expect(body["amount"] as? Int == 4_900)
            #expect(body["currency"] as? String == "eur")
            #expect((body["customer"] as? [String: Any])?["id"] as? String == "cus_demo_boulangerie")
            let headers = WebhookHeaders(offer.headers.map { ($0.key, $0.value) })
            #expect(throws: Never.self) {
                try StandardWebhooksSignature(secrets: [RecoveryFixture.partnerSecret]).verify(
                    body: offer.body, headers: headers, now: fixture.clock.nowSeconds())
            }
        }
    }

    @Test func partnerFailingThreeTimesIsDeliveredOnTheFourthTry() async throws {
        let replies = [StubReply(status: 503), StubReply(status: 503), StubReply(status: 503), StubReply(status: 201)]
        try await PartnerStub.run(replies: replies) { stub, url in
            let events = try Self.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
            }
            let dispatcher = fixture.server.dispatcher()
            for _ in 0..<6 {
                try await dispatcher.drain()
                fixture.clock.advance(by: 3_600)  // past any backoff
            }
            let action = try #require(try await fixture.store.actions(status: nil).first { $0.kind == .financingOffer })
            #expect(action.status == .delivered)
            #expect(action.attempts == 4)
            let attempts = try await fixture.store.attempts(actionID: action.id)
            #expect(attempts.map(\.httpStatus) == [503, 503, 503, 201])
            #expect(attempts.map(\.outcome) == [.retry, .retry, .retry, .delivered])
            #expect(Set(stub.requests.filter { $0.path == "/partner/offers" }.map { $0.headers["idempotency-key"] }) == [action.id])
        }
    }

    @Test func refusedCallIsDeadVisibleInTheAPIAndRetriedByOps() async throws {
        try await PartnerStub.run(replies: [StubReply(status: 400, body: "bad offer")]) { stub, url in
            let events = try Self.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
                try await fixture.server.dispatcher().drain()

                let dead = try await client.admin("/api/v1/actions?status=dead")
                #expect(dead.status == .ok)
                let actions = try #require(dead.json["actions"] as? [[String: Any]])
                #expect(actions.count == 1)
                let id = try #require(actions.first?["id"] as? String)
                #expect(actions.first?["kind"] as? String == "financing_offer")
                #expect((actions.first?["last_error"] as? String)?.contains("400") == true)

                let csv = try await client.admin("/api/v1/actions?status=dead&format=csv")
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(csv.text.contains(id))

                let retry = try await client.admin("/api/v1/actions/\(id)/retry", method: .post)
                #expect(retry.status == .accepted)
                #expect(retry.json["status"] as? String == "pending")
                try await fixture.server.dispatcher().drain()
                let again = try await client.admin("/api/v1/actions/\(id)/retry", method: .post)
                #expect(again.status == .conflict)
                #expect(again.json["error"] as? String == "not_retryable")
                #expect(again.json["detail"] as? String == "action \(id) is delivered; only dead or cancelled actions can be sent again")
            }
            let action = try #require(try await fixture.store.actions(status: .delivered).first { $0.kind == .financingOffer })
            #expect(try await fixture.store.attempts(actionID: action.id).map(\.httpStatus) == [400, 201])
            #expect(stub.requests.filter { $0.path == "/partner/offers" }.count == 2)
        }
    }

    @Test func paidInvoiceRecoversTheCaseAndCancelsWhatIsPending() async throws {
        try await PartnerStub.run(replies: []) { _, url in
            let events = try RecoveryFixture.demoEvents(customer: "boulangerie")
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events {
                    _ = try await client.post(event, clock: fixture.clock)
                    try await fixture.server.dispatcher().drain()
                }
            }
            let recoveryCase = try #require(try await fixture.store.cases(status: nil, category: nil).first)
            #expect(recoveryCase.status == .recovered)
            #expect(recoveryCase.attributedActionKind == .financingOffer)
            #expect(recoveryCase.recoveredAt != nil)
            let actions = try await fixture.store.actions(status: nil)
            #expect(actions.filter { $0.kind == .financingOffer }.map(\.status) == [.delivered])
            let others = actions.filter { $0.kind != .financingOffer }
            #expect(!others.isEmpty)
            #expect(others.allSatisfy { $0.status == .cancelled })
            let detail = try #require(try await fixture.store.caseDetail(id: recoveryCase.id))
            #expect(detail.timeline.contains { $0.kind == "status" && $0.summary.hasPrefix("recovered") })
            #expect(detail.timeline.contains { $0.kind == "decision" })
            #expect(detail.attempts.count == 1)
        }
    }

    @Test func actionCommittedBeforeACrashIsDeliveredOnceAfterRestart() async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try Self.bakeryUntilFailure()
            let first = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            // First process: commits the event and its action, then dies before delivering it.
            try await first.server.run { client in
                for event in events { _ = try await client.post(event, clock: first.clock) }
            }
            // It had even claimed the action: the lease must expire before anyone else sends it.
            let claimed = try await first.store.claimDueActions(now: first.clock.nowSeconds(), limit: 10, leaseSeconds: 60)
            #expect(claimed.count == 1)
            #expect(stub.requests.isEmpty)

            // Second process on the same SQLite file.
            let second = try await RecoveryFixture.make(stubURL: url, start: first.clock.nowSeconds(), databasePath: first.server.databasePath)
            try await second.server.dispatcher().drain()
            #expect(stub.requests.isEmpty)  // still leased
            second.clock.advance(by: 61)
            try await second.server.dispatcher().drain()
            second.clock.advance(by: 3_600)
            try await second.server.dispatcher().drain()
            #expect(stub.requests.filter { $0.path == "/partner/offers" }.count == 1)
        }
    }

    @Test func adminAPIRequiresATokenAndNeverShowsSecrets() async throws {
        try await PartnerStub.run(replies: []) { _, url in
            let events = try Self.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
                try await fixture.server.dispatcher().drain()
                for uri in ["/api/v1/cases", "/api/v1/actions", "/api/v1/customers/cus_demo_boulangerie"] {
                    for token in [nil, "wrong", RecoveryFixture.adminToken + "x"] as [String?] {
                        let refused = try await client.admin(uri, token: token)
                        #expect(refused.status == .unauthorized)
                        #expect(refused.json["error"] as? String == "unauthorized", "\(refused.text)")
                    }
                }
                let cases = try await client.admin("/api/v1/cases?status=acting")
                #expect(cases.status == .ok)
                let id = try #require((cases.json["cases"] as? [[String: Any]])?.first?["id"] as? String)
                let detail = try await client.admin("/api/v1/cases/\(id)")
                #expect(detail.status == .ok)
                #expect(detail.json["timeline"] is [Any])
                #expect(detail.json["attempts"] is [Any])
                let bad = try await client.admin("/api/v1/cases?status=sleeping")
                #expect(bad.status == .badRequest)
                #expect(bad.json["error"] as? String == "invalid_parameter")
                #expect(bad.json["detail"] as? String == #"status must be one of open, acting, recovered, lost, closed, got "sleeping""#)
                let missing = try await client.admin("/api/v1/cases/case_nope")
                #expect(missing.status == .notFound)
                #expect(missing.json["error"] as? String == "not_found")
                for response in [cases, detail, try await client.admin("/api/v1/actions"), try await client.admin("/api/v1/actions?format=csv")] {
                    #expect(!response.text.contains(RecoveryFixture.partnerSecret))
                    #expect(!response.text.contains(RecoveryFixture.stripeKey))
                    #expect(!response.text.contains(RecoveryFixture.adminToken))
                }
            }
        }
    }

    @Test func partnerCallbacksMoveTheCase() async throws {
        try await PartnerStub.run(replies: []) { _, url in
            let events = try Self.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            try await fixture.server.run { client in
                for event in events { _ = try await client.post(event, clock: fixture.clock) }
                try await fixture.server.dispatcher().drain()
                let action = try #require(try await fixture.store.actions(status: .delivered).first { $0.kind == .financingOffer })
                let now = fixture.clock.nowSeconds()

                func callback(_ id: String, _ type: String, offer: String, secret: String = RecoveryFixture.partnerSecret, partner: String = "sandbox") async throws -> TestResponse {
                    let body = Array(#"{"id":"\#(id)","type":"\#(type)","offer_id":"\#(offer)","occurred_at":\#(now),"amount":4900,"currency":"eur"}"#.utf8)
                    let headers = StandardWebhooksSignature.headers(id: id, timestamp: now, body: body, secret: secret)
                    return try await client.postWebhook(.standard, body: body, headers: headers, path: "/webhooks/partner/\(partner)")
                }
                #expect(try await callback("cb_1", "offer.accepted", offer: action.id).status == .ok)
                // Each refusal with its own code: a wrong signature, an offer never sent, a partner not configured.
                for (response, status, code) in [
                    (try await callback("cb_x", "offer.funded", offer: action.id, secret: TestSecrets.wrong), HTTPResponse.Status.unauthorized, "invalid_signature"),
                    (try await callback("cb_y", "offer.funded", offer: "act_unknown"), .notFound, "unknown_offer"),
                    (try await callback("cb_z", "offer.funded", offer: action.id, partner: "nobody"), .notFound, "unknown_partner"),
                    (try await callback("cb_w", "offer.refunded", offer: action.id), .badRequest, "malformed_payload"),
                ] {
                    #expect(response.status == status, "\(response.text)")
                    #expect(response.json["error"] as? String == code, "\(response.text)")
                }
                // Signed, but with the offer named twice: which one would count is refused.
                let twice = Array(#"{"id":"cb_t","type":"offer.funded","offer_id":"act_unknown","offer_id":"\#(action.id)","occurred_at":\#(now)}"#.utf8)
                let refused = try await client.postWebhook(
                    .standard, body: twice, headers: StandardWebhooksSignature.headers(id: "cb_t", timestamp: now, body: twice, secret: RecoveryFixture.partnerSecret),
                    path: "/webhooks/partner/sandbox"
                )
                #expect(refused.status == .badRequest)
                #expect(refused.json["error"] as? String == "malformed_payload")
                #expect(refused.json["detail"] as? String == #"duplicate key "offer_id" in a JSON object"#)
                #expect(try await callback("cb_2", "offer.funded", offer: action.id).status == .ok)
                let duplicate = try await callback("cb_2", "offer.funded", offer: action.id)
                #expect(duplicate.json["status"] as? String == "duplicate")
            }
            let recoveryCase = try #require(try await fixture.store.cases(status: nil, category: nil).first)
            #expect(recoveryCase.status == .recovered)
            #expect(recoveryCase.attributedActionKind == .financingOffer)
            let detail = try #require(try await fixture.store.caseDetail(id: recoveryCase.id))
            #expect(detail.timeline.filter { $0.kind == "partner" }.count == 2)
        }
    }
}
