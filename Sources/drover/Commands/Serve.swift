import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover serve`: the long-lived engine.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine until stopped, picking up jobs submitted by other drover commands.",
        discussion: "SIGINT or SIGTERM stops it cleanly: running jobs are stopped and put back in their queue.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Seconds between looks for new work and requests from other processes.")
    var pollInterval: Double = 0.2

    @OptionGroup(title: "Spot simulation") var simulation: SimulationOptions

    @Flag(help: "Exit once no job is RUNNABLE, STARTING or RUNNING (like `sbatch --wait` for a whole state directory).")
    var exitWhenIdle = false

    func run() throws {
        let store = try global.store()
        guard let lock = try EngineLock(directory: global.directory) else {
            throw DroverError("another engine is already running on \(global.directory.path)", exitCode: 1)
        }
        var options = try simulation.engineOptions()
        options.pollInterval = max(0.01, pollInterval)
        let engine = Engine(store: store, options: options)
        let inbox = engine.inbox
        let signals = SignalHandlers { inbox.requestStop() }
        try Printer.note("drover engine serving \(global.directory.path) (pid \(getpid()), simulation seed \(engine.seed)); Ctrl-C to stop")
        var lastCheck = Date.distantPast
        try engine.run(holding: lock) {
            guard exitWhenIdle, Date().timeIntervalSince(lastCheck) >= 0.1 else { return false }
            lastCheck = Date()
            return try store.countActive() == 0
        }
        try Printer.note("drover engine stopped")
        withExtendedLifetime((lock, signals)) {}
    }
}
