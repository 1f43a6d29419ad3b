/// Step Functions speaks to AWS Batch with PascalCase member names (`JobName`, `ContainerOverrides.Environment[0].Name`)
/// where Batch's API uses camelCase: these turn a task's `Parameters` into a `SubmitJob` request, and a job's
/// `DescribeJobs` record into the task's result.
public enum BatchTaskShapes {
    /// Members whose values are maps of the user's own keys, which keep their spelling.
    static let userMaps: Set<String> = ["parameters", "tags"]

    /// The `SubmitJob` request a task's evaluated `Parameters` ask for; a `Batch.ClientException` names what is wrong,
    /// as AWS Batch's answer would.
    public static func request(from parameters: JSONValue) throws(StatesError) -> SubmitJobRequest {
        guard case .object(let members) = parameters else {
            throw StatesError("Batch.ClientException", "the task's Parameters must be an object with JobName, JobQueue and JobDefinition")
        }
        let known: Set<String> = ["jobName", "jobQueue", "jobDefinition", "arrayProperties", "dependsOn", "parameters",
                                  "containerOverrides", "retryStrategy", "timeout", "tags", "propagateTags",
                                  "schedulingPriorityOverride", "shareIdentifier"]
        for key in members.keys.sorted() where !known.contains(camel(key)) {
            throw StatesError("Batch.ClientException", "Parameters.\(key) is not a member of SubmitJob that Drover runs")
        }
        let request = camelCased(parameters)
        for required in ["jobName", "jobQueue", "jobDefinition"] where request[required]?.string == nil {
            throw StatesError("Batch.ClientException", "Parameters.\(pascal(required)) must be a string")
        }
        do {
            return try request.decode(SubmitJobRequest.self)
        } catch {
            throw StatesError("Batch.ClientException", "the task's Parameters are not a valid SubmitJob request: \(error.message)")
        }
    }

    /// `value` with every member name in camelCase, but the keys of user maps (`Parameters`, `Tags`).
    public static func camelCased(_ value: JSONValue) -> JSONValue {
        renamed(value, camel)
    }

    /// `value` with every member name in PascalCase, but the keys of user maps (`parameters`, `tags`).
    public static func pascalCased(_ value: JSONValue) -> JSONValue {
        renamed(value, pascal)
    }

    static func renamed(_ value: JSONValue, _ rename: (String) -> String) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                out[rename(key)] = userMaps.contains(camel(key)) ? member : renamed(member, rename)
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { renamed($0, rename) })
        default:
            return value
        }
    }

    static func camel(_ key: String) -> String {
        guard let first = key.first else { return key }
        return first.lowercased() + key.dropFirst()
    }

    static func pascal(_ key: String) -> String {
        guard let first = key.first else { return key }
        return first.uppercased() + key.dropFirst()
    }

    /// What `SubmitJob` answered, as a `batch:submitJob` task's result.
    public static func submitResponse(jobArn: String, jobName: String, jobId: String) -> JSONValue {
        ["JobArn": .string(jobArn), "JobName": .string(jobName), "JobId": .string(jobId)]
    }
}
