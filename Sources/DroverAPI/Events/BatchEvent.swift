import DroverCore
import DroverStore
import Foundation

/// An event in Amazon EventBridge's shape, as AWS Batch sends them: `"source": "aws.batch"`, `"detail-type"`
/// `Batch Job State Change` or `Batch Job Queue Blocked`, and `detail` the job as `DescribeJobs` returns it, as of the
/// event.
public struct BatchEvent: Encodable, Sendable {
    /// EventBridge's envelope version, always "0".
    public var version = "0"
    /// The event's id: UUID-shaped, its last group the store's event number in decimal, so that a redelivered event
    /// keeps its id and a consumer can resume after it (``sequence(of:)``).
    public var id: String
    /// `Batch Job State Change` or `Batch Job Queue Blocked`.
    public var detailType: String
    /// Always `aws.batch`.
    public var source = "aws.batch"
    /// The account in the server's ARNs.
    public var account: String
    /// When it happened, ISO 8601 to the second in UTC, as EventBridge writes it.
    public var time: String
    /// The region in the server's ARNs.
    public var region: String
    /// The job's ARN, and the queue's for a blocked queue.
    public var resources: [String]
    /// The job as of the event.
    public var detail: JobDetailShape

    enum CodingKeys: String, CodingKey {
        case version, id, detailType = "detail-type", source, account, time, region, resources, detail
    }

    /// `detail-type` of a state change.
    public static let stateChange = "Batch Job State Change"
    /// `detail-type` of a job blocking its queue.
    public static let queueBlocked = "Batch Job Queue Blocked"

    /// The id of the store's event `sequence`: `00000000-0000-0000-0000-000000000042`.
    public static func id(of sequence: Int64) -> String {
        let digits = String(sequence)
        return "00000000-0000-0000-0000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// The store's event number an event id (or the bare number) stands for; nil for anything else.
    public static func sequence(of text: String) -> Int64? {
        if let number = Int64(text), number >= 0 { return number }
        let prefix = "00000000-0000-0000-0000-"
        guard text.hasPrefix(prefix), let number = Int64(text.dropFirst(prefix.count)), number >= 0 else { return nil }
        return number
    }

    /// EventBridge's time format for `millis`: `2022-01-11T23:36:40Z`.
    static func time(_ millis: EpochMillis) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
            .replacingOccurrences(of: "+0000", with: "Z")
    }
}
