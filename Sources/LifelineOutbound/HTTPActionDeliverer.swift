import AsyncHTTPClient
import LifelineCore
import NIOCore

/// Delivers actions over HTTP with a shared AsyncHTTPClient; routing lives in `DeliveryPlanner`.
public struct HTTPActionDeliverer: ActionDeliverer {
    /// Enough of an error body to explain it; the rest is not read.
    static let bodySnippetBytes = 2_048

    let client: HTTPClient
    let settings: OutboundSettings
    let clock: any WallClock
    let redactor: SecretRedactor

    public init(client: HTTPClient, settings: OutboundSettings, clock: any WallClock) {
        self.client = client
        self.settings = settings
        self.clock = clock
        self.redactor = SecretRedactor(secrets: settings.secrets)
    }

    public func deliver(_ action: RecoveryAction) async -> DeliveryOutcome {
        switch DeliveryPlanner.plan(for: action, settings: settings, now: clock.nowSeconds()) {
        case .noCall: .delivered(httpStatus: nil)
        case .misconfigured(let reason): .dead(httpStatus: nil, error: redactor.clean(reason))
        case .http(let request): await send(request)
        }
    }

    /// One POST bounded by the request timeout, for the response head and again for the body.
    func send(_ request: OutboundRequest) async -> DeliveryOutcome {
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        for header in request.headers { http.headers.add(name: header.name, value: header.value) }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        let timeout = max(1, settings.requestTimeoutSeconds)
        do {
            let response = try await client.execute(http, timeout: .seconds(timeout))
            let body = await Self.snippet(of: response.body, limit: Self.bodySnippetBytes, timeout: .seconds(timeout))
            return ResponseClassifier.outcome(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                body: body, peer: request.peer, now: clock.nowSeconds(), redactor: redactor
            )
        } catch {
            return TransportErrorClassifier.outcome(for: error, peer: request.peer, timeoutSeconds: timeout, redactor: redactor)
        }
    }

    /// Up to `limit` bytes of the body as text; empty if it does not arrive within `timeout`.
    static func snippet(of body: HTTPClientResponse.Body, limit: Int, timeout: Duration) async -> String {
        await withTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var bytes: [UInt8] = []
                do {
                    for try await chunk in body {
                        bytes += chunk.readableBytesView.prefix(limit - bytes.count)
                        if bytes.count >= limit { break }
                    }
                } catch {}
                return bytes
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
