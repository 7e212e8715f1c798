import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import Testing

/// Hostile bytes below JSON: header injection, oversized and chunked bodies, on every path.
extension HostileInputTests {
    /// A signed Standard webhook as raw HTTP/1.1, with `mangle` applied to its header block.
    static func rawWebhook(mangle: (String) -> String = { $0 }, chunked body: [[UInt8]]? = nil) -> [UInt8] {
        let payload = HostileBodies.standard()
        let signed = StandardWebhooksSignature.headers(id: "evt_hostile", timestamp: now, body: payload, secret: TestSecrets.standard)
        var head = "POST /webhooks/standard HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
        for (name, value) in signed { head += "\(name): \(value)\r\n" }
        guard let chunks = body else {
            head += "Content-Length: \(payload.count)\r\n"
            return Array(mangle(head).utf8) + Array("\r\n".utf8) + payload
        }
        head += "Transfer-Encoding: chunked\r\n"
        var bytes = Array(mangle(head).utf8) + Array("\r\n".utf8)
        for chunk in chunks { bytes += Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8) }
        return bytes + Array("0\r\n\r\n".utf8)
    }

    static let injections: [(name: String, mangle: @Sendable (String) -> String)] = [
        ("bare CR in a header value", { $0.replacingOccurrences(of: "webhook-id: evt_hostile", with: "webhook-id: evt_hostile\rX-Injected: 1") }),
        ("NUL in a header value", { $0.replacingOccurrences(of: "webhook-id: evt_hostile", with: "webhook-id: evt_hostile\u{0}X-Injected: 1") }),
        ("obsolete line folding", { $0.replacingOccurrences(of: "webhook-id: evt_hostile\r\n", with: "webhook-id: evt_hostile\r\n X-Injected: 1\r\n") }),
        ("header line without a colon", { $0.replacingOccurrences(of: "Connection: close\r\n", with: "Connection: close\r\nX-Injected 1\r\n") }),
        ("space before the colon", { $0.replacingOccurrences(of: "webhook-id: evt_hostile", with: "webhook-id : evt_hostile") }),
    ]

    @Test(arguments: 0..<injections.count)
    func headerInjectionIsRefusedByTheHTTPParser(_ index: Int) async throws {
        let injection = Self.injections[index]
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            let port = try #require(client.port)
            let response = await RawHTTP.exchange(port: port, Self.rawWebhook(mangle: injection.mangle))
            let status = RawHTTP.status(of: response)
            // NIO's HTTP parser answers 400 before any route sees the request, with the JSON body.
            #expect(status == 400, "\(injection.name): \(response.prefix(200))")
            #expect(response.contains(#""error":"bad_request""#), "\(injection.name): \(response.prefix(300))")
            try await Self.expectStillServing(client)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_valid"], "\(injection.name)")
    }

    @Test func headerBlockOfHalfAMegabyteIsRefused() async throws {
        let fixture = try await ServerFixture.make()
        let huge = String(repeating: "v1,AAAA ", count: 64_000)
        try await fixture.run { client in
            let request = Self.rawWebhook { $0.replacingOccurrences(of: "webhook-signature: ", with: "webhook-signature: \(huge)") }
            let status = RawHTTP.status(of: await RawHTTP.exchange(port: try #require(client.port), request))
            #expect(status == 400 || status == 431, "big header")
            try await Self.expectStillServing(client)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_valid"])
    }

    @Test func wellFormedRawRequestIsAccepted() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            let response = await RawHTTP.exchange(port: try #require(client.port), Self.rawWebhook())
            #expect(RawHTTP.status(of: response) == 200, "\(response.prefix(300))")
        }
    }

    @Test func chunkedBodyOverTheLimitIs413() async throws {
        let fixture = try await ServerFixture.make(maxBodyBytes: 4_096)
        try await fixture.run { client in
            let chunks = Array(repeating: [UInt8](repeating: UInt8(ascii: " "), count: 1_024), count: 6)
            let response = await RawHTTP.exchange(port: try #require(client.port), Self.rawWebhook(chunked: chunks))
            #expect(RawHTTP.status(of: response) == 413, "\(response.prefix(300))")
            try await Self.expectStillServing(client)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_valid"])
    }

    @Test func bodyOverTheLimitIs413OnEveryWebhookPath() async throws {
        let fixture = try await ServerFixture.make(maxBodyBytes: 4_096, environment: [
            "PARTNERS_NAMES": "sandbox", "PARTNERS_SANDBOX_URL": "http://127.0.0.1:9/partner",
            "PARTNERS_SANDBOX_SECRET": RecoveryFixture.partnerSecret,
        ])
        let big = HostileBodies.standard(extra: ",\"name\":\"\(String(repeating: "x", count: 5_000))\"")
        try await fixture.run { client in
            for provider in ProviderName.allCases {
                let response = try await client.postWebhook(provider, body: big)
                #expect(response.status == .contentTooLarge, "\(provider)")
                #expect(response.json["error"] as? String == "body_too_large")
            }
            let partner = try await client.postWebhook(.standard, body: big, path: "/webhooks/partner/sandbox")
            #expect(partner.status == .contentTooLarge)
            try await Self.expectStillServing(client)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_valid"])
    }
}
