import DroverCore
import DroverStore
import Foundation

/// The engine's side of the spot simulation: one ``Fleet`` per simulated compute environment, the
/// simulated clock (real seconds since the engine started times `timeScale`), and the conversion
/// of fleet changes into stored instance records.
struct Simulator {
    let seed: UInt64
    let timeScale: Double
    /// Monotonic second at which simulated time 0 began.
    let origin: Double
    var fleets: [String: Fleet] = [:]

    init(seed: UInt64, timeScale: Double, origin: Double) {
        self.seed = seed
        self.timeScale = max(timeScale, 1e-9)
        self.origin = origin
    }

    /// Simulated seconds at monotonic second `monotonic`.
    func simulated(_ monotonic: Double) -> Double {
        (monotonic - origin) * timeScale
    }

    /// Monotonic second at simulated second `simulated`.
    func monotonic(_ simulated: Double) -> Double {
        origin + simulated / timeScale
    }

    /// Creates fleets for new simulated environments and updates the others. A fleet whose
    /// environment is gone or no longer simulated stays until its instances are empty.
    mutating func sync(_ environments: [String: ComputeEnvironment]) {
        for (name, environment) in environments where environment.isSimulated {
            if fleets[name] == nil {
                fleets[name] = Fleet(environment, seed: seed)
            } else {
                fleets[name]?.update(environment)
            }
        }
    }

    /// Moves every fleet to `now` (monotonic) and returns what happened, environments in name order.
    mutating func advance(monotonic now: Double) -> [FleetEvent] {
        let simulatedNow = simulated(now)
        var events: [FleetEvent] = []
        for name in fleets.keys.sorted() {
            events += fleets[name]!.advance(to: simulatedNow)
        }
        return events
    }

    /// Events produced while placing jobs (launches).
    mutating func takeEvents() -> [FleetEvent] {
        fleets.keys.sorted().flatMap { fleets[$0]!.takeEvents() }
    }

    /// Resets the promises of the previous scheduling pass.
    mutating func beginPass() {
        for name in fleets.keys { fleets[name]!.beginPass() }
    }

    /// The monotonic second of the next instance event, if any.
    func nextEvent() -> Double? {
        fleets.values.compactMap { $0.nextEventTime() }.min().map(monotonic)
    }

    /// Ends every instance (the engine stops).
    mutating func terminateAll(monotonic now: Double) -> [FleetEvent] {
        let simulatedNow = simulated(now)
        return fleets.keys.sorted().flatMap { fleets[$0]!.terminateAll(now: simulatedNow) }
    }

    /// The stored form of an instance after an event at monotonic second `now`, wall-clock `wallNow`.
    func record(_ event: FleetEvent, now: Double, wallNow: EpochMillis) -> InstanceRecord {
        let instance = event.instance
        let simulatedNow = simulated(now)
        let launched = wallNow - EpochMillis((max(0, simulatedNow - instance.launchedAt) / timeScale * 1000).rounded())
        let ended = instance.endedAt.map { wallNow - EpochMillis((max(0, simulatedNow - $0) / timeScale * 1000).rounded()) }
        return InstanceRecord(
            id: instance.id, environment: event.environment, type: instance.type.name, lifecycle: instance.lifecycle.rawValue,
            vcpus: instance.type.vcpus, memory: instance.type.memoryMiB, hourlyPrice: instance.hourlyPrice,
            onDemandHourly: instance.type.onDemandHourly, state: instance.state.rawValue, launchedAt: launched, endedAt: ended,
            simulatedSeconds: instance.lifetime(now: simulatedNow), endReason: instance.endReason, experiment: instance.experiment)
    }

    /// What an attempt that held `vcpus` from `start` to `end` (monotonic) on `instance` cost.
    func usage(instance: SimulatedInstance, vcpus: Double, start: Double, end: Double, experiment: String?) -> AttemptUsage {
        let seconds = max(0, end - start) * timeScale
        let charge = instance.charge(vcpus: vcpus, seconds: seconds)
        return AttemptUsage(instance: instance.id, vcpus: vcpus, simulatedSeconds: seconds, cost: charge.cost,
                            onDemandCost: charge.onDemandCost, experiment: experiment)
    }
}
