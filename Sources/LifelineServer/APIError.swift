import Foundation
import HTTPTypes
import Hummingbird

/// Every refusal is JSON `{ "error": "...", "detail": "..." }` with the matching status.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var error: String
    public var detail: String
    /// Sent with the body, e.g. `Allow` on a 405.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ error: String, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(status, ["error": error, "detail": detail])
        response.headers.append(contentsOf: headers)
        return response
    }
}

/// Encodes a value as a JSON response with stable key order.
enum JSONResponse {
    /// Reused for every response: its settings never change after this.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let apiEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .custom { path in SnakeCaseKey(path.last?.stringValue ?? "") }
        return encoder
    }()

    /// Admin API bodies: snake_case keys, like the webhook formats.
    static func api(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let data = try apiEncoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func make(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// A CSV body, for spreadsheets.
enum CSVResponse {
    static func make(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

/// A coding key in snake_case that keeps acronyms whole: `invoiceIDs` → `invoice_ids`,
/// `customerID` → `customer_id`, `httpStatus` → `http_status` (Foundation's
/// `.convertToSnakeCase` gives `invoice_i_ds`).
struct SnakeCaseKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ camel: String) { stringValue = Self.convert(camel) }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    static func convert(_ camel: String) -> String {
        let characters = Array(camel)
        var words: [String] = []
        var word = ""
        func flush() {
            if !word.isEmpty { words.append(word.lowercased()) }
            word = ""
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "_" {
                flush()
                index += 1
                continue
            }
            guard character.isUppercase else {
                word.append(character)
                index += 1
                continue
            }
            flush()
            var end = index
            while end < characters.count, characters[end].isUppercase { end += 1 }
            if end - index == 1 {
                // A capitalised word: its lowercase letters follow.
                word.append(character)
                index = end
                continue
            }
            let next = end < characters.count ? characters[end] : nil
            if next == "s", end + 1 == characters.count || !characters[end + 1].isLowercase {
                // A plural acronym: `IDs`.
                word = String(characters[index..<end]) + "s"
                index = end + 1
            } else if let next, next.isLowercase {
                // `HTTPStatus`: the last capital starts the next word.
                word = String(characters[index..<(end - 1)])
                index = end - 1
            } else {
                word = String(characters[index..<end])
                index = end
            }
            flush()
        }
        flush()
        return words.joined(separator: "_")
    }
}
