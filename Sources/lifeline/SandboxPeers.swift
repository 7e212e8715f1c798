import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The demo's stand-ins for the outside world, on one loopback server: a financing partner
/// (`/partner/offers`), a dunning service (`/dunning`) and Stripe's invoice API (`/stripe/v1/...`).
actor SandboxPeers {
    struct Received: Sendable {
        var path: String
        var idempotencyKey: String?
        var body: [UInt8]
    }

    private(set) var received: [Received] = []
    private var handedOut = 0

    func record(_ request: Received) {
        received.append(request)
    }

    /// Offers received since the last call, so the demo can answer each once.
    func newOffers() -> [Received] {
        let fresh = received[handedOut...].filter { $0.path.hasSuffix("/offers") }
        handedOut = received.count
        return Array(fresh)
    }

    nonisolated func application(logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        let peers = self
        router.post("/**") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            await peers.record(Received(
                path: request.uri.path, idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                body: Array(buffer.readableBytesView)
            ))
            return Response(status: request.uri.path.hasSuffix("/offers") ? .created : .ok)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "lifeline-sandbox"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
