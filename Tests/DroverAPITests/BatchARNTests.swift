import Testing

@testable import DroverAPI

/// ARNs as AWS Batch writes them, and names or ARNs wherever a resource is taken.
@Suite struct BatchARNTests {
    @Test(arguments: [
        ("arn:aws:batch:us-east-1:123456789012:job/8c1c5f7e-1b2d-4d8e-9f3a-0123456789ab", BatchARN.Kind.job, "8c1c5f7e-1b2d-4d8e-9f3a-0123456789ab"),
        ("arn:aws:batch:eu-west-1:000000000000:job-queue/spot-first", .jobQueue, "spot-first"),
        ("arn:aws:batch:eu-west-1:000000000000:compute-environment/spot", .computeEnvironment, "spot"),
        ("arn:aws:batch:eu-west-1:000000000000:job-definition/thumbnails:3", .jobDefinition, "thumbnails:3"),
        ("arn:aws-cn:batch:cn-north-1:000000000000:scheduling-policy/fair", .schedulingPolicy, "fair"),
    ])
    func parsesAndWritesBack(text: String, kind: BatchARN.Kind, resource: String) throws {
        let arn = try #require(BatchARN(text))
        #expect(arn.kind == kind && arn.resource == resource && arn.description == text)
        #expect(BatchARN.resolve(text, as: kind) == .success(resource))
    }

    @Test(arguments: [
        ("arn:aws:s3:::bucket", "is not an AWS Batch ARN"),
        ("arn:aws:batch:us-east-1:12345:job-queue/q", "is not an AWS Batch ARN"),
        ("arn:aws:batch:us-east-1:123456789012:queue/q", "is not an AWS Batch ARN"),
        ("arn:aws:batch:us-east-1:123456789012:job-queue/", "is not an AWS Batch ARN"),
        ("arn:aws:batch:us-east-1:123456789012:compute-environment/q", "is the ARN of a compute environment, not of a job queue"),
        ("", "an empty job queue name"),
    ])
    func refusesWhatIsNotAQueue(text: String, message: String) {
        guard case .failure(let error) = BatchARN.resolve(text, as: .jobQueue) else {
            Issue.record("'\(text)' was taken")
            return
        }
        #expect(error.description.contains(message), "\(error)")
    }

    @Test func plainNamesAreTakenAsTheyAre() {
        #expect(BatchARN.resolve("spot-first", as: .jobQueue) == .success("spot-first"))
        #expect(BatchARN(region: "us-east-1", account: "123456789012", kind: .jobDefinition, resource: "d:1").description
            == "arn:aws:batch:us-east-1:123456789012:job-definition/d:1")
    }

    /// A server takes only ARNs of its own partition, region and account; plain names and its own ARNs resolve as
    /// ``BatchARN/resolve(_:as:)`` resolves them.
    @Test func aServerTakesOnlyItsOwnARNs() {
        let arns = ARNBuilder(region: "eu-west-1", account: "123456789012")
        #expect(arns.resolve("q", as: .jobQueue) == .success("q"))
        #expect(arns.resolve("arn:aws:batch:eu-west-1:123456789012:job-queue/q", as: .jobQueue) == .success("q"))
        for foreign in ["arn:aws:batch:us-east-1:123456789012:job-queue/q", "arn:aws:batch:eu-west-1:000000000000:job-queue/q",
                        "arn:aws-cn:batch:eu-west-1:123456789012:job-queue/q"] {
            guard case .failure(let error) = arns.resolve(foreign, as: .jobQueue) else {
                Issue.record("'\(foreign)' was taken")
                continue
            }
            #expect(error.description.contains("this server's are of partition aws, region eu-west-1, account 123456789012"), "\(error)")
        }
        guard case .failure(let kind) = arns.resolve("arn:aws:batch:us-east-1:123456789012:job/x", as: .jobQueue) else {
            Issue.record("a job's ARN was taken for a queue")
            return
        }
        #expect(kind.description.contains("is the ARN of a job, not of a job queue"))
    }
}
