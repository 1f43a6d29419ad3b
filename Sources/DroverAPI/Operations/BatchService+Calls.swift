import DroverCore
import Foundation

/// AWS Batch's operations called in process, for the CLI: its commands that change or show resources go through
/// the API's own checks and shapes, so that they refuse what the API refuses and print what it answers.
extension BatchService {
    /// The members of `operation`'s request (`UpdateJobQueue`) as AWS's model declares them, to read the AWS CLI's
    /// option values and `--cli-input-json` with; nil for an operation whose request is read into a fixed type.
    public static func requestShape(of operation: String) -> MemberShape? {
        operations[operation.lowercased()]?.requestShape?.memberShape
    }

    /// Performs `operation` with `request` exactly as the API performs it (the same checks, changes and refusals)
    /// and gives its response.
    public func call(_ operation: String, _ request: JSONValue) throws(APIError) -> JSONValue {
        let body: Data
        do {
            body = try ResponseEncoder.encode(request)
        } catch {
            throw APIError.client("\(operation): the request cannot be written as JSON: \(error)")
        }
        switch perform(operation, body: body) {
        case .success(let data):
            do {
                return try JSONDecoder().decode(JSONValue.self, from: data)
            } catch {
                throw APIError.server("\(operation): the response is not JSON: \(error)")
            }
        case .failure(let error):
            throw error
        }
    }

    /// Every page of a describe operation (`DescribeJobQueues`) as one response, as the AWS CLI prints it when it
    /// pages on its own: the list `member` of each page, in order, and no `nextToken`.
    public func describeAll(_ operation: String, listing member: String, _ request: JSONValue = .object([:])) throws(APIError) -> JSONValue {
        var items: [JSONValue] = []
        var page = request
        while true {
            let response = try call(operation, page)
            items += response[member]?.array ?? []
            guard let token = response["nextToken"]?.string else { break }
            page["nextToken"] = .string(token)
        }
        return .object([member: .array(items)])
    }
}
