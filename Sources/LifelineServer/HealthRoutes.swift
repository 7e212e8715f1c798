import Hummingbird
import LifelineCore
import LifelineStore

/// `/health`: the process answers; `/ready`: the store answers and can commit a write, with the
/// projector's lag in the body.
struct HealthRoutes {
    let store: any LifelineStore
    let clock: any WallClock

    /// `/ready`'s body.
    struct Readiness: Encodable {
        var status: String
        var projection: ProjectionStatus
    }

    func register(on router: some RouterMethods<BasicRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse.make(.ok, ["status": "ok"])
        }
        router.get("/ready") { _, _ in
            let projection: ProjectionStatus
            do {
                try await store.ping()
                projection = try await store.projectionStatus(now: clock.nowSeconds())
            } catch {
                throw APIError(.serviceUnavailable, "store_unreachable", "the store did not answer")
            }
            do {
                try await store.probeWrite()
            } catch {
                // Webhooks would get 503 too: take this instance out of rotation until writes work.
                throw APIError(.serviceUnavailable, "store_not_writable", "the store answers but cannot commit a write (read-only or full disk?)")
            }
            return try JSONResponse.make(.ok, Readiness(status: "ready", projection: projection))
        }
    }
}
