/// An amount in integer minor units (cents) with its lowercase ISO 4217 currency.
public struct Money: Sendable, Hashable, Codable {
    public var amount: Int64
    public var currency: String

    public init(_ amount: Int64, _ currency: String) {
        self.amount = amount
        self.currency = currency.lowercased()
    }
}

extension Money: CustomStringConvertible {
    /// Two-decimal rendering for logs and tables; currencies without minor units are rare in billing.
    public var description: String {
        let sign = amount < 0 ? "-" : ""
        let absolute = amount.magnitude
        let units = absolute / 100
        let cents = absolute % 100
        return "\(sign)\(units).\(cents < 10 ? "0" : "")\(cents) \(currency.uppercased())"
    }
}
