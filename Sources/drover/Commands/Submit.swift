import ArgumentParser
import DroverAPI
import DroverCore
import DroverStore
import Foundation

/// `drover submit`: submit one job (or array job) and print its id. Takes `aws batch submit-job`'s options in AWS's
/// forms (shorthand or JSON, `--cli-input-json`) and Drover's short forms.
struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a job to a queue and print its id.",
        discussion: """
            Takes `aws batch submit-job`'s options as the AWS CLI does: structures and lists as shorthand \
            (key=value,key2=[a,b],key3=[{k=v}]) or JSON, `file://PATH` for a value kept in a file, and \
            --cli-input-json for a whole SubmitJob request, whose members the other options override. \
            Drover's short forms (-q, -d, --array-size, --env, -p, --vcpus, --memory, --retry-attempts, the command \
            after --) apply last. With --output json it prints SubmitJob's response {"jobArn", "jobName", "jobId"}, \
            the ARN written with $DROVER_REGION and $DROVER_ACCOUNT_ID (default us-east-1, 000000000000).

            Examples:
              drover submit -q high -d hello --array-size 100
              drover submit -q high -d step2 --depends-on k3x9m2qd:N_TO_N --array-size 100
              drover submit -q high -d hello -- echo overridden command
              drover submit --job-name thumbs --job-queue high \\
                --job-definition thumbnails:3 --array-properties size=20 \\
                --depends-on jobId=k3x9m2qd,type=N_TO_N --tags team=imaging \\
                --container-overrides 'command=make,all,environment=[{name=M,value=1}]' \\
                --retry-strategy attempts=3 --timeout attemptDurationSeconds=600 \\
                --parameters input=photos
              drover submit --cli-input-json file://request.json --job-name rerun
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("q"), .customLong("job-queue")], help: "Queue name or ARN.")
    var jobQueue: String?

    @Option(name: [.customShort("d"), .customLong("job-definition")], help: "Definition name, name:revision or ARN.")
    var jobDefinition: String?

    @Option(name: [.customShort("n"), .customLong("job-name"), .customLong("name")], help: "Job name (default: the definition's name).")
    var name: String?

    @Option(help: ArgumentHelp("Array job: size=N, or JSON {\"size\": N}.", valueName: "size=N"))
    var arrayProperties: String?

    // Numbers are read with `.unconditional` so that `--vcpus -1` reaches the validator (and its
    // message) instead of being taken for a flag.
    @Option(parsing: .unconditional, help: "Run as an array job of this many children (2-1000000).")
    var arraySize: Int?

    @Option(name: .customLong("depends-on"), parsing: .upToNextOption, help: ArgumentHelp(
        "Jobs to wait for: jobId=ID,type=N_TO_N (several separated by spaces, as aws takes them), a JSON list, or ID, ID:N_TO_N, SEQUENTIAL, ID:SEQUENTIAL (repeatable).",
        valueName: "dependency"))
    var dependsOn: [String] = []

    @Option(name: .customLong("parameters"), help: ArgumentHelp("Parameters for Ref::name: k=v,k2=v2, or a JSON object.", valueName: "k=v,..."))
    var parameterMap: String?

    @Option(name: [.customShort("p"), .customLong("parameter")], help: "Parameter k=v for Ref::k (repeatable).")
    var parameters: [String] = []

    @Option(help: ArgumentHelp(
        "command=a,b, environment=[{name=K,value=V}], resourceRequirements=[{type=VCPU,value=2}] (shorthand), or JSON.",
        valueName: "overrides"))
    var containerOverrides: String?

    @Option(name: [.customShort("e"), .customLong("env")], help: "Environment variable K=V (repeatable).")
    var environment: [String] = []

    @Option(help: ArgumentHelp("attempts=N,evaluateOnExit=[{onExitCode=…,action=RETRY}], or JSON (replaces the definition's).", valueName: "strategy"))
    var retryStrategy: String?

    @Option(parsing: .unconditional, help: "Total attempts, 1-10 (replaces the definition's retry strategy).")
    var retryAttempts: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Attempt time limit: attemptDurationSeconds=N, JSON, or just SECONDS (1 to one year).", valueName: "timeout"))
    var timeout: String?

    @Option(help: ArgumentHelp("Tags k=v,k2=v2, or a JSON object.", valueName: "k=v,..."))
    var tags: String?

    @Flag(inversion: .prefixedNo, help: "Whether tags go on to the job's tasks (kept and shown).")
    var propagateTags: Bool?

    @Option(parsing: .unconditional, help: "Priority within a fair-share queue (kept and shown).")
    var schedulingPriorityOverride: Int?

    @Option(help: "Fair-share identifier (kept and shown).")
    var shareIdentifier: String?

    @Option(name: .customLong("cli-input-json"), help: ArgumentHelp(
        "A whole SubmitJob request: file://PATH or JSON text; the other options override its members.", valueName: "request"))
    var cliInputJSON: String?

    @Option(parsing: .unconditional, help: "vCPUs to hold while running (more than 0, at most 10000): a VCPU resource requirement.")
    var vcpus: Double?

    @Option(parsing: .unconditional, help: "Memory to hold while running, in MiB (1 to 1073741824): a MEMORY resource requirement.")
    var memory: Int?

    @Argument(parsing: .postTerminator, help: "Command override, after --.")
    var command: [String] = []

    func run() throws {
        var request = try makeRequest()
        request.traceContext = TraceParent.fromEnvironment(ProcessInfo.processInfo.environment)
        let store = try global.store()
        let response: SubmitJobResponse
        do {
            response = try global.service(store).submitJob(request)
        } catch {
            throw DroverError.from(error)
        }
        if global.output == .json {
            try Printer.json(response)
        } else {
            try Printer.out(response.jobId)
        }
    }
}
