import Hummingbird
import LifelineStore

/// `/health`: the process answers; `/ready`: the store answers and can commit a write.
struct HealthRoutes {
    let store: any LifelineStore

    func register(on router: some RouterMethods<BasicRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse.make(.ok, ["status": "ok"])
        }
        router.get("/ready") { _, _ in
            do {
                try await store.ping()
            } catch {
                throw APIError(.serviceUnavailable, "store_unreachable", "the store did not answer")
            }
            do {
                try await store.probeWrite()
            } catch {
                // Webhooks would get 503 too: take this instance out of rotation until writes work.
                throw APIError(.serviceUnavailable, "store_not_writable", "the store answers but cannot commit a write (read-only or full disk?)")
            }
            return try JSONResponse.make(.ok, ["status": "ready"])
        }
    }
}
