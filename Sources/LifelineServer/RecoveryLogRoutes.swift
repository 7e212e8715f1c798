import Hummingbird
import LifelineCore
import LifelineStore

/// The recovery log for finance ops under `/api/v1`: cases with their timelines, customers,
/// actions, and sending a dead action again. Lists are paged (`ListRequest`) and answer JSON,
/// or CSV with `?format=csv`.
struct RecoveryLogRoutes {
    let log: any RecoveryLogStore
    let clock: any WallClock

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.get("cases") { request, _ in
            let status = try ListRequest.choice(CaseStatus.self, request, name: "status")
            let category = try ListRequest.choice(FailureCategory.self, request, name: "category")
            let list = try ListRequest(request)
            let page = try await Self.paging { try await log.cases(status: status, category: category, page: list.page) }
            return try await list.respond(page, key: "cases", view: { $0 }, cursor: \.id) { cases in
                RecoveryCSV.cases(cases, names: try await log.customerNames(ids: Set(cases.map(\.customerID))))
            }
        }
        group.get("cases/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let detail = try await log.caseDetail(id: id) else {
                throw APIError(.notFound, "not_found", "no case \(id)")
            }
            return try JSONResponse.api(.ok, detail)
        }
        group.get("customers/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let detail = try await log.customerDetail(id: id) else {
                throw APIError(.notFound, "not_found", "no customer \(id)")
            }
            return try JSONResponse.api(.ok, detail)
        }
        group.get("actions") { request, _ in
            let status = try ListRequest.choice(ActionStatus.self, request, name: "status")
            let list = try ListRequest(request)
            let page = try await Self.paging { try await log.actions(status: status, page: list.page) }
            return try await list.respond(page, key: "actions", view: ActionView.init, cursor: \.id) { actions in
                RecoveryCSV.actions(actions, names: try await log.customerNames(ids: Set(actions.map(\.customerID))))
            }
        }
        group.get("actions/:id/attempts") { request, context in
            let id = try context.parameters.require("id")
            let list = try ListRequest(request, cursor: .positiveInteger)
            guard let page = try await Self.paging({ try await log.attempts(actionID: id, page: list.page) }) else {
                throw APIError(.notFound, "not_found", "no action \(id)")
            }
            return try await list.respond(page, key: "attempts", view: AttemptView.init, cursor: { String($0.id) }) { attempts in
                RecoveryCSV.attempts(attempts)
            }
        }
        group.post("actions/:id/retry") { _, context in
            let id = try context.parameters.require("id")
            switch try await log.retryAction(id: id, now: clock.nowSeconds()) {
            case .scheduled(let action):
                return try JSONResponse.api(.accepted, ActionView(action))
            case .notFound:
                throw APIError(.notFound, "not_found", "no action \(id)")
            case .notRetryable(let status):
                throw APIError(.conflict, "not_retryable", "action \(id) is \(status.rawValue); only dead or cancelled actions can be sent again")
            }
        }
    }

    /// Runs a list query; a `starting_after` that names nothing is a 404.
    static func paging<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as UnknownCursor {
            throw APIError(.notFound, "not_found", error.description)
        }
    }
}

/// An action as the API shows it: the payload is what the peer received, so it stays, parsed.
struct ActionView: Encodable {
    let action: RecoveryAction

    init(_ action: RecoveryAction) {
        self.action = action
    }

    func encode(to encoder: any Encoder) throws {
        try action.encode(to: encoder)
    }
}

/// A delivery attempt with its id, the cursor of the attempts list.
struct AttemptView: Encodable {
    let stored: StoredAttempt

    init(_ stored: StoredAttempt) {
        self.stored = stored
    }

    func encode(to encoder: any Encoder) throws {
        try stored.attempt.encode(to: encoder)
        var container = encoder.container(keyedBy: ListEnvelope<Int>.Key.self)
        try container.encode(stored.id, forKey: .init("id"))
    }
}
