/// The configuration the report needs: MRR bands for segments and exchange rates.
public struct ReportSettings: Sendable, Hashable {
    public var bands: SegmentBands
    /// Bands are compared in `rates.base`; other currencies are converted first when a rate exists.
    public var rates: CurrencyRates

    public static let standard = ReportSettings(bands: .standard, rates: CurrencyRates())

    public init(bands: SegmentBands, rates: CurrencyRates) {
        self.bands = bands
        self.rates = rates
    }
}

/// Why a report cannot be computed as asked.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    case missingRate(currency: String, base: String)
    case invalidPeriod(from: Int64, to: Int64)

    public var description: String {
        switch self {
        case .missingRate(let currency, let base):
            "no exchange rate for \(currency.uppercased()) (rates are quoted in \(base.uppercased()); set reports.rates, e.g. \(currency.lowercased())=1.08)"
        case .invalidPeriod(let from, let to):
            "the period must end after it starts (from \(from), to \(to))"
        }
    }
}
