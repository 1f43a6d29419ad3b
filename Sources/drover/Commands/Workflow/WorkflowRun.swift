import ArgumentParser
import DroverAPI
import DroverCore
import DroverEngine
import DroverStore
import Foundation

/// `drover workflow run FILE`: start an execution and follow it to its end.
struct WorkflowRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start an execution of a state machine and follow it to its end.",
        discussion: """
            Shows the states entered, the batch jobs and their ends, retries and the Map progress, then prints
            the execution's output (stdout) and exits 1 when it did not succeed. When `drover serve` runs on the
            same state directory, it runs the execution and this command watches. Ctrl-C stops following: the
            execution stays RUNNING, and running this command again with the same --name follows it on.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var launch: WorkflowStartOptions

    @Flag(help: "No live display.")
    var quiet = false

    @OptionGroup(title: "Engine log (none unless --log-level is given)") var log: LogOptions

    func run() throws {
        let store = try global.store()
        let (execution, resumed) = try launch.start(global, store: store, followEnded: true)
        try Printer.note(!resumed ? "started execution \(execution.name) of \(execution.machine)"
                         : execution.status == .running ? "following the RUNNING execution \(execution.name) of \(execution.machine)"
                         : "the execution \(execution.name) of \(execution.machine) has ended (\(execution.status.rawValue)): its result follows")
        var options = EngineOptions()
        options.logger = log.logger(defaultLevel: nil)
        options.describeJob = JobShapes(arns: try global.arns(), store: store).describe
        let session = WorkflowSession(store: store, options: options)
        let display = WorkflowDisplay(store: store, execution: execution, enabled: !quiet && global.output == .table)
        let inbox = session.inbox
        let signals = SignalHandlers { inbox.requestStop($0 == SIGINT ? .stopJobs : .detach) }
        let outcome = try session.follow(execution, onHandOff: { () throws(DroverError) in
            try Printer.note("an engine is already running on \(global.directory.path): it runs the execution")
        }, progress: { display.update() })
        withExtendedLifetime(signals) {}
        let ended = outcome.execution
        guard ended.status.isTerminal else {
            try? Printer.note("""
                stopped following: the execution is still RUNNING; `drover workflow run \(launch.file) --name \(ended.name)` \
                (with the same input) or `drover serve` carries it on, `drover workflow stop \(ended.name)` stops it
                """)
            Foundation.exit(130)
        }
        try WorkflowPrinter.result(ended, format: global.output)
        if ended.status != .succeeded { throw ExitCode(1) }
    }
}

/// `drover workflow start FILE`: start an execution and return.
struct WorkflowStart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start an execution of a state machine without waiting for it.",
        discussion: "A running engine (`drover serve`, or any `drover run`) runs it; `drover workflow describe` shows how it goes.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var launch: WorkflowStartOptions

    func run() throws {
        let store = try global.store()
        let (execution, resumed) = try launch.start(global, store: store)
        if global.output == .json {
            try Printer.json(["executionArn": execution.arn, "startDate": Printer.isoTime(execution.startedAt)])
        } else {
            try Printer.out(execution.arn)
            try Printer.note(resumed ? "the execution \(execution.name) is already RUNNING" : "started execution \(execution.name) of \(execution.machine)")
        }
        if let lock = try EngineLock(directory: global.directory) {
            withExtendedLifetime(lock) {}
            try Printer.note("no engine runs on \(global.directory.path) yet: the execution goes on when one does (`drover serve`)")
        }
    }
}
