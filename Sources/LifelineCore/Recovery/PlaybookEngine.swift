/// Turns a case into planned actions: the first rule that matches wins, and every step's due
/// time is fixed now so the outbox row never changes after it is written.
public enum PlaybookEngine {
    public static func decide(_ playbook: Playbook, context: DecisionContext) -> Decision {
        for rule in playbook.rules {
            guard let clauses = rule.match.explain(context) else { continue }
            let why = clauses.isEmpty ? "matches every case" : clauses.joined(separator: ", ")
            let steps = rule.steps.map { plan($0, rule: rule.name, context: context) }
            return Decision(ruleName: rule.name, reason: "rule \(rule.name): \(why)", steps: steps)
        }
        return Decision(ruleName: nil, reason: "no playbook rule matched \(describe(context))", steps: [])
    }

    static func plan(_ step: PlaybookStep, rule: String, context: DecisionContext) -> PlannedStep {
        let dueAt: Int64
        let when: String
        switch step.schedule {
        case .after(let seconds):
            dueAt = context.now + seconds
            when = seconds == 0 ? "now" : "in \(DelayText.format(seconds))"
        case .payday(let fallback):
            if let payday = PaydayScheduler.next(after: context.now, paydays: context.paydays),
               let day = PaydayScheduler.usualDay(context.paydays) {
                dueAt = payday
                let date = UTCDate(unixSeconds: payday)
                when = "on payday \(date.year)-\(pad(date.month))-\(pad(date.day)) (usually pays on day \(day))"
            } else {
                dueAt = context.now + fallback
                when = "in \(DelayText.format(fallback)) (no payday history)"
            }
        }
        return PlannedStep(
            name: step.name, kind: step.kind, target: step.partner, parameters: step.parameters, dueAt: dueAt,
            reason: "rule \(rule), step \(step.name): \(step.kind.rawValue) \(when)")
    }

    /// The case as the rules saw it, for the "no rule matched" reason.
    static func describe(_ context: DecisionContext) -> String {
        let recoveryCase = context.recoveryCase
        return "category \(recoveryCase.category.rawValue), score \(recoveryCase.stressScore), "
            + "amount \(recoveryCase.amountDue), tenure \(context.tenureDays) d, segment \(context.segment ?? "none")"
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
