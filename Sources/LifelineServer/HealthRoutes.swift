import Hummingbird
import LifelineCore
import LifelineStore

/// `/health`: the process answers; `/ready`: the store answers too, with the projector's lag.
struct HealthRoutes {
    let store: any LifelineStore
    let clock: any WallClock

    /// `/ready`'s body.
    struct Readiness: Encodable {
        var status: String
        var projection: ProjectionStatus
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse.make(.ok, ["status": "ok"])
        }
        router.get("/ready") { _, _ in
            do {
                try await store.ping()
                let projection = try await store.projectionStatus(now: clock.nowSeconds())
                return try JSONResponse.make(.ok, Readiness(status: "ready", projection: projection))
            } catch {
                throw APIError(.serviceUnavailable, "store_unreachable", "the store did not answer")
            }
        }
    }
}
