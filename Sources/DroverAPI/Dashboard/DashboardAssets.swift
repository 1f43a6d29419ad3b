import Crypto
import Foundation

/// The style sheet and script, served from the binary under paths that change with their content, so that a
/// browser may keep them for a day and still never runs an old script against a new page.
enum DashboardAssets {
    /// A short digest of `text`, for its path.
    static func version(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    static let stylePath = "/static/dashboard-\(version(DashboardStyle.sheet)).css"
    static let scriptPath = "/static/dashboard-\(version(DashboardScript.source)).js"

    /// The asset served at `path` and its content type, nil when none is.
    static func asset(at path: String) -> (body: String, type: String)? {
        switch path {
        case stylePath: (DashboardStyle.sheet, "text/css; charset=utf-8")
        case scriptPath: (DashboardScript.source, "text/javascript; charset=utf-8")
        default: nil
        }
    }
}
