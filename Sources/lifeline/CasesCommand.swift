import ArgumentParser
import LifelineCLI
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

    func validate() throws {
        if let status, CaseStatus(rawValue: status) == nil {
            throw ValidationError("--status must be one of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(status)\"")
        }
        if let category, FailureCategory(rawValue: category) == nil {
            throw ValidationError("--category must be one of \(FailureCategory.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(category)\"")
        }
    }

    func run() async throws {
        let statusFilter = status.flatMap(CaseStatus.init(rawValue:))
        let categoryFilter = category.flatMap(FailureCategory.init(rawValue:))
        let configuration = try await ConfigurationLoader.load(path: options.config)
        let store = try await openExistingStore(configuration)
        if let id {
            guard let detail = try await store.caseDetail(id: id) else { throw CommandFailure("no case \(id)") }
            print(RecoveryLogReport.timeline(detail))
        } else {
            print(RecoveryLogReport.cases(try await store.cases(status: statusFilter, category: categoryFilter)))
        }
    }
}
