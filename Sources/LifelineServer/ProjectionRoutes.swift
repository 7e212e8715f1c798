import Hummingbird
import LifelineCore
import LifelineStore

/// The projector for finance ops under `/api/v1`: its lag, the events it could not apply
/// (paged, JSON or CSV), and applying one of them again once the cause is fixed.
struct ProjectionRoutes {
    let log: any EventLogStore & PagedListStore
    let clock: any WallClock

    /// A retried event that applied.
    struct Applied: Encodable {
        var seq: Int64
        var status: String
    }

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.get("projection") { _, _ in
            try JSONResponse.api(.ok, try await log.projectionStatus(now: clock.nowSeconds()))
        }
        group.get("projection/failures") { request, _ in
            let list = try ListRequest(request, cursor: .positiveInteger)
            let page = try await RecoveryLogRoutes.paging { try await log.projectionFailures(page: list.page) }
            return try await list.respond(page, key: "failures", view: { $0 }, cursor: { String($0.seq) }) { failures in
                RecoveryCSV.projectionFailures(failures)
            }
        }
        group.post("projection/failures/:seq/retry") { _, context in
            let text = try context.parameters.require("seq")
            guard let seq = Int64(text), seq > 0 else {
                throw APIError(.badRequest, "invalid_parameter", "seq must be a positive integer, not '\(text)'")
            }
            switch try await log.retryProjection(seq: seq, now: clock.nowSeconds()) {
            case .applied:
                return try JSONResponse.api(.ok, Applied(seq: seq, status: "applied"))
            case .failedAgain(let error):
                throw APIError(.conflict, "projection_failed", "event \(seq) failed again: \(error)")
            case .notFound:
                throw APIError(.notFound, "not_found", "no unresolved projection failure at seq \(seq)")
            }
        }
    }
}
