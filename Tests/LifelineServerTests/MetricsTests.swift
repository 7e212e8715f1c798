import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineTestSupport
import Testing

/// `GET /metrics` of a real server on a random port: the exact counter lines after signed,
/// duplicate, ignored and refused webhooks, the store's gauges, and the outbox's attempts and
/// dead letters after deliveries to the loopback partner stub; the text parses as Prometheus
/// exposition and carries no id, name or secret.
@Suite("Metrics")
struct MetricsTests {
    static func scrape(_ client: some TestClientProtocol) async throws -> (text: String, parsed: PrometheusText) {
        let response = try await client.execute(uri: "/metrics", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        let text = response.text
        return (text, try PrometheusText(text))
    }

    /// Scrapes until `condition` holds, at most `attempts` times: what is counted after the
    /// answer went out (the request's timing, the writer's turn) may trail it by a moment.
    static func scrape(
        _ client: some TestClientProtocol, attempts: Int = 200, until condition: (PrometheusText) -> Bool
    ) async throws -> (text: String, parsed: PrometheusText) {
        var last = try await scrape(client)
        for _ in 1..<attempts where !condition(last.parsed) {
            try await Task.sleep(for: .milliseconds(10))
            last = try await scrape(client)
        }
        return last
    }

    static func expectLines(_ lines: [String], in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let all = text.split(separator: "\n").map(String.init)
        let present = Set(all)
        for line in lines where !present.contains(line) {
            let name = line.prefix { $0 != "{" && $0 != " " }
            let family = all.filter { $0.hasPrefix(name) }.joined(separator: "\n")
            Issue.record("missing `\(line)`; the lines of \(name):\n\(family)", sourceLocation: sourceLocation)
        }
    }

    @Test func webhooksByProviderAndOutcomeAndTheStoreGauges() async throws {
        let fixture = try await ServerFixture.make()
        let dependencies = fixture.dependencies
        let app = buildApplication(configuration: fixture.configuration, dependencies: dependencies)
        let first = try ServerFixture.sample("stripe/01_customer.subscription.created.json")
        let second = try ServerFixture.sample("stripe/02_customer.subscription.created.json")
        let unknownType = Array(#"{"id":"evt_unknown","type":"customer.note_added","occurred_at":1763000000,"customer":{"id":"cus_x"}}"#.utf8)
        try await app.test(.live) { client in
            // Nothing counted yet: every known series is there at 0.
            let empty = try await Self.scrape(client)
            Self.expectLines([
                #"lifeline_webhook_events_total{provider="stripe",outcome="stored"} 0"#,
                #"lifeline_delivery_attempts_total{kind="financing_offer",outcome="dead"} 0"#,
                #"lifeline_cases{status="open",category="cash_flow"} 0.0"#,
                "lifeline_store_up 1.0",
            ], in: empty.text)

            #expect(try await client.postWebhook(.stripe, body: first).status == .ok)
            #expect(try await client.postWebhook(.stripe, body: second).status == .ok)
            #expect(try await client.postWebhook(.stripe, body: first).status == .ok)
            #expect(try await client.postWebhook(.stripe, body: second, secret: TestSecrets.wrong).status == .unauthorized)
            #expect(try await client.postWebhook(.gocardless, body: second, secret: "not-the-gocardless-secret").status.code == 498)
            #expect(try await client.postWebhook(.standard, body: unknownType).status == .ok)
            #expect(try await client.postWebhook(.standard, body: Array(#"{"id":"#.utf8)).status == .badRequest)
            #expect(try await client.postWebhook(.stripe, body: first, path: "/webhooks/paypal").status == .notFound)

            let scraped = try await Self.scrape(client) { parsed in
                // 4 appends reached the writer; 4 answers were 2xx and 4 were 4xx.
                parsed.value("lifeline_group_commit_batch_size_sum") == 4
                    && parsed.value("lifeline_http_request_duration_seconds_count", ["route": "/webhooks/stripe", "method": "POST", "status_class": "2xx"]) == 3
                    && parsed.value("lifeline_http_request_duration_seconds_count", ["route": "/webhooks/standard", "method": "POST", "status_class": "2xx"]) == 1
                    && parsed.value("lifeline_http_request_duration_seconds_count", ["route": "/webhooks/{provider}", "method": "POST", "status_class": "4xx"]) == 1
            }
            Self.expectLines([
                #"lifeline_webhooks_total{provider="stripe",outcome="accepted",status="200"} 3"#,
                #"lifeline_webhooks_total{provider="stripe",outcome="invalid_signature",status="401"} 1"#,
                #"lifeline_webhooks_total{provider="gocardless",outcome="invalid_signature",status="498"} 1"#,
                #"lifeline_webhooks_total{provider="standard",outcome="accepted",status="200"} 1"#,
                #"lifeline_webhooks_total{provider="standard",outcome="malformed_payload",status="400"} 1"#,
                #"lifeline_webhooks_total{provider="unknown",outcome="unknown_provider",status="404"} 1"#,
                #"lifeline_webhook_events_total{provider="stripe",outcome="stored"} 2"#,
                #"lifeline_webhook_events_total{provider="stripe",outcome="duplicate"} 1"#,
                #"lifeline_webhook_events_total{provider="stripe",outcome="ignored"} 0"#,
                #"lifeline_webhook_events_total{provider="standard",outcome="ignored"} 1"#,
                #"lifeline_webhook_events_total{provider="gocardless",outcome="stored"} 0"#,
                "lifeline_group_commit_batch_size_sum 4.0",
                // Each provider has its own route; an unknown name falls to the catch-all pattern.
                #"lifeline_http_request_duration_seconds_count{route="/webhooks/stripe",method="POST",status_class="2xx"} 3"#,
                #"lifeline_http_request_duration_seconds_count{route="/webhooks/standard",method="POST",status_class="2xx"} 1"#,
                #"lifeline_http_request_duration_seconds_count{route="/webhooks/stripe",method="POST",status_class="4xx"} 1"#,
                #"lifeline_http_request_duration_seconds_count{route="/webhooks/gocardless",method="POST",status_class="4xx"} 1"#,
                #"lifeline_http_request_duration_seconds_count{route="/webhooks/standard",method="POST",status_class="4xx"} 1"#,
                #"lifeline_http_request_duration_seconds_count{route="/webhooks/{provider}",method="POST",status_class="4xx"} 1"#,
                "lifeline_projector_lag_events 0.0",
                "lifeline_projector_lag_seconds 0.0",
                "lifeline_projection_failures 0.0",
                "lifeline_store_up 1.0",
            ], in: scraped.text)
            let parsed = scraped.parsed
            #expect(parsed.types["lifeline_webhooks_total"] == "counter")
            #expect(parsed.types["lifeline_http_request_duration_seconds"] == "histogram")
            #expect(parsed.types["lifeline_group_commit_batch_size"] == "histogram")
            #expect(parsed.types["lifeline_outbox_actions"] == "gauge")
            #expect(parsed.help["lifeline_webhooks_total"]?.isEmpty == false)
            let transactions = parsed.value("lifeline_group_commit_batch_size_count") ?? 0
            #expect(transactions >= 1 && transactions <= 4)
            #expect((parsed.value("lifeline_group_commit_busy_seconds_total") ?? 0) > 0)
            // Route patterns only: the unknown provider's path is not a label.
            #expect(!scraped.text.contains("paypal"))
            // No id, customer or secret in any label or value.
            for forbidden in ["evt_", "cus_", "sub_", TestSecrets.stripe, TestSecrets.gocardless, TestSecrets.standard] {
                #expect(!scraped.text.contains(forbidden), "\(forbidden) in /metrics")
            }
        }
    }

    /// Each application counts into its own registry: a second server over the same store
    /// starts from zero.
    @Test func twoServersNeverShareCounts() async throws {
        let fixture = try await ServerFixture.make()
        let body = try ServerFixture.sample("stripe/01_customer.subscription.created.json")
        try await buildApplication(configuration: fixture.configuration, dependencies: fixture.dependencies).test(.live) { client in
            #expect(try await client.postWebhook(.stripe, body: body).status == .ok)
            Self.expectLines([#"lifeline_webhooks_total{provider="stripe",outcome="accepted",status="200"} 1"#], in: try await Self.scrape(client).text)
        }
        try await buildApplication(configuration: fixture.configuration, dependencies: fixture.dependencies).test(.live) { client in
            let text = try await Self.scrape(client).text
            Self.expectLines([#"lifeline_webhook_events_total{provider="stripe",outcome="stored"} 0"#], in: text)
            #expect(!text.contains("lifeline_webhooks_total{"))
        }
    }

    /// The bakery's cash-flow failure opens a case and plans a financing offer; the partner
    /// answers 503 (retry), then 422 (dead letter).
    @Test func deliveryAttemptsDeadLettersOutboxAndCases() async throws {
        let replies = [StubReply(status: 503, body: "overloaded-xyz"), StubReply(status: 422, body: "offer refused")]
        try await PartnerStub.run(replies: replies) { stub, url in
            let events = try RecoveryEngineTests.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            let dependencies = fixture.server.dependencies
            let app = buildApplication(configuration: fixture.server.configuration, dependencies: dependencies)
            let dispatcher = makeDispatcher(configuration: fixture.server.configuration, dependencies: dependencies)
            try await app.test(.live) { client in
                for event in events { #expect(try await client.post(event, clock: fixture.clock).status == .ok) }
                fixture.clock.advance(by: 120)
                let planned = try await Self.scrape(client)
                Self.expectLines([
                    #"lifeline_cases{status="open",category="cash_flow"} 1.0"#,
                    #"lifeline_cases{status="open",category="technical"} 0.0"#,
                    #"lifeline_outbox_actions{kind="financing_offer",status="pending"} 1.0"#,
                    // Due since the failure, two minutes ago.
                    #"lifeline_outbox_oldest_age_seconds{kind="financing_offer",status="pending"} 120.0"#,
                    #"lifeline_outbox_actions{kind="financing_offer",status="dead"} 0.0"#,
                ], in: planned.text)

                #expect(try await dispatcher.drain() == 1)  // 503: tried again later
                fixture.clock.advance(by: 3_600)
                #expect(try await dispatcher.drain() == 1)  // 422: dead letter
                fixture.clock.advance(by: 600)
                let after = try await Self.scrape(client)
                Self.expectLines([
                    #"lifeline_delivery_attempts_total{kind="financing_offer",outcome="retry"} 1"#,
                    #"lifeline_delivery_attempts_total{kind="financing_offer",outcome="dead"} 1"#,
                    #"lifeline_delivery_attempts_total{kind="financing_offer",outcome="delivered"} 0"#,
                    #"lifeline_dead_letters_total{kind="financing_offer",reason="refused"} 1"#,
                    #"lifeline_dead_letters_total{kind="financing_offer",reason="exhausted"} 0"#,
                    #"lifeline_delivery_duration_seconds_count{kind="financing_offer"} 2"#,
                    #"lifeline_outbox_actions{kind="financing_offer",status="pending"} 0.0"#,
                    #"lifeline_outbox_actions{kind="financing_offer",status="dead"} 1.0"#,
                    // Dead for ten minutes.
                    #"lifeline_outbox_oldest_age_seconds{kind="financing_offer",status="dead"} 600.0"#,
                    #"lifeline_cases{status="open",category="cash_flow"} 1.0"#,
                ], in: after.text)
                #expect(stub.requests.count == 2)
                for forbidden in ["boulangerie", "overloaded-xyz", "offer refused", RecoveryFixture.partnerSecret, RecoveryFixture.adminToken] {
                    #expect(!after.text.contains(forbidden), "\(forbidden) in /metrics")
                }
            }
        }
    }

    @Test func theParserRefusesWhatPrometheusWould() throws {
        let valid = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\",y=\"q\\\"\\n\"} 2\n"
        #expect(try PrometheusText(valid).value("a_total", ["x": "1", "y": "q\"\n"]) == 2)
        for invalid in [
            "a_total 1\n",  // no TYPE
            "# TYPE a counter\na{x=1} 1\n",  // unquoted label
            "# TYPE a counter\na 1\na 2\n",  // duplicate series
            "# TYPE a counter\na one\n",  // not a number
            "# TYPE a counter\na 1",  // no final newline
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",  // not cumulative
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf
        ] {
            #expect(throws: PrometheusText.Invalid.self, "\(invalid)") { try PrometheusText(invalid) }
        }
    }
}

/// docs/grafana-lifeline.json queries exactly the metrics `/metrics` exposes: no panel on a
/// name that does not exist, no metric without a panel.
@Suite("Grafana dashboard")
struct GrafanaDashboardTests {
    @Test func everyQueryUsesAnExposedMetricAndEveryMetricHasAPanel() throws {
        let url = ServerFixture.repository.appendingPathComponent("docs/grafana-lifeline.json")
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        var expressions: [String] = []
        for panel in panels {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                if let expr = target["expr"] as? String { expressions.append(expr) }
            }
        }
        #expect(expressions.count >= 16)
        let regex = try Regex("lifeline_[a-z_]+")
        var used = Set<String>()
        for expression in expressions {
            for match in expression.matches(of: regex) {
                var name = String(expression[match.range])
                // A histogram's series are its name and a suffix.
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && !AppMetrics.Name.all.contains(name) {
                    name = String(name.dropLast(suffix.count))
                }
                used.insert(name)
            }
        }
        #expect(used.subtracting(AppMetrics.Name.all).isEmpty, "unknown metrics in the dashboard: \(used.subtracting(AppMetrics.Name.all).sorted())")
        #expect(Set(AppMetrics.Name.all).subtracting(used).isEmpty, "metrics without a panel: \(Set(AppMetrics.Name.all).subtracting(used).sorted())")
    }

    /// The README's metrics table lists the same names.
    @Test func theReadmeListsEveryMetric() throws {
        let readme = try String(contentsOf: ServerFixture.repository.appendingPathComponent("README.md"), encoding: .utf8)
        for name in AppMetrics.Name.all { #expect(readme.contains("`\(name)`"), "\(name) is not in the README") }
        #expect(readme.contains("docs/grafana-lifeline.json"))
    }
}
