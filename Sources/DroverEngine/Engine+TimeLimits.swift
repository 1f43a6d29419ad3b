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

    /// Writes a waiting job's reason when it changes: AWS's capacity reason
    /// (`CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - ...`, which `jobStateTimeLimitActions` act on) is
    /// written; Drover's own waits, whose detail changes with every pass, clear it.
    func noteWait(_ id: String, reason: String?, into reasons: inout [(id: String, reason: String?, blocks: Bool)]) {
        let coded = reason.flatMap { RunnableReason.code(of: $0) == nil ? nil : $0 }
        guard waitReasons[id] != coded else { return }
        if waitReasons.count > 10_000 { waitReasons.removeAll(keepingCapacity: true) }
        waitReasons[id] = coded
        reasons.append((id, coded, blocks: false))
    }
}
