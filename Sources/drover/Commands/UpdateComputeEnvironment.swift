import ArgumentParser
import DroverCore

/// `drover update-compute-environment`: AWS Batch's `UpdateComputeEnvironment` with
/// `aws batch update-compute-environment`'s options.
struct UpdateComputeEnvironment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update-compute-environment",
        abstract: "Change a compute environment's state or capacity: only what is given changes.",
        discussion: """
            Takes `aws batch update-compute-environment`'s options as the AWS CLI does: structures as shorthand \
            (maxvCpus=16,minvCpus=0) or JSON, `file://PATH` for a value kept in a file, and --cli-input-json for a \
            whole UpdateComputeEnvironment request, whose members the other options override. --compute-resources \
            changes only the members it gives. A DISABLED environment takes no new jobs; the jobs running on it \
            finish there. With --output json it prints UpdateComputeEnvironment's response \
            {"computeEnvironmentName", "computeEnvironmentArn"}.

            Examples:
              drover update-compute-environment --compute-environment spot --state DISABLED
              drover update-compute-environment --compute-environment spot --compute-resources maxvCpus=64
              drover update-compute-environment --cli-input-json file://environment-update.json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The environment's name or ARN (or --compute-environment).")
    var name: String?

    @Option(name: .customLong("compute-environment"), help: "The environment's name or ARN.")
    var computeEnvironment: String?

    @Option(help: "ENABLED or DISABLED.")
    var state: String?

    @Option(name: .customLong("unmanagedv-cpus"), parsing: .unconditional, help: "vCPUs of an UNMANAGED environment (kept and shown).")
    var unmanagedvCpus: Int?

    @Option(name: .customLong("compute-resources"), help: ArgumentHelp(
        "maxvCpus=N,minvCpus=N,desiredvCpus=N,instanceTypes=[...] (shorthand) or JSON: the members given change.", valueName: "resources"))
    var computeResources: String?

    @Option(name: .customLong("service-role"), help: "Service role (kept and shown).")
    var serviceRole: String?

    @Option(name: .customLong("update-policy"), help: ArgumentHelp(
        "terminateJobsOnUpdate=BOOL,jobExecutionTimeoutMinutes=N (kept and shown).", valueName: "policy"))
    var updatePolicy: String?

    @Option(help: "Context (kept and shown).")
    var context: String?

    @Option(name: .customLong("cli-input-json"), help: ArgumentHelp(
        "A whole UpdateComputeEnvironment request: file://PATH or JSON text; the other options override its members.", valueName: "request"))
    var cliInputJSON: String?

    func run() throws {
        var request = try AWSRequest(ResourceUpdate.Kind.computeEnvironment.operation, cliInputJSON: cliInputJSON)
        try request.name("computeEnvironment", argument: name, option: computeEnvironment, flag: "--compute-environment", label: "compute environment")
        request.set("state", state.map(JSONValue.string))
        request.set("unmanagedvCpus", unmanagedvCpus.map(JSONValue.integer))
        request.set("computeResources", try request.read(computeResources, "--compute-resources", member: "computeResources"))
        request.set("serviceRole", serviceRole.map(JSONValue.string))
        request.set("updatePolicy", try request.read(updatePolicy, "--update-policy", member: "updatePolicy"))
        request.set("context", context.map(JSONValue.string))
        try ResourceCommand.update(.computeEnvironment, request, global: global)
    }
}
