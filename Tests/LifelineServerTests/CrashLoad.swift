import AsyncHTTPClient
import Foundation
import LifelineCore
import LifelineProviders
import NIOCore
import Synchronization

/// The load generator of the crash test: each sender posts its customers' events in order and
/// retries one until it gets a 2xx, whatever happens to the server meanwhile.
final class CrashLoad: Sendable {
    /// Event ids in the order their 2xx arrived; refusals (4xx) are test failures.
    let acknowledged = Mutex<[String]>([])
    let refused = Mutex<[String]>([])
    /// Tries that got no answer (server down) and 2xx that said "duplicate" (committed before a kill).
    let unanswered = Mutex(0)
    let duplicates = Mutex(0)
    let total: Int

    init(total: Int) {
        self.total = total
    }

    var isDone: Bool { acknowledged.withLock { $0.count } + refused.withLock { $0.count } >= total }

    /// Posts `events` one after another; gives up only at `deadline`.
    func send(_ events: [(id: String, body: [UInt8])], to baseURL: String, client: HTTPClient, deadline: ContinuousClock.Instant) async {
        for event in events {
            while ContinuousClock.now < deadline {
                let timestamp = Int64(Date().timeIntervalSince1970)
                var request = HTTPClientRequest(url: "\(baseURL)/webhooks/standard")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                for (name, value) in WebhookSigner.headers(
                    provider: .standard, body: event.body, secret: TestSecrets.standard, timestamp: timestamp, eventID: event.id
                ) {
                    request.headers.add(name: name, value: value)
                }
                request.body = .bytes(event.body)
                // Connection refused or reset while the server is down: try again shortly.
                guard let response = try? await client.execute(request, timeout: .seconds(5)) else {
                    unanswered.withLock { $0 += 1 }
                    try? await Task.sleep(for: .milliseconds(30))
                    continue
                }
                let text = String(buffer: (try? await response.body.collect(upTo: 1 << 16)) ?? .init())
                switch response.status.code {
                case 200..<300:
                    acknowledged.withLock { $0.append(event.id) }
                    if text.contains("\"duplicates\":[\"") { duplicates.withLock { $0 += 1 } }
                case 400..<500:
                    refused.withLock { $0.append("\(event.id): \(response.status.code) \(text)") }
                default:
                    try? await Task.sleep(for: .milliseconds(30))
                    continue
                }
                break
            }
        }
    }
}
