import Foundation

/// The dashboard's paths; any other path is left to the next handler (the API).
enum DashboardRoute: Equatable, Sendable {
    /// `/`: the queue board.
    case board
    /// `/jobs`: the job list.
    case jobs
    /// `/jobs/ID`: a job's page, or an array's.
    case job(String)
    /// `/jobs/ID/log`: part of an attempt's log.
    case log(String)
    /// `POST /jobs/ID/ACTION`: a button.
    case action(String, JobAction)
    /// `/static/...`: the style sheet or the script.
    case asset(String)
    /// `/favicon.ico`, which browsers ask for: nothing.
    case favicon

    /// The route of `path`, nil when it is not the dashboard's. A job id is percent-decoded (`%3A` for a child's `:`).
    init?(path: String) {
        switch path {
        case "/": self = .board
        case "/jobs", "/jobs/": self = .jobs
        case "/favicon.ico": self = .favicon
        default:
            if path.hasPrefix("/static/") {
                self = .asset(path)
                return
            }
            guard path.hasPrefix("/jobs/") else { return nil }
            let parts = path.dropFirst("/jobs/".count).split(separator: "/", omittingEmptySubsequences: false)
            guard let id = parts.first.flatMap({ String($0).removingPercentEncoding }), !id.isEmpty, parts.count <= 2 else { return nil }
            if parts.count == 1 {
                self = .job(id)
            } else if parts[1] == "log" {
                self = .log(id)
            } else if let action = JobAction(rawValue: String(parts[1])) {
                self = .action(id, action)
            } else {
                return nil
            }
        }
    }

    /// Whether it is a page (which follows the event stream), not a log, a button or an asset.
    var isPage: Bool {
        switch self {
        case .board, .jobs, .job: true
        case .log, .action, .asset, .favicon: false
        }
    }

    /// The method the route takes: POST for buttons, GET for the rest.
    var method: String {
        if case .action = self { return "POST" }
        return "GET"
    }
}
