/// Replays the movement ledger once to find the cohort with MRR > 0 at `from` and what moved it.
public enum CohortReplay {
    /// A customer's MRR is tracked per currency: amounts in two currencies never mix here.
    struct Key: Hashable {
        var customerID: String
        var currency: String
    }

    /// Movements at or after `period.to` are ignored; the input may be in any order.
    public static func members(_ movements: [MRRMovement], period: ReportPeriod) -> [CohortMember] {
        if isChronological(movements) { return replay(movements, period: period) }
        // Stable: movements at the same second keep their ledger order.
        let ordered = movements.enumerated()
            .sorted { ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset) }
            .map(\.element)
        return replay(ordered, period: period)
    }

    static func isChronological(_ movements: [MRRMovement]) -> Bool {
        var previous = Int64.min
        for movement in movements {
            if movement.occurredAt < previous { return false }
            previous = movement.occurredAt
        }
        return true
    }

    /// One pass: by the time a movement inside the period is seen, the customer's start is final.
    static func replay(_ movements: [MRRMovement], period: ReportPeriod) -> [CohortMember] {
        // Slots are found by customer alone (one hash per movement, the hot path of a million-row
        // report); a customer's other currencies hang off its first slot.
        var firstSlot: [String: Int] = Dictionary(minimumCapacity: movements.count / 8)
        var nextSlot: [Int] = []
        var states: [CohortMember] = []
        for movement in movements where movement.occurredAt < period.to {
            var slot: Int
            if let first = firstSlot[movement.customerID] {
                slot = first
                while states[slot].currency != movement.currency {
                    if nextSlot[slot] < 0 {
                        nextSlot[slot] = states.count
                        slot = states.count
                        nextSlot.append(-1)
                        states.append(CohortMember(customerID: movement.customerID, currency: movement.currency, startMRR: 0, endMRR: 0, flows: MRRFlows()))
                        break
                    }
                    slot = nextSlot[slot]
                }
            } else {
                slot = states.count
                firstSlot[movement.customerID] = slot
                nextSlot.append(-1)
                states.append(CohortMember(customerID: movement.customerID, currency: movement.currency, startMRR: 0, endMRR: 0, flows: MRRFlows()))
            }
            if movement.occurredAt < period.from {
                states[slot].startMRR = movement.mrrAfter
            } else if states[slot].startMRR > 0 {
                states[slot].flows.add(movement.kind, delta: movement.mrrAfter - movement.mrrBefore)
            }
            states[slot].endMRR = movement.mrrAfter
        }
        return states.filter { $0.startMRR > 0 }
    }
}
