/// Scores how likely a failure is a customer who *cannot pay this week* rather than one who
/// will not pay: the sum of the weights of the signals present, capped at 100.
public enum StressScorer {
    public static func assess(_ input: StressInput, weights: StressWeights) -> StressAssessment {
        let current = input.current
        // Only earlier failures count; the current one may also be in the list.
        let earlier = input.pastFailures.filter { $0.id != current.id && $0.occurredAt <= current.occurredAt }
        let failures = earlier + [current]
        var score = 0
        var reasons: [String] = []
        // A signal weighted 0 is switched off: it neither scores nor explains.
        func add(_ points: Int, _ reason: String?) {
            guard let reason, points > 0 else { return }
            score += points
            reasons.append(reason)
        }

        add(weights.insufficientFunds, StressSignals.insufficientFunds(current))
        let softDeclines = StressSignals.softDeclineCount(failures, endingAt: current.occurredAt, windowDays: weights.softDeclineWindowDays)
        if softDeclines >= 2 {
            // Two soft declines earn half the weight, three or more the full weight.
            let points = softDeclines >= 3 ? weights.repeatedSoftDeclines : weights.repeatedSoftDeclines / 2
            add(points, "\(softDeclines) soft declines in \(weights.softDeclineWindowDays) days")
        }
        add(weights.lengtheningDaysToPay, StressSignals.lengtheningDaysToPay(input.invoices))
        add(weights.partialPayments, StressSignals.partialPayments(input.invoices))
        add(weights.monthEndClustering, StressSignals.monthEndClustering(failures))
        add(weights.accountStillActive, input.subscriptionActive ? "account still active" : nil)
        return StressAssessment(score: min(100, max(0, score)), reasons: reasons)
    }
}
