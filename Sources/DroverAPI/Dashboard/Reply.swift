import HTTPTypes
import Hummingbird
import NIOCore

/// A dashboard response before it becomes Hummingbird's: status, content, and the headers every page carries.
struct Reply: Sendable {
    var status: Int
    var type: String
    var body: String
    /// Whether a browser may keep it (the assets, whose path changes with their content).
    var cacheable = false
    var headers: [(String, String)] = []

    /// The headers of every dashboard response: no framing (clickjacking), no script, style or form target from
    /// elsewhere, no content sniffing, no page address sent to other sites.
    static let securityHeaders = [
        ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"),
        ("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
    ]

    /// A page, or with `fragment` only its live part (what the script fetches again).
    static func page(title: String, section: PageLayout.Section?, live: HTML, updates: PageLayout.Live, below: HTML = "", fragment: Bool) -> Reply {
        let html = fragment ? live : PageLayout.page(title: title, section: section, live: live, updates: updates, below: below)
        return Reply(status: 200, type: "text/html; charset=utf-8", body: html.text)
    }

    /// An error page that says what went wrong.
    static func error(_ error: DashboardError) -> Reply {
        let live: HTML = """
            <h1>\(error.status == 404 ? "Not found" : error.status == 403 ? "Refused" : "Cannot do that")</h1>
            <div class="note error" role="alert">\(error.message)</div><p><a href="/">Back to the queues</a></p>
            """
        let page = PageLayout.page(title: "Error", section: nil, live: live, updates: nil)
        return Reply(status: error.status, type: "text/html; charset=utf-8", body: page.text)
    }

    var response: Response {
        var fields = HTTPFields()
        fields[.contentType] = type
        fields[.cacheControl] = cacheable ? "public, max-age=86400, immutable" : "no-store"
        for (name, value) in Self.securityHeaders + headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let buffer = ByteBuffer(string: body)
        fields[.contentLength] = String(buffer.readableBytes)
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: buffer))
    }
}
