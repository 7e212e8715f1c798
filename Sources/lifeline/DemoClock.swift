import LifelineCore
import Synchronization

/// The demo's clock: it walks through the scenario's dates so schedules play out in seconds.
final class DemoClock: WallClock, Sendable {
    private let seconds: Mutex<Int64>

    init(_ start: Int64) {
        seconds = Mutex(start)
    }

    func nowSeconds() -> Int64 { seconds.withLock { $0 } }

    /// Moves forward only; an earlier time leaves the clock where it is.
    func move(to value: Int64) {
        seconds.withLock { $0 = max($0, value) }
    }
}
