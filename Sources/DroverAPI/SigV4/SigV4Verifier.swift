import Crypto
import Foundation

/// Why a request is refused before anything it asks for is done: AWS's error code (sent as `x-amzn-ErrorType`
/// with HTTP 403) and message.
public struct AuthenticationFailure: Error, Equatable, Sendable {
    public let code: String
    public let message: String

    static func missing(_ message: String) -> AuthenticationFailure {
        AuthenticationFailure(code: "MissingAuthenticationTokenException", message: message)
    }
    static func unknownKey(_ key: String) -> AuthenticationFailure {
        AuthenticationFailure(code: "UnrecognizedClientException", message: "The security token included in the request is invalid. (access key \(key))")
    }
    static func invalid(_ message: String) -> AuthenticationFailure {
        AuthenticationFailure(code: "InvalidSignatureException", message: message)
    }
}

/// Checks AWS Signature Version 4 on requests to one service: the access key is known, the scope names the service,
/// the request time is within the allowed skew of the server's clock, and the signature over the canonical request
/// (the body hashed by the server, so a changed body fails) matches, compared in constant time.
public struct SigV4Verifier: Sendable {
    /// Secret keys by access key id.
    public var secrets: [String: String]
    /// The signing name of the service (`batch`).
    public var service: String
    /// How far the request's time may be from the server's clock (AWS: 5 minutes).
    public var allowedSkew: TimeInterval

    public init(secrets: [String: String], service: String = "batch", allowedSkew: TimeInterval = 300) {
        self.secrets = secrets
        self.service = service
        self.allowedSkew = allowedSkew
    }

    /// The access key that signed `request`, or why it is refused.
    public func verify(_ request: SignedRequest, now: Date) -> Result<String, AuthenticationFailure> {
        guard let authorization = request.values(of: "authorization").first else {
            return .failure(.missing("Missing Authentication Token"))
        }
        guard let header = AuthorizationHeader(authorization) else {
            return .failure(.missing("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256)"))
        }
        guard let secret = secrets[header.accessKey] else { return .failure(.unknownKey(header.accessKey)) }
        guard header.service == service else {
            return .failure(.invalid("Credential should be scoped to correct service: '\(service)'."))
        }
        guard let time = request.values(of: "x-amz-date").first ?? request.values(of: "date").first, let date = Self.parse(time) else {
            return .failure(.invalid("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
        }
        guard time.hasPrefix(header.date) else {
            return .failure(.invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(header.date)' != '\(time.prefix(8))'"))
        }
        guard abs(date.timeIntervalSince(now)) <= allowedSkew else {
            return .failure(.invalid("Signature expired: \(time) is now earlier or later than \(Self.format(now)) by more than \(Int(allowedSkew / 60)) minutes."))
        }
        guard header.signedHeaders.contains("host") else {
            return .failure(.invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."))
        }
        let bodyHash = SigV4.hex(SHA256.hash(data: request.body))
        if let claimed = request.values(of: "x-amz-content-sha256").first, claimed != bodyHash, claimed != "UNSIGNED-PAYLOAD" {
            return .failure(.invalid("The provided 'x-amz-content-sha256' header does not match what was computed."))
        }
        let canonical = SigV4.canonicalRequest(request, signedHeaders: header.signedHeaders, payloadHash: bodyHash)
        let stringToSign = SigV4.stringToSign(time: time, scope: header.scope, canonicalRequest: canonical)
        let key = SigV4.signingKey(secret: secret, date: header.date, region: header.region, service: header.service)
        let expected = SigV4.signature(stringToSign, key: key)
        guard Self.constantTimeEqual(expected, header.signature) else {
            return .failure(.invalid(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."))
        }
        return .success(header.accessKey)
    }

    /// `20261130T101602Z` as a date; nil unless it is exactly that form and a real time. Read by hand: a
    /// DateFormatter took a tenth of the server's time per request.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// A date as `20261130T101602Z`.
    static func format(_ date: Date) -> String { amzDateFormatter().string(from: date) }

    /// The ISO 8601 basic format of `X-Amz-Date`, in UTC.
    private static func amzDateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// `AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=HEX`.
struct AuthorizationHeader: Equatable {
    var accessKey: String
    var date: String
    var region: String
    var service: String
    var signedHeaders: [String]
    var signature: String

    var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

    init?(_ text: String) {
        guard text.hasPrefix(SigV4.algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in text.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[String(pair[0])] = String(pair[1])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else { return nil }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else { return nil }
        accessKey = scope[0]
        date = scope[1]
        region = scope[2]
        service = scope[3]
        signedHeaders = signed.split(separator: ";").map { $0.lowercased() }
        self.signature = signature
    }
}
