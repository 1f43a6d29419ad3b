import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover health`: whether an engine is serving a state directory (a container's HEALTHCHECK).
struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exit 0 when an engine holds the state directory and is alive, 1 otherwise.",
        discussion: """
            Healthy means: some `drover serve` or `drover run` holds the state directory's engine lock and has marked
            itself alive within --max-age seconds (an engine does so every second), and the store opens. The image's
            HEALTHCHECK runs this command.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(parsing: .unconditional, help: "Seconds since the engine's last sign of life after which it counts as stuck.")
    var maxAge: Double = 30

    func run() throws {
        guard maxAge > 0 && maxAge <= 86_400 else { throw DroverError("--max-age must be more than 0 and at most 86400 seconds (got \(PlacementDecision.format(maxAge)))") }
        let path = global.directory.path
        guard let status = EngineLock.status(directory: global.directory) else {
            throw DroverError("unhealthy: no engine is running on \(path) (start one with `drover serve`)", exitCode: 1)
        }
        let pid = status.pid.map { "pid \($0)" } ?? "unknown pid"
        guard status.heartbeatAge <= maxAge else {
            throw DroverError(
                "unhealthy: the engine on \(path) (\(pid)) gave no sign of life for \(Int(saturating: status.heartbeatAge)) s (limit \(Int(maxAge)) s)",
                exitCode: 1)
        }
        let active: Int
        do {
            active = try global.store().countActive()
        } catch {
            throw DroverError("unhealthy: the engine on \(path) runs, but its store does not open: \(error.message)", exitCode: 1)
        }
        let report = Report(healthy: true, stateDirectory: path, pid: status.pid, heartbeatAgeSeconds: status.heartbeatAge, activeJobs: active)
        if global.output == .json { return try Printer.json(report) }
        try Printer.out("healthy: engine \(pid) on \(path), alive \(String(format: "%.1f", status.heartbeatAge)) s ago, \(active) active job\(active == 1 ? "" : "s")")
    }

    /// The JSON form of a healthy report.
    struct Report: Encodable {
        var healthy: Bool
        var stateDirectory: String
        var pid: Int32?
        var heartbeatAgeSeconds: Double
        var activeJobs: Int
    }
}
