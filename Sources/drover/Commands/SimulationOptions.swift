import ArgumentParser
import DroverCore
import DroverEngine

/// Options of the spot simulation, for `run` and `serve`.
struct SimulationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seed of the spot simulation: the same seed gives the same instances, interruptions and shortages (default: random, printed).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Simulated seconds per real second, for interruption rates, notices, start-up delays and cost (default 1).")
    var timeScale: Double?

    @Option(parsing: .unconditional, help: "Processes that may run at once on simulated environments (default: this machine's cores).")
    var hostSlots: Int?

    /// Engine options from these flags, then the job file's `simulation` section, then defaults.
    func engineOptions(file: RunSimulation? = nil) throws(DroverError) -> EngineOptions {
        var options = EngineOptions()
        if let seed = seed ?? file?.seed { options.seed = seed }
        if let scale = timeScale ?? file?.timeScale {
            guard scale > 0 && scale <= 1_000_000 else { throw DroverError("--time-scale must be above 0 and at most 1000000 (got \(PlacementDecision.format(scale)))") }
            options.timeScale = scale
        }
        if let slots = hostSlots ?? file?.hostSlots {
            guard (1...4096).contains(slots) else { throw DroverError("--host-slots must be between 1 and 4096 (got \(slots))") }
            options.hostSlots = slots
        }
        return options
    }
}
