import DroverCore
import DroverStore
import Logging

extension Engine {
    /// Forgets, once a minute, the job events recorded longer ago than ``EngineOptions/eventRetentionSeconds`` (by the
    /// wall clock, which recorded them), a bounded number at a time.
    func pruneEvents(now: Double) {
        guard now - lastEventPrune >= 60 else { return }
        lastEventPrune = now
        let before = nowMillis() - EpochMillis(options.eventRetentionSeconds * 1000)
        do {
            try store.pruneEvents(before: before)
        } catch {
            options.logger.warning("cannot forget old events: \(error.message)")
        }
    }
}
