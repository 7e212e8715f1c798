/// What to simulate: how many customers, how long, from when, with which seed.
public struct SimulationParameters: Sendable, Hashable {
    public var customers: Int
    public var months: Int
    public var seed: UInt64
    /// First simulated day (Unix seconds, UTC).
    public var start: Int64
    public var currency: String
    public var profiles: [SegmentProfile]

    public init(
        customers: Int, months: Int, seed: UInt64, start: Int64, currency: String = "eur",
        profiles: [SegmentProfile] = SegmentProfile.standard
    ) {
        self.customers = customers
        self.months = months
        self.seed = seed
        self.start = start
        self.currency = currency.lowercased()
        self.profiles = profiles
    }

    /// The first second after the simulation.
    public var end: Int64 { SimulationCalendar.monthsAfter(start, months) }
}

/// A synthetic subscription portfolio as Lifeline generic events, oldest first: pure, so the
/// same parameters always give the same events.
public enum PortfolioSimulator {
    public static func events(_ parameters: SimulationParameters) -> [BillingEvent] {
        var timed: [(time: Int64, customer: Int, sequence: Int, event: BillingEvent)] = []
        for index in 0..<max(0, parameters.customers) {
            var simulation = CustomerSimulation(index: index, parameters: parameters)
            simulation.run()
            for (sequence, event) in simulation.events.enumerated() where event.occurredAt < parameters.end {
                timed.append((event.occurredAt, index, sequence, event))
            }
        }
        timed.sort { ($0.time, $0.customer, $0.sequence) < ($1.time, $1.customer, $1.sequence) }
        return timed.map(\.event)
    }

    /// `000042-payment.failed.json`: zero-padded so name order is time order for `lifeline replay`.
    public static func fileName(position: Int, total: Int, type: String) -> String {
        let width = max(6, String(max(total, 1)).count)
        let number = String(position)
        return String(repeating: "0", count: max(0, width - number.count)) + number + "-" + type + ".json"
    }
}

/// Calendar steps in UTC for billing cycles.
public enum SimulationCalendar {
    public static let day: Int64 = 86_400

    /// The same day of month and time of day, `months` later (days past the 28th are clamped).
    public static func monthsAfter(_ seconds: Int64, _ months: Int) -> Int64 {
        let date = UTCDate(unixSeconds: seconds)
        let timeOfDay = seconds - date.unixSeconds()
        let index = date.year * 12 + (date.month - 1) + months
        let year = index / 12
        let month = index - year * 12 + 1
        let dayOfMonth = min(date.day, UTCDate.daysInMonth(year: year, month: month))
        return UTCDate(year: year, month: month, day: dayOfMonth).unixSeconds() + timeOfDay
    }
}

extension PortfolioSimulator {
    /// Customers per segment, as drawn (tagged in metadata or not).
    public static func segments(_ parameters: SimulationParameters) -> [String: Int] {
        var counts: [String: Int] = [:]
        for index in 0..<max(0, parameters.customers) {
            counts[CustomerSimulation(index: index, parameters: parameters).profile.name, default: 0] += 1
        }
        return counts
    }
}
