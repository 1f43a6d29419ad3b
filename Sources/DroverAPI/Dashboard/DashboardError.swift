/// A request the dashboard cannot serve, told on an error page: the HTTP status and what went wrong, in words that
/// say what to do.
struct DashboardError: Error, Sendable, Equatable {
    /// HTTP status: 400 for a bad request, 403 for a refused one, 404 for something that does not exist.
    var status: Int
    /// The message shown.
    var message: String

    /// Creates an error.
    init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> DashboardError { DashboardError(status: 400, message) }
    static func forbidden(_ message: String) -> DashboardError { DashboardError(status: 403, message) }
    static func notFound(_ message: String) -> DashboardError { DashboardError(status: 404, message) }
}
