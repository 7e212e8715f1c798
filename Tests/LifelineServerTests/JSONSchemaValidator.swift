import Foundation

/// The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that `docs/openapi.json` uses:
/// `$ref` into the document, `type` (one or several), `properties`, `required`,
/// `additionalProperties` (false or a schema), `items`, `enum`, `oneOf`, `anyOf`, `not`,
/// `minimum`, `maximum`, `minLength`, `maxLength`, `pattern`, and the `date` format. A keyword
/// it does not know fails the validation, so the document cannot use one unchecked.
struct JSONSchemaValidator {
    let document: JSONValue

    static let known: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "oneOf", "anyOf", "not",
        "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "description", "default",
    ]

    /// Every way `value` breaks `schema`, each with its JSON path; empty when it conforms.
    func errors(_ value: JSONValue, _ schemaValue: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let schema) = schemaValue else { return ["\(path): the schema is not an object"] }
        if let unknown = schema.keys.first(where: { !Self.known.contains($0) }) {
            return ["\(path): the validator does not know the keyword \(unknown)"]
        }
        if case .string(let reference)? = schema["$ref"] {
            guard let target = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
            return errors(value, target, at: path)
        }
        var found: [String] = []
        if let types = schema["type"] {
            let allowed: [String] = switch types {
            case .string(let one): [one]
            case .array(let several): several.compactMap(\.string)
            default: []
            }
            guard allowed.contains(where: value.isOfType) else {
                return ["\(path): \(value.short) is not of type \(allowed.joined(separator: " or "))"]
            }
        }
        if case .array(let choices)? = schema["enum"], !choices.contains(value) {
            found.append("\(path): \(value.short) is not one of the enum values")
        }
        if case .object(let object) = value {
            let properties = schema["properties"]?.objectValue ?? [:]
            for case .string(let name) in schema["required"]?.arrayValue ?? [] where object[name] == nil {
                found.append("\(path): the required property \(name) is missing")
            }
            for (name, item) in object.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    found += errors(item, property, at: "\(path).\(name)")
                } else if let additional = schema["additionalProperties"] {
                    if case .bool(let allowed) = additional {
                        if !allowed { found.append("\(path): the property \(name) is not in the schema") }
                    } else {
                        found += errors(item, additional, at: "\(path).\(name)")
                    }
                }
            }
        }
        if case .array(let array) = value, let items = schema["items"] {
            for (index, item) in array.enumerated() { found += errors(item, items, at: "\(path)[\(index)]") }
        }
        if case .string(let string) = value {
            if let minimum = schema["minLength"]?.number, Double(string.count) < minimum { found.append("\(path): shorter than \(minimum)") }
            if let maximum = schema["maxLength"]?.number, Double(string.count) > maximum { found.append("\(path): longer than \(maximum)") }
            if let pattern = schema["pattern"]?.string, string.range(of: pattern, options: .regularExpression) == nil {
                found.append("\(path): \"\(string)\" does not match \(pattern)")
            }
            if schema["format"]?.string == "date", string.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
                found.append("\(path): \"\(string)\" is not a date")
            }
        }
        if let number = value.number {
            if let minimum = schema["minimum"]?.number, number < minimum { found.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"]?.number, number > maximum { found.append("\(path): above \(maximum)") }
        }
        if let options = schema["oneOf"]?.arrayValue {
            let passing = options.filter { errors(value, $0, at: path).isEmpty }.count
            if passing != 1 { found.append("\(path): matches \(passing) of the oneOf schemas, not exactly one") }
        }
        if let options = schema["anyOf"]?.arrayValue, !options.contains(where: { errors(value, $0, at: path).isEmpty }) {
            found.append("\(path): matches none of the anyOf schemas")
        }
        if let excluded = schema["not"], errors(value, excluded, at: path).isEmpty {
            found.append("\(path): matches the schema it must not")
        }
        return found
    }

    /// `#/components/schemas/Name` and any other JSON pointer into the document.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = document
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node.objectValue?[key] else { return nil }
            node = next
        }
        return node
    }
}

/// A JSON value as `JSONDecoder` reads it: booleans stay apart from numbers.
enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    subscript(key: String) -> JSONValue? { objectValue?[key] }

    var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    func isOfType(_ type: String) -> Bool {
        switch (type, self) {
        case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .double),
             ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .double(let value)): value.rounded() == value
        default: false
        }
    }

    var short: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .integer(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): "\"\(value.prefix(60))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
