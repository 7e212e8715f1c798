import LifelineCore

/// Where reports read the ledger and the cases from; fetching is the store's job, maths the core's.
public protocol ReportSource: Sendable {
    /// Movements before `until` (oldest first), every customer, case, delivered action kind and
    /// payment-failure time.
    func reportInput(until: Int64) async throws -> ReportInput
}
