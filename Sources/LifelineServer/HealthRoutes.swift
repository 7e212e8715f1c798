import Hummingbird
import LifelineStore

/// `/health`: the process answers; `/ready`: the store answers too.
struct HealthRoutes {
    let store: any LifelineStore

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse.make(.ok, ["status": "ok"])
        }
        router.get("/ready") { _, _ in
            do {
                try await store.ping()
                return try JSONResponse.make(.ok, ["status": "ready"])
            } catch {
                throw APIError(.serviceUnavailable, "store_unreachable", "the store did not answer")
            }
        }
    }
}
