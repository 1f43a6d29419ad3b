import DroverCore
import DroverStore
import Logging

extension Engine {
    /// Forgets, once a minute, the job events recorded longer ago than ``EngineOptions/eventRetentionSeconds`` (by the
    /// wall clock, which recorded them), a bounded number at a time: at once again while a backlog fills whole batches
    /// (the engine makes thousands of events a second, far more than one batch a minute would forget).
    func pruneEvents(now: Double) {
        guard now >= nextEventPrune else { return }
        let before = nowMillis() - EpochMillis(options.eventRetentionSeconds * 1000)
        do {
            let forgotten = try store.pruneEvents(before: before, limit: Self.eventPruneBatch)
            nextEventPrune = forgotten == Self.eventPruneBatch ? now : now + 60
        } catch {
            nextEventPrune = now + 60
            options.logger.warning("cannot forget old events: \(error.message)")
        }
    }

    /// The most events forgotten in one write.
    static let eventPruneBatch = 10_000
}
