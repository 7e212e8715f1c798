/// Exchange rates into one base currency, in millionths, so conversion stays in integers.
public struct CurrencyRates: Sendable, Hashable {
    public static let scale: Int64 = 1_000_000

    /// Lowercase ISO code all rates are quoted in.
    public var base: String
    /// Base-currency units per unit of each currency, times 1,000,000 (usd: 920_000 = 0.92 EUR).
    public var perMillion: [String: Int64]

    public init(base: String = "eur", perMillion: [String: Int64] = [:]) {
        self.base = base.lowercased()
        self.perMillion = Dictionary(uniqueKeysWithValues: perMillion.map { ($0.key.lowercased(), $0.value) })
    }

    /// The rate of one currency, 1,000,000 for the base itself.
    public func rate(_ currency: String) -> Int64? {
        let code = currency.lowercased()
        return code == base ? Self.scale : perMillion[code]
    }

    /// `amount` of `source` in `target`, rounded half away from zero to the minor unit.
    public func convert(_ amount: Int64, from source: String, to target: String) throws(ReportError) -> Int64 {
        if source.lowercased() == target.lowercased() { return amount }
        guard let sourceRate = rate(source) else { throw .missingRate(currency: source, base: base) }
        guard let targetRate = rate(target) else { throw .missingRate(currency: target, base: base) }
        // amount × source/target, both quoted in the base: cross rates without Double.
        guard let ratio = Ratio(amount, over: targetRate) else { throw .missingRate(currency: target, base: base) }
        return ratio.scaled(by: sourceRate)
    }

    /// Parses `"usd=0.92"`: up to six decimals, exactly.
    public static func parse(_ text: String) -> (currency: String, perMillion: Int64)? {
        let parts = text.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmed }
        guard parts.count == 2, parts[0].utf8.count == 3, let value = decimalMillionths(parts[1]), value > 0 else { return nil }
        return (parts[0].lowercased(), value)
    }

    /// "0.92" → 920_000, with no floating point on the way.
    static func decimalMillionths(_ text: String) -> Int64? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), let whole = Int64(pieces[0].isEmpty ? "0" : String(pieces[0])), whole >= 0 else { return nil }
        var fraction: Int64 = 0
        if pieces.count == 2 {
            let digits = pieces[1]
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), let value = Int64(digits) else { return nil }
            fraction = value
            for _ in digits.count..<6 { fraction *= 10 }
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        return scaled + fraction
    }
}
