import DroverCore
import DroverStore
import Foundation

/// The filters of the dashboard's job list (`/jobs?queue=&status=&name=&since=&after=`), read from its query.
struct JobListFilter: Sendable, Equatable {
    /// Only this queue.
    var queue: String?
    /// Only this status.
    var status: JobStatus?
    /// Only names that begin with this (case-insensitive).
    var name: String?
    /// Only jobs submitted at or after this time (epoch ms).
    var since: EpochMillis?
    /// The text `since` was given as, shown back in the form.
    var sinceText: String?
    /// Continue after this position (the previous page's last job).
    var after: Int64?

    /// Jobs on one page.
    static let pageSize = 50
    /// Longest name filter taken.
    static let maxNameLength = 128

    /// Creates a filter that lets every job through.
    init(queue: String? = nil, status: JobStatus? = nil, name: String? = nil, since: EpochMillis? = nil, sinceText: String? = nil, after: Int64? = nil) {
        self.queue = queue
        self.status = status
        self.name = name
        self.since = since
        self.sinceText = sinceText
        self.after = after
    }

    /// The filter `parameters` ask for; empty values mean no filter. `queues` are the queues that exist, `now` is
    /// what relative times (`since=2h`) count back from. An error names the parameter and says what it takes.
    static func parse(_ parameters: [String: String], queues: [String], now: EpochMillis) throws(DashboardError) -> JobListFilter {
        var filter = JobListFilter()
        func value(_ name: String) -> String? {
            let text = parameters[name]?.trimmingCharacters(in: .whitespaces) ?? ""
            return text.isEmpty ? nil : text
        }
        if let queue = value("queue") {
            guard queues.contains(queue) else {
                throw .badRequest("queue: there is no job queue '\(queue)'" + (queues.isEmpty ? " (there are none yet)" : "; the queues are \(queues.joined(separator: ", "))"))
            }
            filter.queue = queue
        }
        if let status = value("status") {
            guard let parsed = JobStatus(parsing: status) else {
                throw .badRequest("status: '\(status)' is not a job status; give one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = parsed
        }
        if let name = value("name") {
            guard name.count <= maxNameLength else { throw .badRequest("name: at most \(maxNameLength) characters") }
            filter.name = name
        }
        if let since = value("since") {
            guard let time = parseTime(since, now: now) else {
                throw .badRequest("since: '\(since)' is not a time; give a date (2026-12-01), a UTC time (2026-12-01T08:30 or 2026-12-01T08:30:00Z) or an age (90s, 30m, 2h, 7d)")
            }
            filter.since = time
            filter.sinceText = since
        }
        if let after = value("after") {
            guard let position = Int64(after), position > 0 else { throw .badRequest("after: '\(after)' is not a position in the list; follow the page links") }
            filter.after = position
        }
        return filter
    }

    /// Epoch ms of `text`: an age back from `now` (`90s`, `30m`, `2h`, `7d`), a date (`2026-12-01`, midnight UTC), or a
    /// UTC time `2026-12-01T08:30`, with seconds and a `Z` optional; nil for anything else.
    static func parseTime(_ text: String, now: EpochMillis) -> EpochMillis? {
        if let unit = text.last, let seconds = ["s": 1, "m": 60, "h": 3600, "d": 86_400][unit], let count = Int64(text.dropLast()), count >= 0,
           count <= 100 * 365 * 86_400 / Int64(seconds) {
            return now - count * Int64(seconds) * 1000
        }
        var body = Substring(text)
        if body.hasSuffix("Z") { body = body.dropLast() }
        let halves = body.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, halves[0].count == 10, let year = date[0], let month = date[1], let day = date[2],
              (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var clock = [0, 0, 0]
        if halves.count == 2 {
            let parts = halves[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 }) else { return nil }
            for (index, part) in parts.enumerated() {
                guard let number = Int(part) else { return nil }
                clock[index] = number
            }
            guard clock[0] < 24, clock[1] < 60, clock[2] < 60 else { return nil }
        }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (clock[0], clock[1], clock[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let parsed = calendar.date(from: components), calendar.component(.day, from: parsed) == day else { return nil }
        return EpochMillis(parsed.timeIntervalSince1970 * 1000)
    }

    /// The store's query for one page of this filter, newest first.
    var query: JobListQuery {
        var query = JobListQuery()
        query.queue = queue
        query.statuses = status.map { [$0] } ?? []
        query.name = name
        query.namePrefix = true
        query.createdAfter = since.map { $0 - 1 }
        query.newestFirst = true
        query.after = after
        query.limit = Self.pageSize
        return query
    }

    /// The query string of this filter (without the page position), to link to it.
    var parameters: [(String, String)] {
        [("queue", queue), ("status", status?.rawValue), ("name", name), ("since", sinceText)].compactMap { name, value in value.map { (name, $0) } }
    }
}
