import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover chaos`: fault-injection experiments on simulated instances, like AWS FIS.
struct Chaos: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run fault-injection experiments on the simulated instances of a running engine.",
        discussion: """
            Experiments act on the engine running on the state directory (`drover serve` or
            `drover run`); durations are simulated time (90s, 5m, 1h). They are recorded:
            `drover chaos list` and `drover describe EXPERIMENT-ID` show them.
            """,
        subcommands: [ChaosInterrupt.self, ChaosCapacity.self, ChaosList.self])
}

/// Options every experiment takes.
struct ExperimentOptions: ParsableArguments {
    @Option(name: .customLong("compute-environment"), help: "The compute environment to act on.")
    var computeEnvironment: String

    @Option(parsing: .unconditional, help: "Stop condition: end the experiment once this many jobs have failed since it started.")
    var stopAfterFailures: Int?

    @Option(parsing: .unconditional, help: "Seconds to wait for the engine to pick the experiment up.")
    var wait: Double = 10

    /// Writes `experiment` for the running engine and reports what it did.
    func submit(_ experiment: Experiment, global: GlobalOptions) throws {
        if let limit = stopAfterFailures, limit < 1 {
            throw DroverError("--stop-after-failures must be at least 1 (got \(limit))")
        }
        guard (0...3600).contains(wait) else { throw DroverError("--wait must be between 0 and 3600 seconds (got \(PlacementDecision.format(wait)))") }
        guard EngineLock.isHeld(directory: global.directory) else {
            throw DroverError("no engine is running on \(global.directory.path): start `drover serve` (or `drover run`) first; nothing was recorded", exitCode: 1)
        }
        var experiment = experiment
        experiment.stopAfterFailures = stopAfterFailures
        let store = try global.store()
        try store.addExperiment(experiment)
        let deadline = Date().addingTimeInterval(wait)
        var current = experiment
        while current.state == .pending && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            current = try store.experiment(experiment.id) ?? current
        }
        if global.output == .json { return try Printer.json(current) }
        try Printer.out("\(current.id): \(current.summary)")
        try Printer.out("\(current.state.rawValue.lowercased()): \(current.outcome ?? "waiting for the engine to pick it up")")
        if current.state == .failed || (experiment.instances != nil && current.targets.count < (experiment.instances?.count ?? 0)) {
            throw ExitCode(1)
        }
    }

    static func newID() -> String {
        "exp-" + String((0..<12).map { _ in "0123456789abcdef".randomElement()! })
    }

    static func duration(_ text: String, option: String) throws(DroverError) -> Double {
        guard let seconds = SimulatedDuration.parse(text), seconds > 0 else {
            throw DroverError("\(option) must be a duration such as 90s, 5m or 1h (got \"\(text)\")")
        }
        return seconds
    }
}

/// `drover chaos interrupt`: reclaim instances.
struct ChaosInterrupt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interrupt",
        abstract: "Reclaim instances as the spot market does: notice, SIGTERM to their jobs, SIGKILL at the notice's end.",
        discussion: "Give exactly one of --percent, --count or --instance. With --every and --for it repeats.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ExperimentOptions

    @Option(parsing: .unconditional, help: "Share of the running instances to reclaim (rounded up).") var percent: Double?
    @Option(parsing: .unconditional, help: "Number of running instances to reclaim.") var count: Int?
    @Option(name: .customLong("instance"), help: "Instance id to reclaim (repeatable).") var instances: [String] = []
    @Option(help: "Repeat every this long (simulated), for --for.") var every: String?
    @Option(name: .customLong("for"), help: "How long to keep repeating (simulated).") var duration: String?

    func run() throws {
        let chosen = [percent != nil, count != nil, !instances.isEmpty].filter { $0 }.count
        guard chosen == 1 else { throw DroverError("give exactly one of --percent, --count or --instance") }
        if let percent, !(percent > 0 && percent <= 100) { throw DroverError("--percent must be above 0 and at most 100 (got \(PlacementDecision.format(percent)))") }
        if let count, count < 1 { throw DroverError("--count must be at least 1 (got \(count))") }
        if (every == nil) != (duration == nil) { throw DroverError("--every and --for go together") }
        var experiment = Experiment(id: ExperimentOptions.newID(), computeEnvironment: options.computeEnvironment, action: .interrupt, createdAt: nowMillis())
        experiment.percent = percent
        experiment.count = count
        experiment.instances = instances.isEmpty ? nil : instances
        if let every { experiment.everySeconds = try ExperimentOptions.duration(every, option: "--every") }
        if let duration { experiment.durationSeconds = try ExperimentOptions.duration(duration, option: "--for") }
        try options.submit(experiment, global: global)
    }
}

/// `drover chaos capacity`: no new spot instances for a while.
struct ChaosCapacity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Make spot capacity unavailable: no new instance launches in a SPOT environment for a while.",
        discussion: "Jobs that cannot be placed there fall through to the queue's next compute environment.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ExperimentOptions

    @Option(help: "How long capacity is unavailable (simulated): 90s, 5m, 1h.") var unavailable: String

    func run() throws {
        var experiment = Experiment(id: ExperimentOptions.newID(), computeEnvironment: options.computeEnvironment, action: .capacity, createdAt: nowMillis())
        experiment.durationSeconds = try ExperimentOptions.duration(unavailable, option: "--unavailable")
        try options.submit(experiment, global: global)
    }
}

/// `drover chaos list`: recorded experiments.
struct ChaosList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List recorded experiments, newest first.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let experiments = try global.store().experiments()
        if global.output == .json { return try Printer.json(["experiments": experiments]) }
        try Printer.table(["ID", "STATE", "CREATED", "EXPERIMENT", "OUTCOME"], experiments.map {
            [$0.id, $0.state.rawValue, Printer.time($0.createdAt), $0.summary, $0.outcome ?? "-"]
        })
    }
}

/// `drover describe exp-…`.
enum ExperimentDetail {
    static func print(_ experiment: Experiment, format: OutputFormat) throws(DroverError) {
        if format == .json { return try Printer.json(experiment) }
        var lines: [(String, String)] = [
            ("Experiment", experiment.id), ("Action", experiment.summary), ("State", experiment.state.rawValue),
            ("Created", Printer.time(experiment.createdAt)),
        ]
        if let started = experiment.startedAt { lines.append(("Started", Printer.time(started))) }
        if let ended = experiment.endedAt { lines.append(("Ended", Printer.time(ended))) }
        if !experiment.targets.isEmpty { lines.append(("Instances", experiment.targets.joined(separator: ", "))) }
        if let outcome = experiment.outcome { lines.append(("Outcome", outcome)) }
        try Printer.fields(lines)
    }
}
