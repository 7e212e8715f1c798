import ArgumentParser
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore

struct Cases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The recovery log: every case, or one case's full timeline with --id."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "open, acting, recovered, lost or closed.")
    var status: String?

    @Option(help: "cash_flow, technical, payment_method, hard_decline or voluntary_dispute.")
    var category: String?

    @Option(help: "Show this case's timeline, actions and delivery attempts.")
    var id: String?

    func run() async throws {
        let statusFilter = try status.map { value in
            guard let parsed = CaseStatus(rawValue: value) else {
                throw ValidationError("--status must be one of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return parsed
        }
        let categoryFilter = try category.map { value in
            guard let parsed = FailureCategory(rawValue: value) else {
                throw ValidationError("--category must be one of \(FailureCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return parsed
        }
        let configuration = try await ConfigurationLoader.load(path: options.config)
        let store = try await openStore(configuration)
        if let id {
            guard let detail = try await store.caseDetail(id: id) else { throw ValidationError("no case \(id)") }
            print(RecoveryLogReport.timeline(detail))
        } else {
            print(RecoveryLogReport.cases(try await store.cases(status: statusFilter, category: categoryFilter)))
        }
    }
}
