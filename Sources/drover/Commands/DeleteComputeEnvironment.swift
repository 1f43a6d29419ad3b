import ArgumentParser
import DroverCore

/// `drover delete-compute-environment`: AWS Batch's `DeleteComputeEnvironment`, with its rules.
struct DeleteComputeEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-compute-environment",
        abstract: "Delete a compute environment: DISABLED, in no queue's compute environment order, running nothing.",
        discussion: """
            As on AWS, disable the environment first (drover update-compute-environment NAME --state DISABLED) and \
            take it out of every queue's order (drover update-job-queue); Drover also waits for the jobs running on \
            it to finish (drover jobs --compute-environment NAME lists them). With --output json it prints \
            DeleteComputeEnvironment's response, {}.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment's name or ARN (or --compute-environment).")
    var name: String?

    @Option(name: .customLong("compute-environment"), help: "The environment's name or ARN.")
    var computeEnvironment: String?

    func run() throws {
        try ResourceCommand.act("DeleteComputeEnvironment", on: "computeEnvironment", argument: name, option: computeEnvironment,
                                   flag: "--compute-environment", label: "compute environment", done: "deleted", global: global)
    }
}
