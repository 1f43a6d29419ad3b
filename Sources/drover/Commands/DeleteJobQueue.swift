import ArgumentParser
import DroverCore

/// `drover delete-job-queue`: AWS Batch's `DeleteJobQueue`, with its rules.
struct DeleteJobQueue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-job-queue",
        abstract: "Delete a DISABLED job queue; its unfinished jobs are terminated, as on AWS.",
        discussion: """
            As on AWS, disable the queue first (drover update-job-queue NAME --state DISABLED). Jobs of the queue \
            that have not finished are terminated: those not started fail at once, running ones are stopped. With \
            --output json it prints DeleteJobQueue's response, {}.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The queue's name or ARN (or --job-queue).")
    var name: String?

    @Option(name: .customLong("job-queue"), help: "The queue's name or ARN.")
    var jobQueue: String?

    func run() throws {
        try ResourceCommand.act("DeleteJobQueue", on: "jobQueue", argument: name, option: jobQueue,
                                   flag: "--job-queue", label: "job queue", done: "deleted", global: global)
    }
}
