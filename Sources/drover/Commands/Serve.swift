import CDroverSpawn
import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore
import Foundation
import Logging

/// `drover serve`: the long-lived engine.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine until stopped, picking up jobs submitted by other drover commands.",
        discussion: """
            SIGINT, SIGTERM or SIGHUP stop it; running jobs go on under their supervisor and the next engine \
            (a newer drover binary too) adopts them and records how they ended. It logs what it does to standard \
            error (--log-level, --log-format).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(parsing: .unconditional, help: "Seconds between looks for new work and requests from other processes (at most 60).")
    var pollInterval: Double = 0.2

    @OptionGroup(title: "Engine log") var log: LogOptions

    @OptionGroup(title: "Spot simulation") var simulation: SimulationOptions

    @Flag(help: "Exit once no job is RUNNABLE, STARTING or RUNNING (like `sbatch --wait` for a whole state directory).")
    var exitWhenIdle = false

    func run() throws {
        guard pollInterval > 0 && pollInterval <= 60 else {
            throw DroverError("--poll-interval must be more than 0 and at most 60 seconds (got \(PlacementDecision.format(pollInterval)))")
        }
        let store = try global.store()
        guard let lock = try EngineLock(directory: global.directory) else {
            throw DroverError("another engine is already running on \(global.directory.path)", exitCode: 1)
        }
        var options = try simulation.engineOptions()
        options.pollInterval = max(0.01, pollInterval)
        options.logger = log.logger(defaultLevel: .info)
        let engine = Engine(store: store, options: options)
        let inbox = engine.inbox
        // A container's first process takes everything with it when it ends: there, stop the jobs
        // and put them back in their queue rather than leave them to a supervisor about to die.
        let mode: Inbox.StopMode = drover_is_first_process() != 0 ? .stopJobs : .detach
        let signals = SignalHandlers { _ in inbox.requestStop(mode) }
        var lastCheck = Date.distantPast
        try engine.run(holding: lock) {
            guard exitWhenIdle, Date().timeIntervalSince(lastCheck) >= 0.1 else { return false }
            lastCheck = Date()
            return try store.countActive() == 0
        }
        withExtendedLifetime((lock, signals)) {}
    }
}
