import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore

/// `drover retry-failed ARRAY`: run the failed children of a finished array again.
struct RetryFailed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry-failed",
        abstract: "Run the failed children of a finished array job again, under the same parent id.",
        discussion: """
            Each failed child goes back to its queue with a fresh retry budget; its earlier attempts stay in its \
            history (drover describe). Succeeded children are not touched. Cancelled and terminated children stay \
            as they are unless --include-cancelled. Jobs that failed because this array did are left as they are: \
            retry them the same way.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The array job's id.") var jobId: String
    @Option(name: .customLong("index"), help: "Only these indices: 3,7-9.") var indexList: String?
    @Flag(help: "Also run again the children that were cancelled or terminated.") var includeCancelled = false

    func run() throws {
        let indices = try indexList.map { text throws(DroverError) in try IndexList.parse(text) }
        let result = try global.store().retryFailed(jobId, indices: indices, includeCancelled: includeCancelled)
        if global.output == .json {
            try Printer.json(result)
            return
        }
        var line = "\(jobId): \(result.retried.count) failed \(result.retried.count == 1 ? "child" : "children") to run again"
        if result.leftAlone > 0 { line += ", \(result.leftAlone) cancelled or terminated left alone (--include-cancelled)" }
        try Printer.out(line)
        if !result.retried.isEmpty && !EngineLock.isHeld(directory: global.directory) {
            try Printer.note("note: no engine is running; they run when `drover serve` or `drover run` starts")
        }
    }
}
