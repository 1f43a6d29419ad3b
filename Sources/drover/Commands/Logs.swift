import ArgumentParser
import DroverCore
import DroverStore
import Foundation

/// `drover logs JOB[:INDEX]`: print (and follow) an attempt's output.
struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the output (stdout and stderr) of a job's attempt.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id, or PARENT:INDEX for a child of an array job.") var jobId: String
    @Option(parsing: .unconditional, help: "Attempt number (default: the latest).") var attempt: Int?
    @Flag(name: [.customShort("f"), .long], help: "Keep printing new output until the attempt ends.") var follow = false

    func run() throws {
        if let attempt, attempt < 1 { throw DroverError("--attempt must be at least 1 (got \(attempt))") }
        let store = try global.store()
        guard let record = try store.job(jobId) else { throw DroverError.unknownJob(jobId) }
        if let size = record.arraySize {
            throw DroverError("\(jobId) is an array job of \(size) children: name one child, for example `drover logs \(jobId):0`")
        }
        if follow && record.attempts == 0 {
            try Printer.note("\(jobId) is \(record.status.rawValue) and has not started; waiting for its first attempt")
            while let current = try store.job(jobId), current.attempts == 0, !current.status.isTerminal {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        let latest = try store.job(jobId)?.attempts ?? 0
        let number = attempt ?? latest
        guard number >= 1 else {
            throw DroverError("\(jobId) has no attempts yet (it is \(record.status.rawValue))", exitCode: 1)
        }
        guard number <= latest else {
            throw DroverError("\(jobId) has \(latest) attempt\(latest == 1 ? "" : "s"); there is no attempt \(number)")
        }
        // Streamed in pieces: a log of any size is printed in the same small memory.
        func copy(from offset: Int64) throws(DroverError) -> Int64 {
            try store.readLog(ofJob: jobId, attempt: number, from: offset) { bytes throws(DroverError) in
                try OutputFile.standardOutput.write(bytes)
            }
        }
        var offset = try copy(from: 0)
        guard follow else { return }
        while true {
            let current = try store.job(jobId)
            let stillRunning = current.map { $0.attempts == number && !$0.status.isTerminal && $0.status != .runnable } ?? false
            offset = try copy(from: offset)
            if !stillRunning { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        _ = try copy(from: offset)
    }
}
