extension PlaybookMatch {
    /// The clauses that made this match fit the context (`score 72 ≥ 50` …), or nil when any
    /// criterion fails; an empty list means the match has no criteria.
    public func explain(_ context: DecisionContext) -> [String]? {
        let recoveryCase = context.recoveryCase
        var clauses: [String] = []
        if let categories {
            guard categories.contains(recoveryCase.category) else { return nil }
            clauses.append("category \(recoveryCase.category.rawValue)")
        }
        guard Self.bounds("score", Int64(recoveryCase.stressScore), minScore.map(Int64.init), maxScore.map(Int64.init), into: &clauses),
              Self.bounds("amount", recoveryCase.amountDue, minAmount, maxAmount, into: &clauses),
              Self.bounds("tenure", Int64(context.tenureDays), minTenureDays.map(Int64.init), maxTenureDays.map(Int64.init), unit: " d", into: &clauses)
        else { return nil }
        if let segments {
            guard let segment = context.segment, segments.contains(segment) else { return nil }
            clauses.append("segment \(segment)")
        }
        return clauses
    }

    /// Checks inclusive bounds and records each one that applied.
    private static func bounds(_ label: String, _ value: Int64, _ low: Int64?, _ high: Int64?, unit: String = "", into clauses: inout [String]) -> Bool {
        if let low {
            guard value >= low else { return false }
            clauses.append("\(label) \(value)\(unit) ≥ \(low)")
        }
        if let high {
            guard value <= high else { return false }
            clauses.append("\(label) \(value)\(unit) ≤ \(high)")
        }
        return true
    }
}
