import LifelineCore

/// Makes one delivery try of an action; never throws, every failure is an outcome.
public protocol ActionDeliverer: Sendable {
    func deliver(_ action: RecoveryAction) async -> DeliveryOutcome
}
