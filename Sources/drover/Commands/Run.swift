import ArgumentParser
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
        let loaded = try DocumentLoader.load(path: file)
        guard !loaded.jobs.isEmpty else {
            throw DroverError("\(file): declares no jobs to run (add a `jobs:` section, or use `drover apply` for resources only)")
        }
        var options = try simulation.engineOptions(file: loaded.simulation)
        options.logger = log.logger(defaultLevel: nil)
        let store = try global.store()
        let overrides = try Submit.pairs(parameters, option: "--parameter") ?? [:]
        // Different parameters make a different run (they are part of the key that resumes a run).
        let text = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "") + overrides.sorted { $0.key < $1.key }.map { "\n\($0)=\($1)" }.joined()
        let runKey = Self.runKey(path: URL(fileURLWithPath: file).standardizedFileURL.path, text: text)
        let requests = loaded.jobs.map(\.value).map { request in
            var request = request
            if !overrides.isEmpty { request.parameters = (request.parameters ?? [:]).merging(overrides) { $1 } }
            return request
        }
        let jobs: [SubmittedJob]
        switch try store.startRun(loaded, requests: requests, runKey: runKey, resume: !new) {
        case .resumed(let previous):
            jobs = previous.map { SubmittedJob(jobId: $0.jobId, jobName: $0.jobName) }
            try Printer.note("resuming the unfinished run of \(file) from \(Printer.time(previous[0].createdAt)) (use --new to submit afresh)")
        case .submitted(let applied, let submitted):
            jobs = submitted
            for change in applied.changes where !change.hasPrefix("unchanged") { try Printer.note(change) }
            for job in jobs { try Printer.note("submitted \(job.jobName) as \(job.jobId)") }
        }
        let ids = jobs.map(\.jobId)
        let started = Date()
        let display = ProgressDisplay(store: store, jobs: jobs, enabled: !quiet && global.output == .table)
        display.start()
        let interrupted: Bool
        var stopMode: Inbox.StopMode?
        var handedOff = false
        var seed: UInt64?
        if let lock = try EngineLock(directory: global.directory) {
            let engine = Engine(store: store, options: options)
            seed = engine.seed
            let inbox = engine.inbox
            // Ctrl-C stops the run's work; a closed terminal or SIGTERM leaves running jobs to their supervisor.
            let signals = SignalHandlers { inbox.requestStop($0 == SIGINT ? .stopJobs : .detach) }
            try engine.run(holding: lock) { try store.statuses(ids).values.allSatisfy(\.isTerminal) }
            interrupted = engine.inbox.stopRequested
            stopMode = engine.inbox.stopMode
            withExtendedLifetime((lock, signals)) {}
        } else {
            try Printer.note("an engine is already running on \(global.directory.path): handing the jobs to it")
            handedOff = true
            let inbox = Inbox()
            let signals = SignalHandlers { _ in inbox.requestStop() }
            while !inbox.stopRequested, try !store.statuses(ids).values.allSatisfy(\.isTerminal) {
                Thread.sleep(forTimeInterval: 0.1)
            }
            interrupted = inbox.stopRequested
            withExtendedLifetime(signals) {}
        }
        display.stop()
        let records = try ids.compactMap { id throws(DroverError) in try store.job(id) }
        if interrupted {
            if handedOff {
                try? Printer.note("stopped watching: the jobs go on in the running engine (`drover jobs` shows them)")
            } else if stopMode == .stopJobs {
                try? Printer.note("interrupted: unfinished jobs are back in their queues; run `drover run \(file)` again to resume")
            } else {
                try? Printer.note("stopped: running jobs go on under their supervisor; run `drover run \(file)` again to follow and finish them")
            }
            Foundation.exit(130)
        }
        try Summary.print(records, store: store, elapsed: Date().timeIntervalSince(started), format: global.output,
                          simulation: seed.map { ($0, options.timeScale) })
        if records.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
    }

    /// Identifies a run of a given file content, so an interrupted run can be resumed.
    static func runKey(path: String, text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (path + "\u{0}" + text).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
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
