import DroverCore

/// What the commands that change resources (`update-job-queue`, `delete-compute-environment`...) share: they perform
/// AWS Batch's operation of the same name through the API's own code, and print its response with `--output json`
/// or a line saying what was done.
enum ResourceCommand {
    /// Performs `operation` with `request`; prints the response as JSON with `--output json`, else `line` of it.
    static func perform(_ operation: String, _ request: JSONValue, global: GlobalOptions, line: (JSONValue) -> String) throws(DroverError) {
        let response = try global.call(operation, request)
        if global.output == .json {
            try Printer.json(response)
        } else {
            try Printer.out(line(response))
        }
    }

    /// Performs the partial update `request` describes (`UpdateJobQueue`, `UpdateComputeEnvironment`): only the members
    /// it gives change. The text output names them.
    static func update(_ kind: ResourceUpdate.Kind, _ request: AWSRequest, global: GlobalOptions) throws(DroverError) {
        let update = ResourceUpdate(kind, request: request.request)
        try perform(kind.operation, request.request, global: global) { response in
            update.summary("updated", name: response["\(kind.rawValue)Name"]?.string ?? "")
        }
    }

    /// Performs `operation` on one resource, named by the command's argument or its AWS option `flag` (the request's
    /// `member`, and its only one, as for the deletes); the text output is `DONE LABEL NAME`.
    static func act(_ operation: String, on member: String, argument: String?, option: String?, flag: String, label: String,
                    done: String, global: GlobalOptions) throws(DroverError) {
        guard let target = try AWSRequest.target(argument, option, flag: flag, label: label) else {
            throw AWSRequest.missing(label, flag: flag)
        }
        try perform(operation, .object([member: .string(target)]), global: global) { _ in "\(done) \(label) \(ResourceName.fromArn(target))" }
    }
}
