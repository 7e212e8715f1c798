import ArgumentParser
import LifelineCLI
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revenue reports read straight from the store.",
        subcommands: [NRR.self]
    )

    struct NRR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nrr",
            abstract: "NRR, GRR and NRR recovered for the cohort with MRR at --from, over [--from, --to)."
        )

        @Option(help: "Start of the period: YYYY-MM-DD (UTC) or Unix seconds.")
        var from: String

        @Option(help: "End of the period, excluded: YYYY-MM-DD (UTC) or Unix seconds.")
        var to: String

        @Option(name: .customLong("group-by"), help: "segment, cohort or none.")
        var groupBy: String = "segment"

        @Option(help: "table, json or csv.")
        var format: String = "table"

        @Option(help: "Convert every amount into this currency (rates from reports.rates).")
        var currency: String?

        @OptionGroup var options: ConfigOption

        func validate() throws {
            do {
                _ = try ReportRequest(from: from, to: to, groupBy: groupBy, currency: currency).query()
            } catch {
                throw ValidationError(error.detail)
            }
            guard format == "table" || ReportFormat(rawValue: format) != nil else {
                throw ValidationError("--format must be table, json or csv, got \"\(format)\"")
            }
        }

        func run() async throws {
            let query = try ReportRequest(from: from, to: to, groupBy: groupBy, currency: currency).query()
            let configuration = try await ConfigurationLoader.load(path: options.config)
            let settings = configuration.reports
            let source: any ReportSource = try await openExistingStore(configuration)
            let service = ReportService(source: source, settings: settings)
            do {
                if format == "table" {
                    print(NRRReportTable.render(try await service.report(query)))
                } else if let machine = ReportFormat(rawValue: format) {
                    // The same bytes GET /api/v1/reports/nrr sends.
                    print(try await service.render(query, format: machine), terminator: "")
                }
            } catch let error as ReportError {
                throw CommandFailure(error.description)
            }
        }
    }
}
