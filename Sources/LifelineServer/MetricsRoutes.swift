import Hummingbird
import LifelineCore
import LifelineStore
import NIOCore

/// `GET /metrics`: the Prometheus text exposition, unauthenticated like `/health` (it holds
/// counts, ages and bounded labels only: no id, no name, no amount, no secret). Put it behind
/// the network's own rules if even counts are private.
struct MetricsRoutes {
    let metrics: AppMetrics
    let store: any StoreGaugeSource
    let clock: any WallClock

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func register(on router: some RouterMethods<BasicRequestContext>) {
        router.get("/metrics") { _, _ in
            await metrics.refresh(from: store, now: clock.nowSeconds())
            return Response(
                status: .ok, headers: [.contentType: Self.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
    }
}
