import Foundation
import Testing

@testable import DroverAPI

/// Signature Version 4 as the real clients sign: each request is signed by botocore (scripts/sigv4-sign.py), then
/// checked by Drover's verifier, untouched and tampered with.
@Suite struct SigV4VerifierTests {
    static let verifier = SigV4Verifier(secrets: ["AKIDDROVER": "drover-secret"])

    /// A request signed by botocore with `key` and `secret` for `service`.
    static func signed(
        _ method: String, _ path: String, query: String = "", body: String = "", key: String = "AKIDDROVER",
        secret: String = "drover-secret", service: String = "batch"
    ) throws -> SignedRequest {
        let url = "http://127.0.0.1:8765" + path + (query.isEmpty ? "" : "?" + query)
        let spec: [String: String] = ["method": method, "url": url, "body": body, "key": key, "secret": secret, "region": "eu-west-1", "service": service]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        process.arguments = ["python3", root.appendingPathComponent("scripts/sigv4-sign.py").path, String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "botocore (pip awscli/boto3) signs the request")
        let headers = try JSONDecoder().decode([String: String].self, from: data)
        return SignedRequest(method: method, path: path, query: query, headers: headers.map { ($0.key, $0.value) }, body: Array(body.utf8))
    }

    @Test(arguments: [
        ("POST", "/v1/describejobs", "", #"{"jobs": ["a", "b"]}"#),
        ("POST", "/v1/submitjob", "", #"{"jobName": "thumbs ünïcode", "jobQueue": "q", "jobDefinition": "d:3"}"#),
        // A tag path: the ARN arrives percent-encoded and is signed double-encoded.
        ("POST", "/v1/tags/arn%3Aaws%3Abatch%3Aeu-west-1%3A123456789012%3Ajob-queue%2Fspot%20first", "", #"{"tags": {"a": "b"}}"#),
        ("DELETE", "/v1/tags/arn%3Aaws%3Abatch%3Aeu-west-1%3A123456789012%3Ajob%2Fx", "tagKeys=b%20c&tagKeys=a", ""),
        ("GET", "/v1/tags/arn%3Aaws%3Abatch%3Aeu-west-1%3A123456789012%3Ajob%2Fx", "", ""),
    ])
    func requestsSignedByBotocoreAreAccepted(method: String, path: String, query: String, body: String) throws {
        let request = try Self.signed(method, path, query: query, body: body)
        #expect(Self.verifier.verify(request, now: Date()) == .success("AKIDDROVER"))
    }

    @Test func refusalsSayWhyWithAWSCodes() throws {
        let now = Date()
        func code(_ request: SignedRequest, at time: Date = now) -> String? {
            if case .failure(let failure) = Self.verifier.verify(request, now: time) { return failure.code }
            return nil
        }
        let good = try Self.signed("POST", "/v1/describejobs", body: #"{"jobs": ["a"]}"#)
        var unsigned = good
        unsigned.headers.removeAll { $0.name.lowercased() == "authorization" }
        #expect(code(unsigned) == "MissingAuthenticationTokenException")
        #expect(code(try Self.signed("POST", "/v1/describejobs", body: "{}", secret: "wrong")) == "InvalidSignatureException")
        #expect(code(try Self.signed("POST", "/v1/describejobs", body: "{}", key: "AKIDOTHER")) == "UnrecognizedClientException")
        #expect(code(try Self.signed("POST", "/v1/describejobs", body: "{}", service: "s3")) == "InvalidSignatureException")
        #expect(code(good, at: now.addingTimeInterval(6 * 60)) == "InvalidSignatureException", "outside the 5-minute skew")
        #expect(code(good, at: now.addingTimeInterval(-6 * 60)) == "InvalidSignatureException")
        #expect(code(good, at: now.addingTimeInterval(4 * 60)) == nil, "inside the skew")
        var tampered = good
        tampered.body = Array(#"{"jobs": ["b"]}"#.utf8)
        #expect(code(tampered) == "InvalidSignatureException", "a body changed after signing")
        var moved = good
        moved.path = "/v1/canceljob"
        #expect(code(moved) == "InvalidSignatureException", "another operation")
        var garbled = good
        garbled.headers = garbled.headers.map { $0.name.lowercased() == "authorization" ? ($0.name, "AWS4-HMAC-SHA256 nonsense") : $0 }
        #expect(code(garbled) == "MissingAuthenticationTokenException")
    }

    @Test func canonicalPieces() {
        #expect(SigV4.canonicalURI("/v1/tags/arn%3Aaws%3Abatch") == "/v1/tags/arn%253Aaws%253Abatch")
        #expect(SigV4.canonicalQuery("tagKeys=c&tagKeys=a%20b&x") == "tagKeys=a%20b&tagKeys=c&x=")
        #expect(SigV4.canonicalHeaderValue(["  a   b ", "c"]) == "a b,c")
        #expect(SigV4.encode("a b/~é") == "a%20b%2F~%C3%A9")
    }
}

/// `X-Amz-Date` is read by hand: the same instants as Foundation's calendar gives, and nothing that is not a real time.
@Suite struct AmzDateTests {
    @Test(arguments: ["20261130T101602Z", "20000229T000000Z", "20240229T235959Z", "19700101T000000Z", "20991231T235959Z", "20260301T120000Z"])
    func realTimesAreReadAsTheCalendarReadsThem(_ text: String) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let digits = Array(text).map(String.init)
        func part(_ range: Range<Int>) -> Int { Int(digits[range].joined()) ?? -1 }
        let expected = calendar.date(from: DateComponents(year: part(0..<4), month: part(4..<6), day: part(6..<8),
                                                          hour: part(9..<11), minute: part(11..<13), second: part(13..<15)))
        #expect(SigV4Verifier.parse(text) == expected)
    }

    @Test(arguments: ["20261130T101602", "2026113T101602Z", "20260230T000000Z", "21000229T000000Z", "20261301T000000Z",
                      "20261100T000000Z", "20261130T241602Z", "20261130T106002Z", "2026-11-30T10:16:02Z", "", "20261130t101602z",
                      "+0261130T101602Z", "20261130T10160２Z"])
    func anythingElseIsRefused(_ text: String) {
        #expect(SigV4Verifier.parse(text) == nil)
    }
}
