import DroverCore
import DroverStore
import Logging

extension Engine {
    /// Cancels the RUNNABLE jobs the queues' `jobStateTimeLimitActions` are due for
    /// (``Store/applyTimeLimitActions(now:)``), at most once a second of the engine's clock; the
    /// queues they held up are looked at again.
    func applyTimeLimits(now: Double) throws(DroverError) {
        guard now - lastTimeLimitCheck >= 1 else { return }
        lastTimeLimitCheck = now
        let stopped = try store.applyTimeLimitActions(now: clock.epochMillis())
        guard !stopped.isEmpty else { return }
        for id in stopped {
            waitReasons[id] = nil
            options.logger.info("job \(id) cancelled by its queue's jobStateTimeLimitActions", metadata: ["jobId": .string(id)])
        }
        markDirty()
    }
}
