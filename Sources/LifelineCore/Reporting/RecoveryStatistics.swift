/// How the cases opened in one slice (a failure category, an action kind) ended.
public struct RecoveryBreakdown: Sendable, Hashable {
    public var key: String
    public var cases: Int = 0
    public var recovered: Int = 0
    public var lost: Int = 0
    public var closed: Int = 0
    /// Still open or acting at report time.
    public var pending: Int = 0
    /// Recoveries credited to this slice's action kind (for categories: all recoveries).
    public var attributed: Int = 0
    /// Seconds from opening to recovery of each recovered case.
    var recoverySeconds: [Int64] = []

    public init(key: String) {
        self.key = key
    }

    /// recovered / (recovered + lost + closed + still open); nil without cases.
    public var recoveryRate: Ratio? { Ratio(Int64(recovered), over: Int64(cases)) }

    /// Median seconds to recover; the lower-middle mean for an even count, nil if none recovered.
    public var medianSecondsToRecover: Int64? {
        guard !recoverySeconds.isEmpty else { return nil }
        let sorted = recoverySeconds.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    mutating func add(_ recoveryCase: RecoveryCase, attributed isAttributed: Bool) {
        cases += 1
        switch recoveryCase.status {
        case .recovered:
            recovered += 1
            if isAttributed { attributed += 1 }
            if let at = recoveryCase.recoveredAt { recoverySeconds.append(max(0, at - recoveryCase.openedAt)) }
        case .lost: lost += 1
        case .closed: closed += 1
        case .open, .acting: pending += 1
        }
    }
}

extension RecoveryBreakdown: Encodable {
    enum CodingKeys: String, CodingKey {
        case key, cases, recovered, lost, closed, pending, attributed
        case recoveryRate = "recovery_rate"
        case medianSecondsToRecover = "median_seconds_to_recover"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(cases, forKey: .cases)
        try container.encode(recovered, forKey: .recovered)
        try container.encode(lost, forKey: .lost)
        try container.encode(closed, forKey: .closed)
        try container.encode(pending, forKey: .pending)
        try container.encode(attributed, forKey: .attributed)
        try container.encode(recoveryRate, forKey: .recoveryRate)
        try container.encode(medianSecondsToRecover, forKey: .medianSecondsToRecover)
    }
}

/// The recovery funnel of the period: failures → cases → acting → recovered / lost.
public struct RecoveryFunnel: Sendable, Hashable, Encodable {
    public var failures: Int = 0
    public var cases: Int = 0
    /// Cases where at least one action was delivered.
    public var acting: Int = 0
    public var recovered: Int = 0
    public var lost: Int = 0
    public var closed: Int = 0
    public var pending: Int = 0

    public init() {}
}

/// Recovery outcomes of the cases opened during the period, whoever the customer.
public struct RecoveryStatistics: Sendable, Hashable, Encodable {
    public var funnel: RecoveryFunnel
    public var byCategory: [RecoveryBreakdown]
    /// One row per action kind delivered on a case, plus `none` for cases nothing was delivered on.
    public var byActionKind: [RecoveryBreakdown]

    enum CodingKeys: String, CodingKey {
        case funnel
        case byCategory = "by_category"
        case byActionKind = "by_action_kind"
    }

    public static func compute(_ input: ReportInput, period: ReportPeriod) -> RecoveryStatistics {
        var funnel = RecoveryFunnel()
        funnel.failures = input.failureTimes.count { period.contains($0) }
        var categories: [FailureCategory: RecoveryBreakdown] = [:]
        var kinds: [String: RecoveryBreakdown] = [:]
        for recoveryCase in input.cases where period.contains(recoveryCase.openedAt) {
            funnel.cases += 1
            if recoveryCase.actingAt != nil { funnel.acting += 1 }
            switch recoveryCase.status {
            case .recovered: funnel.recovered += 1
            case .lost: funnel.lost += 1
            case .closed: funnel.closed += 1
            case .open, .acting: funnel.pending += 1
            }
            categories[recoveryCase.category, default: RecoveryBreakdown(key: recoveryCase.category.rawValue)]
                .add(recoveryCase, attributed: true)
            var delivered = input.deliveredActionKinds[recoveryCase.id] ?? []
            if let credited = recoveryCase.attributedActionKind { delivered.insert(credited) }
            let keys = delivered.isEmpty ? ["none"] : delivered.map(\.rawValue)
            for key in keys {
                kinds[key, default: RecoveryBreakdown(key: key)]
                    .add(recoveryCase, attributed: recoveryCase.attributedActionKind?.rawValue == key)
            }
        }
        let categoryOrder = FailureCategory.allCases.map(\.rawValue)
        let kindOrder = ActionKind.allCases.map(\.rawValue) + ["none"]
        return RecoveryStatistics(
            funnel: funnel,
            byCategory: categories.values.sorted { order($0.key, in: categoryOrder) < order($1.key, in: categoryOrder) },
            byActionKind: kinds.values.sorted { order($0.key, in: kindOrder) < order($1.key, in: kindOrder) }
        )
    }

    static func order(_ key: String, in keys: [String]) -> Int {
        keys.firstIndex(of: key) ?? keys.count
    }
}
