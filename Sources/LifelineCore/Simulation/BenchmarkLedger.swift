/// A large synthetic movement ledger for the report benchmark: consistent MRR chains per
/// customer (each movement starts where the previous ended), generated without events.
public enum BenchmarkLedger {
    public struct Ledger: Sendable {
        public var customers: [CustomerRecord]
        /// Oldest first.
        public var movements: [MRRMovement]
    }

    /// `movements` spread over `customers` and `months` from `start`; deterministic per seed.
    public static func make(movements total: Int, customers count: Int, months: Int, start: Int64, seed: UInt64) -> Ledger {
        let count = max(1, min(count, total))
        let end = SimulationCalendar.monthsAfter(start, months)
        let span = end - start
        let segments = SegmentProfile.standard
        var customers: [CustomerRecord] = []
        customers.reserveCapacity(count)
        var movements: [MRRMovement] = []
        movements.reserveCapacity(total)
        for index in 0..<count {
            var rng = SplitMix64.stream(seed: seed, index: index)
            let profile = segments[weightedIndex(&rng, segments.map(\.weight))]
            let id = "cus_b\(index)"
            let moves = total / count + (index < total % count ? 1 : 0)
            // Half the customers exist before the second year starts; the rest sign up over the span.
            let signup = start + rng.int64(0...(span * 3 / 4))
            var times = (1..<max(1, moves)).map { _ in signup + 1 + rng.int64(0...max(1, end - signup - 2)) }
            times.sort()
            // Strictly increasing, so a customer's chain has one order whatever the sort does.
            for step in times.indices.dropFirst() where times[step] <= times[step - 1] { times[step] = times[step - 1] + 1 }
            var mrr: Int64 = 0
            let base = rng.int64(profile.seatPrice) * rng.int64(profile.seats)
            for (step, time) in ([signup] + times).enumerated() {
                let before = mrr
                let kind: MovementKind
                if step == 0 {
                    kind = .new
                    mrr = base
                } else if mrr == 0 {
                    kind = .reactivation
                    mrr = base
                } else {
                    switch rng.int(0...99) {
                    case ..<60:
                        kind = .expansion
                        mrr += max(100, mrr / Int64(rng.int(4...10)))
                    case ..<92 where mrr > 200:
                        kind = .contraction
                        mrr -= max(100, mrr / Int64(rng.int(5...12)))
                    case ..<97:
                        kind = .voluntaryChurn
                        mrr = 0
                    default:
                        kind = .involuntaryChurn
                        mrr = 0
                    }
                }
                movements.append(MRRMovement(
                    customerID: id, subscriptionID: "sub_b\(index)", currency: "eur", kind: kind,
                    mrrBefore: before, mrrAfter: mrr, occurredAt: time, eventID: "evt_b\(index)_\(step)"
                ))
            }
            customers.append(CustomerRecord(
                id: id, name: "Customer \(index)", segment: rng.chance(profile.taggedShare) ? profile.name : nil,
                firstSeenAt: signup, firstPaidAt: signup, lastEventAt: times.last ?? signup
            ))
        }
        movements.sort { $0.occurredAt < $1.occurredAt }
        return Ledger(customers: customers, movements: movements)
    }

    static func weightedIndex(_ rng: inout SplitMix64, _ weights: [Int]) -> Int {
        var roll = rng.int(0...max(0, weights.reduce(0, +) - 1))
        for (index, weight) in weights.enumerated() {
            if roll < weight { return index }
            roll -= weight
        }
        return weights.count - 1
    }
}
