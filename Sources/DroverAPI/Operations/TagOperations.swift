import DroverCore
import DroverStore
import Foundation

/// `TagResource`'s request body (the ARN is in the path).
struct TagResourceRequest: Decodable {
    var tags: [String: String]
}

/// `ListTagsForResource`'s response.
struct ListTagsResponse: Encodable {
    var tags: [String: String]
}

extension BatchService {
    /// The tag operations on `/v1/tags/{resourceArn}`: GET lists (`ListTagsForResource`), POST adds
    /// (`TagResource`), DELETE with repeated `tagKeys` removes (`UntagResource`).
    func tags(method: String, resourceArn: String, query: String, body: Data) -> Result<Data, APIError> {
        do {
            guard let arn = BatchARN(resourceArn) else {
                throw APIError.client("resourceArn: '\(resourceArn)' is not an AWS Batch ARN (arn:aws:batch:REGION:ACCOUNT:KIND/NAME)")
            }
            if case .failure(let problem) = arns.resolve(resourceArn, as: arn.kind) {
                throw APIError.client("resourceArn: \(problem.description)")
            }
            let resource = "\(arn.kind.rawValue)/\(arn.resource)"
            guard try store.resourceExists(resource) else {
                throw APIError.client("resourceArn: no \(arn.kind.label) '\(arn.resource)'")
            }
            switch method {
            case "GET":
                return .success(try ResponseEncoder.encode(ListTagsResponse(tags: try store.tags(of: resource))))
            case "POST":
                let request = try RequestDecoder.decode(TagResourceRequest.self, from: body.isEmpty ? Data("{}".utf8) : body, operation: "TagResource")
                try Self.checkTags(request.tags)
                try store.tag(resource, with: request.tags)
                return .success(try ResponseEncoder.encode(EmptyResponse()))
            case "DELETE":
                let keys = Self.queryValues(query, name: "tagKeys")
                guard !keys.isEmpty else { throw APIError.client("UntagResource: give at least one tagKeys") }
                try store.untag(resource, keys: keys)
                return .success(try ResponseEncoder.encode(EmptyResponse()))
            default:
                throw APIError.client("\(method) /v1/tags/...: use GET (list), POST (tag) or DELETE (untag)")
            }
        } catch let error as APIError {
            return .failure(error)
        } catch let error as DroverError {
            return .failure(APIError(error))
        } catch {
            return .failure(.server("\(error)"))
        }
    }

    /// AWS's limits on tags (``Validator/validate(tags:field:)``).
    static func checkTags(_ tags: [String: String]) throws(APIError) {
        if let issue = Validator.validate(tags: tags, field: "tags").first { throw APIError.client(issue.description) }
    }

    /// Every value of `name` in a query string, percent-decoded (`+` is a space only in forms, not here).
    static func queryValues(_ query: String, name: String) -> [String] {
        query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].removingPercentEncoding == name else { return nil }
            return parts[1].removingPercentEncoding
        }
    }
}
