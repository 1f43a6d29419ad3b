import ArgumentParser
import DroverAPI
import DroverCore
import DroverStore
import Foundation

/// `drover events`: the store's job events in EventBridge's shape, as JSON lines.
struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print job events (AWS Batch's EventBridge events: Batch Job State Change, Batch Job Queue Blocked) as JSON lines.",
        discussion: """
            Every state change of every job is recorded in the state directory, and kept for a bounded time \
            (drover serve --events-retention-hours, default 168). Each event's "id" ends with its number: \
            --after ID (or the number) resumes after it. With --job, an array job's events include its children's.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: [.customShort("f"), .long], help: "Keep printing new events until interrupted.") var follow = false
    @Option(help: "Only this job's events (an array's include its children's).") var job: String?
    @Option(help: "Only the events of jobs in this queue.") var queue: String?
    @Option(help: "Start after this event (its id, or the number its id ends with).") var after: String?

    func run() throws {
        var start: Int64?
        if let after {
            guard let number = BatchEvent.sequence(of: after) else {
                throw DroverError("--after: '\(after)' is not an event id (00000000-0000-0000-0000-000000000042) or number")
            }
            start = number
        }
        let store = try global.store()
        if let job, try store.job(job) == nil { throw DroverError.unknownJob(job) }
        if let queue, try !store.jobQueues().contains(where: { $0.jobQueueName == queue }) {
            throw DroverError("no job queue '\(queue)' (drover queues lists them)", exitCode: 2)
        }
        var feed = EventFeed(shapes: EventShapes(arns: try global.arns(), store: store),
                             query: EventQuery(after: start, job: job, queue: queue, limit: 1000))
        while true {
            // Behind the events' retention at the start, or later while following (its output not read): told.
            let place = feed.query.after ?? 0
            if let missed = try feed.skipForgotten() {
                try Printer.note("drover: \(missed) event\(missed == 1 ? " was" : "s were") forgotten after \(BatchEvent.id(of: place)) (older than events are kept)")
            }
            let page = try feed.next()
            var lines = Data()
            for item in page {
                lines.append(EventShapes.json(item.event))
                lines.append(0x0A)
            }
            if !lines.isEmpty { try OutputFile.standardOutput.write(String(decoding: lines, as: UTF8.self)) }
            if !feed.isCaughtUp { continue }
            guard follow else { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}
