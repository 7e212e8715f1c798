import Hummingbird
import LifelineCore
import LifelineStore

/// The recovery log for finance ops under `/api/v1`: cases with their timelines, customers,
/// actions, and sending a dead action again. JSON, or CSV with `?format=csv`.
struct RecoveryLogRoutes {
    let log: any RecoveryLogStore
    let clock: any WallClock

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.get("cases") { request, _ in
            let status = try Self.parse(CaseStatus.self, request.uri.queryParameters.get("status"), name: "status")
            let category = try Self.parse(FailureCategory.self, request.uri.queryParameters.get("category"), name: "category")
            let cases = try await log.cases(status: status, category: category)
            if Self.wantsCSV(request) { return CSVResponse.make(RecoveryCSV.cases(cases)) }
            return try JSONResponse.api(.ok, ["cases": cases])
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
            let status = try Self.parse(ActionStatus.self, request.uri.queryParameters.get("status"), name: "status")
            let actions = try await log.actions(status: status)
            if Self.wantsCSV(request) { return CSVResponse.make(RecoveryCSV.actions(actions)) }
            return try JSONResponse.api(.ok, ["actions": actions.map(ActionView.init)])
        }
        group.get("actions/:id/attempts") { _, context in
            let id = try context.parameters.require("id")
            return try JSONResponse.api(.ok, ["attempts": try await log.attempts(actionID: id)])
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

    static func wantsCSV(_ request: Request) -> Bool {
        request.uri.queryParameters.get("format") == "csv"
    }

    /// An optional enum filter; a value that is not one of its cases is a 400 naming the choices.
    static func parse<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, _ raw: String?, name: String) throws -> Value? where Value.RawValue == String {
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = Value(rawValue: raw) else {
            let choices = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.badRequest, "invalid_parameter", "\(name) must be one of \(choices)")
        }
        return value
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
