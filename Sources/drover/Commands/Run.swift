import ArgumentParser
import DroverAPI
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover run FILE`: apply, submit, run to completion with live progress, summarise.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply a job file, submit the jobs it names and run them to completion on this machine.",
        discussion: """
            Shows live progress and a summary, and exits 1 if any job failed. Ctrl-C stops cleanly:
            running jobs are stopped and put back in their queue; running the same file again resumes
            them (use --new to submit afresh). SIGTERM, SIGHUP (a closed terminal) or a crash leave
            running jobs to their supervisor: the next engine adopts them and records their exits. If `drover serve` is running on the same state
            directory, the jobs are handed to it and watched.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Job file (YAML or JSON) with a `jobs` section.")
    var file: String

    @Flag(help: "Submit new jobs even if an unfinished run of this file exists.")
    var new = false

    @Flag(help: "No live progress display.")
    var quiet = false

    @Option(name: [.customShort("p"), .customLong("parameter")], help: "Parameter k=v for Ref::k in every job of the file (repeatable).")
    var parameters: [String] = []

    @OptionGroup(title: "Engine log (none unless --log-level is given)") var log: LogOptions

    @OptionGroup(title: "Spot simulation") var simulation: SimulationOptions

    func run() throws {
        let arns = try global.arns()
        let text = try DocumentLoader.read(path: file)
        let loaded = try DocumentLoader.parse(text: text, path: file)
        var options = try simulation.engineOptions(file: loaded.simulation)
        options.logger = log.logger(defaultLevel: nil)
        let store = try global.store()
        options.describeJob = JobShapes(arns: arns, store: store).describe
        let session = try RunSession(store: store, file: loaded, path: file, text: text,
                                     parameters: try Submit.pairs(parameters, option: "--parameter") ?? [:],
                                     new: new, trace: TraceParent.fromEnvironment(ProcessInfo.processInfo.environment), options: options)
        let start = try session.start()
        switch start {
        case .resumed(let previous):
            try Printer.note("resuming the unfinished run of \(file) from \(Printer.time(previous[0].createdAt)) (use --new to submit afresh)")
        case .submitted(let applied, let submitted):
            for change in applied.changes where !change.hasPrefix("unchanged") { try Printer.note(change) }
            for job in submitted { try Printer.note("submitted \(job.jobName) as \(job.jobId)") }
        }
        let started = Date()
        let display = ProgressDisplay(store: store, jobs: start.jobs, enabled: !quiet && global.output == .table)
        display.start()
        // Ctrl-C stops the run's work; a closed terminal or SIGTERM leaves running jobs to their supervisor.
        // Watching another engine's work, any of them only stops the watch.
        let inbox = session.inbox
        let signals = SignalHandlers { inbox.requestStop($0 == SIGINT ? .stopJobs : .detach) }
        let outcome = try session.follow(start) { () throws(DroverError) in
            try Printer.note("an engine is already running on \(global.directory.path): handing the jobs to it")
        }
        withExtendedLifetime(signals) {}
        display.stop()
        if case .interrupted(let mode) = outcome.ending {
            if outcome.handedOff {
                try? Printer.note("stopped watching: the jobs go on in the running engine (`drover jobs` shows them)")
            } else if mode == .stopJobs {
                try? Printer.note("interrupted: unfinished jobs are back in their queues; run `drover run \(file)` again to resume")
            } else {
                try? Printer.note("stopped: running jobs go on under their supervisor; run `drover run \(file)` again to follow and finish them")
            }
            Foundation.exit(130)
        }
        try Summary.print(outcome.jobs, store: store, elapsed: Date().timeIntervalSince(started), format: global.output,
                          arns: arns, simulation: outcome.seed.map { ($0, options.timeScale) })
        if outcome.anyFailed { throw ExitCode(1) }
    }
}

/// Runs `action` with the signal's number on SIGINT, SIGTERM and SIGHUP instead of dying, while alive.
final class SignalHandlers {
    let sources: [any DispatchSourceSignal]

    init(_ action: @escaping @Sendable (Int32) -> Void) {
        sources = [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { action(number) }
            source.resume()
            return source
        }
    }
}
