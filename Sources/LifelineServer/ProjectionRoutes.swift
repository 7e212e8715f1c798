import Hummingbird
import LifelineCore
import LifelineStore

/// The projector for finance ops under `/api/v1`: its lag, the events it could not apply,
/// and applying one of them again once the cause is fixed.
struct ProjectionRoutes {
    let log: any EventLogStore
    let clock: any WallClock

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.get("projection") { _, _ in
            try JSONResponse.api(.ok, try await log.projectionStatus(now: clock.nowSeconds()))
        }
        group.get("projection/failures") { _, _ in
            try JSONResponse.api(.ok, ["failures": try await log.projectionFailures()])
        }
        group.post("projection/failures/:seq/retry") { _, context in
            let text = try context.parameters.require("seq")
            guard let seq = Int64(text), seq > 0 else {
                throw APIError(.badRequest, "invalid_parameter", "seq must be a positive integer, not '\(text)'")
            }
            switch try await log.retryProjection(seq: seq, now: clock.nowSeconds()) {
            case .applied:
                return try JSONResponse.api(.ok, ["seq": "\(seq)", "status": "applied"])
            case .failedAgain(let error):
                throw APIError(.conflict, "projection_failed", "event \(seq) failed again: \(error)")
            case .notFound:
                throw APIError(.notFound, "not_found", "no unresolved projection failure at seq \(seq)")
            }
        }
    }
}
