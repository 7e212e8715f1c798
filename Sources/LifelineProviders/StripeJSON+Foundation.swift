import Foundation
import LifelineCore

/// Builds the tree from Foundation's `JSONSerialization`, about seven times faster than the
/// `Decodable` conformance, whose probing by `try?` builds an error for most values.
extension StripeJSON {
    static func parseFast(_ body: [UInt8]) throws(WebhookRejection) -> StripeJSON {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(body), options: .fragmentsAllowed)
        } catch {
            throw .malformed("body is not valid JSON")
        }
        return StripeJSON(foundation: object)
    }

    private static let stringType = ObjectIdentifier(String.self)
    private static let objectType = ObjectIdentifier([String: Any].self)
    private static let arrayType = ObjectIdentifier([Any].self)
    private static let booleanType = ObjectIdentifier(type(of: NSNumber(value: true)))
    private static let numberType = ObjectIdentifier(NSNumber.self)
    private static let nullType = ObjectIdentifier(NSNull.self)

    /// The same values as the `Decodable` conformance: integral numbers that fit `Int64` are
    /// `.integer`, whatever their spelling; other numbers `.fraction`.
    init(foundation value: Any) {
        // Exact-type checks first: dynamic casts from `Any` cost more than the parse itself.
        switch ObjectIdentifier(type(of: value)) {
        case Self.stringType:
            self = .string(value as! String)
        case Self.objectType:
            let fields = value as! [String: Any]
            var converted = [String: StripeJSON](minimumCapacity: fields.count)
            for (key, field) in fields { converted[key] = StripeJSON(foundation: field) }
            self = .object(converted)
        case Self.arrayType:
            self = .array((value as! [Any]).map(StripeJSON.init(foundation:)))
        case Self.nullType:
            self = .null
        case Self.numberType:
            self = Self.number(unsafeDowncast(value as AnyObject, to: NSNumber.self))
        default:
            self = Self.slowPath(value)
        }
    }

    private static func slowPath(_ value: Any) -> StripeJSON {
        switch value {
        case let value as NSNumber: return number(value)
        case let text as String: return .string(text)
        case let fields as [String: Any]: return .object(fields.mapValues(StripeJSON.init(foundation:)))
        case let items as [Any]: return .array(items.map(StripeJSON.init(foundation:)))
        default: return .null
        }
    }

    private static func number(_ number: NSNumber) -> StripeJSON {
        if ObjectIdentifier(type(of: number)) == booleanType { return .bool(number.boolValue) }
        if let decimal = number as? NSDecimalNumber {
            let value = decimal.decimalValue
            var rounded = Decimal()
            var source = value
            NSDecimalRound(&rounded, &source, 0, .plain)
            if rounded == value, value >= Decimal(Int64.min), value <= Decimal(Int64.max) { return .integer(decimal.int64Value) }
            return .fraction(decimal.doubleValue)
        }
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "d"), UInt8(ascii: "f"):
            let double = number.doubleValue
            if double.rounded() == double, double >= -9_223_372_036_854_775_808.0, double < 9_223_372_036_854_775_808.0 {
                return .integer(Int64(double))
            }
            return .fraction(double)
        case UInt8(ascii: "Q"), UInt8(ascii: "L"), UInt8(ascii: "I"), UInt8(ascii: "S"), UInt8(ascii: "C"):
            let unsigned = number.uint64Value
            return unsigned <= UInt64(Int64.max) ? .integer(Int64(unsigned)) : .fraction(number.doubleValue)
        default:
            return .integer(number.int64Value)
        }
    }
}
