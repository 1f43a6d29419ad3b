import ArgumentParser
import DroverCore
import DroverStore

/// `drover cancel JOB`: stop a job that has not started (AWS `CancelJob`).
struct Cancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a job that has not started (SUBMITTED, PENDING or RUNNABLE); running jobs go on.",
        discussion: "On an array job it cancels every child that has not started.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id (PARENT:INDEX for one child).") var jobId: String
    @Option(help: "Reason recorded as the job's statusReason.") var reason = Reasons.cancelledByUser

    func run() throws {
        let result = try global.store().cancel(jobId, reason: reason)
        try report(result, verb: "cancelled", global: global, id: jobId)
        if result.untouched > 0 && result.stopped == 0 {
            try Printer.note("note: cancel leaves STARTING, RUNNING and finished jobs alone; use `drover terminate \(jobId)` to stop a running job")
        }
    }
}

/// `drover terminate JOB`: stop a job, running or not (AWS `TerminateJob`).
struct Terminate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Terminate a job: running attempts get SIGTERM, then SIGKILL; jobs not started are cancelled.",
        discussion: "Terminated jobs are not retried. On an array job it applies to every child.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id (PARENT:INDEX for one child).") var jobId: String
    @Option(help: "Reason recorded as the job's statusReason.") var reason = Reasons.terminatedByUser

    func run() throws {
        let store = try global.store()
        let result = try store.terminate(jobId, reason: reason)
        try report(result, verb: "terminated", global: global, id: jobId)
        if result.terminating > 0 && !EngineLock.isHeld(directory: global.directory) {
            try Printer.note("note: no engine is running; the running attempts will be stopped and recorded when `drover serve` or `drover run` starts")
        }
    }
}

func report(_ result: StopResult, verb: String, global: GlobalOptions, id: String) throws(DroverError) {
    if global.output == .json {
        try Printer.json(result)
    } else {
        var parts = ["\(id): \(result.stopped) \(verb)"]
        if result.terminating > 0 { parts.append("\(result.terminating) stopping") }
        if result.untouched > 0 { parts.append("\(result.untouched) left alone") }
        try Printer.out(parts.joined(separator: ", "))
    }
}

import DroverEngine
