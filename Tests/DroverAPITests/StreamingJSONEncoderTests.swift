@testable import DroverAPI
import DroverCore
import DroverStore
import Foundation
import Testing

/// The API's encoder writes what Foundation's JSONEncoder (with `.withoutEscapingSlashes`) writes, for the shapes
/// the API answers with and for awkward values.
@Suite struct StreamingJSONEncoderTests {
    struct Awkward: Encodable {
        enum Kind: String, Encodable { case a = "A/B" }
        struct Inner: Encodable {
            var values: [Int?]
            var map: [String: [Double]]
        }
        var text: String
        var optional: String?
        var absent: Int?
        var kind: Kind
        var flags: [Bool]
        var numbers: [Double]
        var big: Int64
        var small: Int32
        var unsigned: UInt64
        var inner: [Inner]
        var empty: [String: String]
        var nested: [[String]]
    }

    static func parsed(_ data: Data) throws -> NSObject {
        try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? NSObject ?? NSNull()
    }

    static func foundation<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    @Test func awkwardValuesAreWrittenAsFoundationWritesThem() throws {
        let value = Awkward(
            text: "quote \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{7} é 漢字 🙂 \u{2028}", optional: "x", absent: nil,
            kind: .a, flags: [true, false], numbers: [0, -0.5, 1.5, 1e-7, 123456789.25, 3], big: .max, small: .min, unsigned: .max,
            inner: [Awkward.Inner(values: [1, nil, -3], map: ["k": [2.5], "": []])], empty: [:], nested: [[], ["a"]])
        let ours = try StreamingJSONEncoder.encode(value)
        let theirs = try Self.foundation(value)
        #expect(try Self.parsed(ours) == Self.parsed(theirs), "\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: theirs, as: UTF8.self))")
        #expect(String(decoding: ours, as: UTF8.self).contains(#""text":"quote \" backslash \\ slash / newline \n tab \t nul \u0000 bell \u0007"#))
        #expect(try StreamingJSONEncoder.encode("plain") == Data(#""plain""#.utf8))
        #expect(try StreamingJSONEncoder.encode([String: Int]()) == Data("{}".utf8))
        #expect(try StreamingJSONEncoder.encode(EmptyResponse()) == Data("{}".utf8))
    }

    @Test func theJobShapesAreWrittenAsFoundationWritesThem() throws {
        let (service, store, job) = try APIFuzzTests.makeService()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        var request = SubmitJobRequest(jobName: "tagged", jobQueue: "q", jobDefinition: "d", dependsOn: [JobDependency(jobId: job)])
        request.tags = ["a": "b"]
        request.parameters = ["p": "v \"quoted\""]
        request.retryStrategy = RetryStrategy(attempts: 2, evaluateOnExit: [EvaluateOnExit(action: "exit", onExitCode: "3")])
        let second = try store.submit([request])[0].jobId
        _ = try store.cancel(second, reason: "changed my mind")
        let response = try service.describeJobs(ids: [job, "\(job):1", second])
        #expect(response.jobs.count == 3)
        #expect(try Self.parsed(StreamingJSONEncoder.encode(response)) == Self.parsed(Self.foundation(response)))
        let list = service.listJobs(showing: try store.listJobs(JobListQuery()).jobs)
        #expect(try Self.parsed(StreamingJSONEncoder.encode(list)) == Self.parsed(Self.foundation(list)))
    }

    @Test func nonFiniteNumbersAreLeftToFoundationWhichRefusesThem() throws {
        #expect(throws: (any Error).self) { try StreamingJSONEncoder.encode([Double.nan]) }
    }
}
