import Foundation
import LifelineCore

/// A CSV row of Lifeline's generic event → its JSON form, for `lifeline import file`. Each
/// header is a path into the event (`customer.id`, `invoice.amount_due`,
/// `subscription.items.0.unit_amount`, `customer.metadata.segment`); an empty cell is absent.
/// Cells are typed by the JSON Schema (`Webhooks/schema/billing-event.schema.json`): integers,
/// numbers and booleans where the schema says so, text everywhere else.
public enum GenericEventCSV {
    public enum Kind: Sendable, Equatable { case integer, number, boolean }

    /// The schema's non-text leaves; array indices written `N`.
    public static let typedPaths: [String: Kind] = [
        "occurred_at": .integer,
        "invoice.amount_due": .integer, "invoice.amount_paid": .integer, "invoice.amount_remaining": .integer,
        "invoice.due_at": .integer, "invoice.period_start": .integer, "invoice.period_end": .integer,
        "payment.amount": .integer, "payment.attempt": .integer, "payment.next_attempt_at": .integer,
        "subscription.items.N.unit_amount": .integer, "subscription.items.N.quantity": .integer,
        "subscription.items.N.interval_count": .integer,
        "subscription.discount.percent_off": .number, "subscription.discount.amount_off": .integer,
        "subscription.trial_end": .integer, "subscription.started_at": .integer,
        "subscription.cancel_at_period_end": .boolean,
        "dispute.amount": .integer,
    ]

    public enum HeaderError: Error, Equatable, CustomStringConvertible {
        case empty
        case badPath(column: Int, header: String)
        case repeated(String)

        public var description: String {
            switch self {
            case .empty: "the CSV has no header row"
            case .badPath(let column, let header): "header column \(column) \"\(header)\" is not a path into the event (like customer.id or subscription.items.0.unit_amount)"
            case .repeated(let header): "header \"\(header)\" appears twice"
            }
        }
    }

    /// The header row checked: every column a dotted path of names and indices.
    public static func check(header: [String]) throws(HeaderError) -> [[String]] {
        guard !header.isEmpty, header.contains(where: { !$0.isEmpty }) else { throw .empty }
        var seen = Set<String>()
        return try header.enumerated().map { (column, text) throws(HeaderError) -> [String] in
            let path = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }), Int(path[0]) == nil else { throw .badPath(column: column + 1, header: text) }
            guard seen.insert(path.joined(separator: ".")).inserted else { throw .repeated(text) }
            return path
        }
    }

    /// One row as the generic event's JSON bytes; the error names the column and what it expected.
    public static func json(paths: [[String]], cells: [String]) throws(WebhookRejection) -> [UInt8] {
        guard cells.count == paths.count else {
            throw .malformed("\(cells.count) cells for \(paths.count) header columns")
        }
        var root: Any = [String: Any]()
        for (path, cell) in zip(paths, cells) where !cell.isEmpty {
            let value = try typed(cell, at: path)
            root = set(value, at: path[...], in: root)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: compact(root), options: [.sortedKeys]) else {
            throw .malformed("the row is not a JSON object")
        }
        return Array(data)
    }

    static func typed(_ cell: String, at path: [String]) throws(WebhookRejection) -> Any {
        let key = path.map { Int($0) == nil ? $0 : "N" }.joined(separator: ".")
        switch typedPaths[key] {
        case .integer:
            guard let value = Int64(cell) else { throw .malformed("\(path.joined(separator: ".")): expected an integer, got \"\(cell)\"") }
            return value
        case .number:
            guard let value = Double(cell), value.isFinite else { throw .malformed("\(path.joined(separator: ".")): expected a number, got \"\(cell)\"") }
            return value
        case .boolean:
            switch cell.lowercased() {
            case "true": return true
            case "false": return false
            default: throw .malformed("\(path.joined(separator: ".")): expected true or false, got \"\(cell)\"")
            }
        case nil:
            return cell
        }
    }

    /// Objects are dictionaries; an index makes an array (as a dictionary keyed by index until `compact`).
    static func set(_ value: Any, at path: ArraySlice<String>, in node: Any) -> Any {
        guard let head = path.first else { return value }
        var object = node as? [String: Any] ?? [:]
        object[head] = set(value, at: path.dropFirst(), in: object[head] as Any)
        return object
    }

    /// Dictionaries whose keys are all indices become arrays, in index order.
    static func compact(_ node: Any) -> Any {
        guard let object = node as? [String: Any] else { return node }
        let indices = object.keys.compactMap(Int.init)
        if !object.isEmpty, indices.count == object.count {
            return indices.sorted().map { compact(object[String($0)] as Any) }
        }
        return object.mapValues(compact)
    }
}
