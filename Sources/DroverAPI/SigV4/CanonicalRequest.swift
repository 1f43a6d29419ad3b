import Crypto
import Foundation

/// The pieces of Signature Version 4 that are computed the same way by client and server: the canonical request,
/// the string to sign and the signing key. Pure functions, written once.
enum SigV4 {
    static let algorithm = "AWS4-HMAC-SHA256"

    /// The canonical request: method, canonical URI, canonical query, canonical headers, signed header names and
    /// the payload's hash, one per line.
    static func canonicalRequest(_ request: SignedRequest, signedHeaders: [String], payloadHash: String) -> String {
        [
            request.method.uppercased(),
            canonicalURI(request.path),
            canonicalQuery(request.query),
            signedHeaders.map { "\($0):\(canonicalHeaderValue(request.values(of: $0)))\n" }.joined(),
            signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The path as sent, encoded once more, segment by segment (AWS services other than S3 sign the path
    /// double-encoded: `/v1/tags/arn%3Aaws` is signed as `/v1/tags/arn%253Aaws`).
    static func canonicalURI(_ path: String) -> String {
        let raw = path.isEmpty ? "/" : path
        return raw.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }

    /// The query's parameters decoded, encoded strictly, and sorted by name, then value.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(String(parts[0]))
            let value = parts.count > 1 ? decode(String(parts[1])) : ""
            return (encode(name), encode(value))
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Header values trimmed, runs of spaces made one, repeated headers joined with commas.
    static func canonicalHeaderValue(_ values: [String]) -> String {
        values.map { value in
            value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                .trimmingCharacters(in: [" ", "\t"])
        }.joined(separator: ",")
    }

    /// The string to sign: the algorithm, the request time, the scope and the canonical request's hash.
    static func stringToSign(time: String, scope: String, canonicalRequest: String) -> String {
        [algorithm, time, scope, hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    /// The signing key: HMAC-SHA256 chained over the date, the region, the service and `aws4_request`.
    static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// The signature of `stringToSign` with `key`, in hex.
    static func signature(_ stringToSign: String, key: SymmetricKey) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// Percent-encodes every byte but the unreserved characters (A–Z, a–z, 0–9, `-`, `_`, `.`, `~`).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Decodes `%XX` escapes and `+` (a space in a form-encoded query); malformed escapes are kept as they are.
    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let value = UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(utf8[index] == UInt8(ascii: "+") ? UInt8(ascii: " ") : utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hex<D: Sequence<UInt8>>(_ digest: D) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
