import Foundation
import HTTPTypes
import Hummingbird
import LifelineCore
import LifelineStore
import NIOCore

/// The query of every list of the admin API: `limit`, `starting_after`, `from`, `to` and
/// `format`, checked once for all of them. A parameter given empty is refused like any other
/// bad value.
struct ListRequest {
    var page: PageRequest
    var format: ReportFormat

    /// How `starting_after` names an item: a text id (cases, actions) or a row number
    /// (attempts, projection failures).
    enum Cursor { case text, positiveInteger }

    init(_ request: Request, cursor: Cursor = .text) throws {
        let parameters = request.uri.queryParameters
        format = try Self.format(parameters.get("format"))
        page = PageRequest(limit: PageRequest.defaultLimit)
        if let text = parameters.get("limit") {
            guard let limit = Int(text), text.allSatisfy(\.isASCII), (1...PageRequest.maximumLimit).contains(limit) else {
                throw APIError(.badRequest, "invalid_parameter", "limit must be an integer from 1 to \(PageRequest.maximumLimit), got \"\(text)\"")
            }
            page.limit = limit
        }
        if let text = parameters.get("starting_after") {
            switch cursor {
            case .text:
                guard !text.isEmpty else {
                    throw APIError(.badRequest, "invalid_parameter", "starting_after must be the id of the last item of the previous page")
                }
            case .positiveInteger:
                guard let number = Int64(text), number > 0, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw APIError(.badRequest, "invalid_parameter", "starting_after must be the positive integer id of the last item of the previous page, got \"\(text)\"")
                }
            }
            page.startingAfter = text
        }
        page.from = try Self.time(parameters.get("from"), name: "from")
        page.to = try Self.time(parameters.get("to"), name: "to")
    }

    /// `json` (the default) or `csv`; anything else, empty included, is `invalid_format`.
    static func format(_ text: String?) throws -> ReportFormat {
        guard let text else { return .json }
        guard let format = ReportFormat(rawValue: text) else {
            throw APIError(.badRequest, "invalid_format", "format must be json or csv, got \"\(text)\"")
        }
        return format
    }

    /// A date filter: `YYYY-MM-DD` (midnight UTC), an RFC 3339 time or Unix seconds.
    static func time(_ text: String?, name: String) throws -> Int64? {
        guard let text else { return nil }
        guard let seconds = ReportDate.parse(text) else {
            throw APIError(
                .badRequest, "invalid_parameter",
                "\(name) must be a date YYYY-MM-DD (UTC), an ISO 8601 time such as 2026-11-23T12:00:00Z, or Unix seconds, got \"\(text)\""
            )
        }
        return seconds
    }

    /// An optional enum filter; a value that is not one of its cases, empty included, is a 400
    /// naming the choices.
    static func choice<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, _ request: Request, name: String) throws -> Value?
    where Value.RawValue == String {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Value(rawValue: raw) else {
            let choices = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.badRequest, "invalid_parameter", "\(name) must be one of \(choices), got \"\(raw)\"")
        }
        return value
    }

    /// The page as JSON (`{"<key>": [...], "has_more": …, "next_starting_after": …}`) or CSV,
    /// with the same two facts in headers either way.
    func respond<Item: Sendable, View: Encodable>(
        _ page: Page<Item>, key: String, view: (Item) -> View, cursor: (Item) -> String, csv: ([Item]) async throws -> String
    ) async throws -> Response {
        let next = page.hasMore ? page.items.last.map(cursor) : nil
        var response: Response
        switch format {
        case .json:
            response = try JSONResponse.api(.ok, ListEnvelope(key: key, items: page.items.map(view), hasMore: page.hasMore, next: next))
        case .csv:
            response = CSVResponse.make(try await csv(page.items))
        }
        response.headers[Self.hasMoreHeader] = page.hasMore ? "true" : "false"
        if let next { response.headers[Self.nextHeader] = next }
        return response
    }

    static let hasMoreHeader = HTTPField.Name("Lifeline-Has-More")!
    static let nextHeader = HTTPField.Name("Lifeline-Next-Starting-After")!
}

/// A list page's JSON body.
struct ListEnvelope<Item: Encodable>: Encodable {
    let key: String
    let items: [Item]
    let hasMore: Bool
    let next: String?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(key))
        try container.encode(hasMore, forKey: Key("has_more"))
        try container.encode(next, forKey: Key("next_starting_after"))
    }
}
