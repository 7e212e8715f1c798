/// An exact fraction for NRR, GRR and points: integers only, rounded once, when shown.
public struct Ratio: Sendable, Hashable {
    public let numerator: Int64
    /// Always positive.
    public let denominator: Int64

    /// Nil when the denominator is not positive: an empty cohort has no NRR.
    public init?(_ numerator: Int64, over denominator: Int64) {
        guard denominator > 0 else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value times `unit`, rounded half away from zero (10_000 → basis points).
    public func scaled(by unit: Int64) -> Int64 {
        // 128-bit product: MRR sums times 10^6 would overflow 64 bits on large portfolios.
        let product = Int128(numerator) * Int128(unit)
        let half = Int128(denominator) / 2
        let rounded = product >= 0
            ? (product + half) / Int128(denominator)
            : -((-product + half) / Int128(denominator))
        return Int64(rounded)
    }

    /// 1 % = 100 basis points.
    public var basisPoints: Int64 { scaled(by: 10_000) }

    /// The percentage with a fixed number of decimals, e.g. "102.00" (no % sign).
    public func percent(decimals: Int = 2) -> String {
        var unit: Int64 = 100
        for _ in 0..<decimals { unit *= 10 }
        let value = scaled(by: unit)
        let divisor = unit / 100
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let whole = magnitude / UInt64(divisor)
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let fraction = String(magnitude % UInt64(divisor))
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }
}

extension Ratio: Encodable {
    enum CodingKeys: String, CodingKey {
        case numerator, denominator, percent
        case basisPoints = "basis_points"
    }

    /// Exact parts for machines, rounded percent for people.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(numerator, forKey: .numerator)
        try container.encode(denominator, forKey: .denominator)
        try container.encode(basisPoints, forKey: .basisPoints)
        try container.encode(percent(decimals: 2), forKey: .percent)
    }
}

extension Optional where Wrapped == Ratio {
    /// "102.0 %" or "n/a" for an empty cohort.
    public func display(decimals: Int = 1, suffix: String = " %") -> String {
        map { $0.percent(decimals: decimals) + suffix } ?? "n/a"
    }
}
