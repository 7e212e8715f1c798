import LifelineCore
import Synchronization

/// A clock the test moves by hand: webhooks, signatures and the outbox all read it.
final class ManualClock: WallClock, Sendable {
    private let seconds: Mutex<Int64>

    init(_ start: Int64) {
        seconds = Mutex(start)
    }

    func nowSeconds() -> Int64 { seconds.withLock { $0 } }

    func set(_ value: Int64) {
        seconds.withLock { $0 = value }
    }

    func advance(by delta: Int64) {
        seconds.withLock { $0 += delta }
    }
}
