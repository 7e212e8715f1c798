/// Settings that load fine but would make actions fail later; `check-config` and `serve` say so.
extension LifelineConfiguration {
    public var warnings: [String] {
        var missingPartners: [String: [String]] = [:]
        var dunningSteps: [String] = []
        var retrySteps: [String] = []
        for rule in recovery.playbook.rules {
            for step in rule.steps {
                let name = "\(rule.name).\(step.name)"
                switch step.kind {
                case .financingOffer:
                    if let partner = step.partner, partners[partner] == nil { missingPartners[partner, default: []].append(name) }
                case .dunningEmail where outbound.dunningURL == nil: dunningSteps.append(name)
                case .retryPayment where outbound.stripeAPIKey == nil: retrySteps.append(name)
                default: break
                }
            }
        }
        var warnings = loadWarnings
        for (partner, steps) in missingPartners.sorted(by: { $0.key < $1.key }) {
            warnings.append("partner '\(partner)' is not configured (partners.\(partner).url / .secret): offers of \(steps.joined(separator: ", ")) would go to the dead letter")
        }
        if !dunningSteps.isEmpty {
            warnings.append("dunning.url is not set: \(dunningSteps.joined(separator: ", ")) would go to the dead letter")
        }
        if !retrySteps.isEmpty {
            warnings.append("stripe.api_key is not set: \(retrySteps.joined(separator: ", ")) would go to the dead letter")
        }
        if adminTokens.isEmpty {
            warnings.append("admin.tokens is empty: the admin API and the dashboard refuse every request")
        }
        return warnings
    }
}
