import Foundation
import LifelineCore

/// The demo's scenario: Lifeline generic events in `Webhooks/demo`, played in time order.
enum DemoScenario {
    struct Step {
        var file: String
        var body: [UInt8]
        var event: BillingEvent
        /// Told on screen; the simulated portfolio plays silently around the four stories.
        var narrated: Bool
        var time: Int64 { event.occurredAt }
    }

    /// The four hand-written stories of `directory`.
    static func load(directory: String) throws -> [Step] {
        try WebhookReplayer.files(in: directory).map { url in
            let body = Array(try Data(contentsOf: url))
            return Step(file: url.lastPathComponent, body: body, event: try JSONDecoder().decode(BillingEvent.self, from: Data(body)), narrated: true)
        }
    }

    /// A small synthetic portfolio over the same months, so the reports have a cohort to measure.
    static func portfolio(customers: Int, start: Int64, months: Int) throws -> [Step] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let events = PortfolioSimulator.events(SimulationParameters(customers: customers, months: months, seed: 2026, start: start))
        return try events.enumerated().map { position, event in
            Step(file: "simulated-\(position)", body: Array(try encoder.encode(event)), event: event, narrated: false)
        }
    }

    /// Stories and portfolio in one timeline.
    static func merged(_ parts: [[Step]]) -> [Step] {
        parts.flatMap { $0 }.sorted { ($0.time, $0.file) < ($1.time, $1.file) }
    }
}
