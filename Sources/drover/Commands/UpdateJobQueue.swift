import ArgumentParser
import DroverCore

/// `drover update-job-queue`: AWS Batch's `UpdateJobQueue` with `aws batch update-job-queue`'s options.
struct UpdateJobQueue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update-job-queue",
        abstract: "Change a job queue's state, priority or compute environment order: only what is given changes.",
        discussion: """
            Takes `aws batch update-job-queue`'s options as the AWS CLI does: structures as shorthand \
            (order=1,computeEnvironment=a) or JSON, `file://PATH` for a value kept in a file, and --cli-input-json \
            for a whole UpdateJobQueue request, whose members the other options override. A DISABLED queue takes no \
            new jobs; the jobs it holds go on. With --output json it prints UpdateJobQueue's response \
            {"jobQueueName", "jobQueueArn"}.

            Examples:
              drover update-job-queue --job-queue high --state DISABLED
              drover update-job-queue --job-queue high --priority 50
              drover update-job-queue --job-queue high --compute-environment-order \\
                order=1,computeEnvironment=spot-v2 order=2,computeEnvironment=spot
              drover update-job-queue --cli-input-json file://queue-update.json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The queue's name or ARN (or --job-queue).")
    var name: String?

    @Option(name: .customLong("job-queue"), help: "The queue's name or ARN.")
    var jobQueue: String?

    @Option(help: "ENABLED or DISABLED.")
    var state: String?

    @Option(parsing: .unconditional, help: "Queues with a higher priority are scheduled first.")
    var priority: Int?

    @Option(name: .customLong("compute-environment-order"), parsing: .upToNextOption, help: ArgumentHelp(
        "The environments jobs are placed on, lowest order first: order=N,computeEnvironment=NAME (several separated by spaces), or a JSON list. Replaces the whole order.",
        valueName: "entry"))
    var computeEnvironmentOrder: [String] = []

    @Option(name: .customLong("scheduling-policy-arn"), help: "Another scheduling policy (kept and shown; queues run first in, first out).")
    var schedulingPolicyArn: String?

    @Option(name: .customLong("job-state-time-limit-actions"), parsing: .upToNextOption, help: ArgumentHelp(
        "reason=R,state=RUNNABLE,maxTimeSeconds=N,action=CANCEL (several separated by spaces), or a JSON list.", valueName: "action"))
    var jobStateTimeLimitActions: [String] = []

    @Option(name: .customLong("cli-input-json"), help: ArgumentHelp(
        "A whole UpdateJobQueue request: file://PATH or JSON text; the other options override its members.", valueName: "request"))
    var cliInputJSON: String?

    func run() throws {
        var request = try AWSRequest(ResourceUpdate.Kind.jobQueue.operation, cliInputJSON: cliInputJSON)
        try request.name("jobQueue", argument: name, option: jobQueue, flag: "--job-queue", label: "job queue")
        request.set("state", state.map(JSONValue.string))
        request.set("priority", priority.map(JSONValue.integer))
        request.set("computeEnvironmentOrder", try request.readList(computeEnvironmentOrder, "--compute-environment-order", member: "computeEnvironmentOrder"))
        request.set("schedulingPolicyArn", schedulingPolicyArn.map(JSONValue.string))
        request.set("jobStateTimeLimitActions", try request.readList(jobStateTimeLimitActions, "--job-state-time-limit-actions", member: "jobStateTimeLimitActions"))
        try ResourceCommand.update(.jobQueue, request, global: global)
    }
}
