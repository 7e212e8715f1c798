import Configuration
import Foundation
import LifelineCore
import SystemPackage

/// Reads the report keys: `segments.bands` ("TPE < 10000", …, "enterprise"; minor units of the
/// base currency), `reports.base_currency` and `reports.rates` ("usd=0.92": 1 USD = 0.92 base),
/// from the YAML file under environment overrides (`SEGMENTS_BANDS`, `REPORTS_RATES`, comma-separated).
public enum ReportSettingsLoader {
    public static func load(path: String?, environment: [String: String]? = nil) async throws -> ReportSettings {
        var providers: [any ConfigProvider] = []
        if let environment {
            providers.append(EnvironmentVariablesProvider(environmentVariables: environment))
        } else {
            providers.append(EnvironmentVariablesProvider())
        }
        if let path {
            guard FileManager.default.fileExists(atPath: path) else { throw ConfigurationLoader.LoadError.missingFile(path) }
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(path)))
        }
        return try resolve(ConfigReader(providers: providers))
    }

    /// Missing keys fall back to the standard bands and no rates.
    public static func resolve(_ config: ConfigReader) throws -> ReportSettings {
        var bands = SegmentBands.standard
        if let texts = config.stringArray(forKey: "segments.bands"), !texts.isEmpty {
            var parsed: [SegmentBand] = []
            for text in texts {
                guard let band = SegmentBand.parse(text) else {
                    throw ConfigurationLoader.LoadError.invalid(key: "segments.bands", problem: "\"\(text)\" is not \"NAME < MRR\" or \"NAME\"")
                }
                parsed.append(band)
            }
            let bounds = parsed.compactMap(\.upperBound)
            guard bounds == bounds.sorted(), Set(bounds).count == bounds.count, parsed.dropLast().allSatisfy({ $0.upperBound != nil }) else {
                throw ConfigurationLoader.LoadError.invalid(key: "segments.bands", problem: "bounds must increase and only the last band may be open-ended")
            }
            bands = SegmentBands(parsed)
        }
        let base = (config.string(forKey: "reports.base_currency") ?? "eur").lowercased()
        var rates: [String: Int64] = [:]
        for text in config.stringArray(forKey: "reports.rates") ?? [] where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let rate = CurrencyRates.parse(text) else {
                throw ConfigurationLoader.LoadError.invalid(key: "reports.rates", problem: "\"\(text)\" is not \"xxx=1.2345\" (up to 6 decimals)")
            }
            rates[rate.currency] = rate.perMillion
        }
        return ReportSettings(bands: bands, rates: CurrencyRates(base: base, perMillion: rates))
    }
}
