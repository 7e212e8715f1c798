import Foundation
import LifelineCore
import LifelineStore

/// Runs reports for the API, the dashboard and the CLI, so all three print the same numbers.
public struct ReportService: Sendable {
    public let source: any ReportSource
    public let settings: ReportSettings

    public init(source: any ReportSource, settings: ReportSettings) {
        self.source = source
        self.settings = settings
    }

    public func report(_ query: ReportQuery) async throws -> NRRReport {
        let input = try await source.reportInput(until: query.period.to)
        return try NRRReportBuilder.build(input, query: query, settings: settings)
    }

    /// `--format json|csv` and `?format=`: the bytes the CLI prints are the bytes the API sends.
    public func render(_ query: ReportQuery, format: ReportFormat) async throws -> String {
        let report = try await report(query)
        return try format.render(report)
    }
}

/// The machine-readable report formats.
public enum ReportFormat: String, Sendable, CaseIterable {
    case json, csv

    public func render(_ report: NRRReport) throws -> String {
        switch self {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        case .csv:
            return report.csv
        }
    }

    public var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        }
    }
}
