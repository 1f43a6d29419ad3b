import DroverCore
import DroverStore
import Foundation

/// The frame every dashboard page shares, and the small pieces the pages are made of.
enum PageLayout {
    /// The navigation entries.
    enum Section: String {
        case board = "Queues"
        case jobs = "Jobs"
    }

    /// What a page's live part listens for: the event stream's parameters that narrow it (`job`, `queue`; none for
    /// every event), and the job whose events (its children's included) matter, nil for any.
    struct Live {
        var filter: [(String, String)] = []
        var job: String?
        /// The newest event when the page was read: the stream starts after it, rather than with every event kept.
        var after: Int64?

        /// The same, starting after event `id`.
        func starting(after id: Int64?) -> Live {
            var live = self
            live.after = id
            return live
        }

        /// The event stream's URL.
        var events: String {
            let parameters = filter + (after.map { [("after", String($0))] } ?? [])
            return "/v1/events" + (parameters.isEmpty ? "" : "?" + QueryString.encode(parameters))
        }
    }

    /// A whole page: `live` is the part fetched again on events (`?fragment=1` answers it alone), `below` the rest;
    /// without `updates`, nothing is fetched again.
    static func page(title: String, section: Section?, live: HTML, updates: Live?, below: HTML = "") -> HTML {
        let nav = HTML.join([Section.board, .jobs].map { item in
            let path = item == .board ? "/" : "/jobs"
            return "<a href=\"\(path)\"\(item == section ? HTML(" class=\"on\" aria-current=\"page\"") : "")>\(item.rawValue)</a>"
        })
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Drover</title>
            <link rel="stylesheet" href="\(DashboardAssets.stylePath)">
            <script src="\(DashboardAssets.scriptPath)" defer></script>
            </head><body>
            <header><a class="brand" href="/">Drover</a><nav>\(nav)</nav></header>
            \(updates.map { HTML("<main id=\"live\" data-events=\"\($0.events)\" data-match=\"\($0.job)\">") } ?? "<main>")\(live)</main>
            \(below)
            </body></html>
            """
    }

    /// A status as a coloured label.
    static func badge(_ status: JobStatus) -> HTML {
        "<span class=\"badge st-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    /// The order counts are listed in: what needs a look first.
    static let countOrder: [JobStatus] = [.failed, .running, .starting, .runnable, .pending, .submitted, .succeeded]

    /// Counts by status as a list with colour keys, FAILED first; `link` makes each a link.
    static func counts(_ counts: [JobStatus: Int], link: ((JobStatus) -> String)? = nil) -> HTML {
        let items = countOrder.filter { (counts[$0] ?? 0) > 0 }.map { status -> HTML in
            let label: HTML = "\(status.rawValue) <b>\(grouped(counts[status] ?? 0))</b>"
            guard let link else { return "<li class=\"st-\(status.rawValue)\">\(label)</li>" }
            return "<li class=\"st-\(status.rawValue)\"><a href=\"\(link(status))\">\(label)</a></li>"
        }
        return items.isEmpty ? "<p class=\"muted\">No jobs.</p>" : "<ul class=\"counts\">\(items)</ul>"
    }

    /// Counts by status as one bar split in their proportions (an SVG: no inline style, which the page's policy forbids).
    static func stackedBar(_ counts: [JobStatus: Int]) -> HTML {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return "" }
        var x = 0.0
        var rects: [HTML] = []
        for status in countOrder.reversed() {
            guard let count = counts[status], count > 0 else { continue }
            let width = Double(count) * 100 / Double(total)
            rects.append("<rect class=\"st-\(status.rawValue)\" x=\"\(number(x))\" width=\"\(number(width))\" height=\"10\"/>")
            x += width
        }
        return "<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"jobs by status\">\(rects)</svg>"
    }

    /// A usage bar: `used` of `limit`.
    static func usageBar(used: Double, limit: Double, label: String) -> HTML {
        let fraction = limit > 0 ? min(1, used / limit) : 0
        return """
            <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="\(label)">\
            <rect class="st-RUNNING" width="\(number(fraction * 100))" height="10"/></svg>
            """
    }

    /// A number with at most 2 decimals, no trailing zeros.
    static func number(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return text.contains(".") ? String(text.reversed().drop { $0 == "0" }.drop { $0 == "." }.reversed()) : text
    }

    /// `12,345`.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Epoch ms as `2026-12-01 08:30:05 UTC` in a `<time>` element; `-` for nil.
    static func time(_ millis: EpochMillis?) -> HTML {
        guard let millis else { return "-" }
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        let clock = String(format: "%02d:%02d:%02d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return "<time datetime=\"\(date)T\(clock)Z\">\(date) \(clock) UTC</time>"
    }

    /// The path of a job's page.
    static func jobPath(_ id: String) -> String { "/jobs/" + QueryString.encode(id) }

    /// A link to a job's page.
    static func jobLink(_ id: String, text: String? = nil) -> HTML {
        "<a href=\"\(jobPath(id))\">\(text ?? id)</a>"
    }

}
