/// Who may use the dashboard: the checks made before a page is served or a button acts, each a rule a browser
/// enforces for us once the server asks.
enum RequestGuard {
    /// Why a request must be refused, or nil to serve it.
    ///
    /// - Every request, when the server listens on loopback only: its `Host` must name loopback (`127.0.0.1`,
    ///   `[::1]`, `localhost`), so that a site whose name an attacker points at 127.0.0.1 (DNS rebinding) cannot read
    ///   the pages and their form token.
    /// - A request that changes something (`POST`): refused when the browser says it comes from another site
    ///   (`Sec-Fetch-Site` other than `same-origin` or `none`), or when its `Origin` is not this server's address.
    ///   The form token is checked after this (``DashboardToken``).
    static func refusal(method: String, host: String?, origin: String?, fetchSite: String?, loopbackOnly: Bool) -> String? {
        if loopbackOnly {
            guard let host, isLoopback(host: host) else {
                return "the dashboard answers requests for 127.0.0.1, [::1] or localhost only (this one was for '\(host ?? "no host")')"
            }
        }
        guard method == "POST" else { return nil }
        if let fetchSite, fetchSite != "same-origin", fetchSite != "none" {
            return "the request comes from another site (Sec-Fetch-Site: \(fetchSite)); use the dashboard's own buttons"
        }
        if let origin {
            guard let host, origin.lowercased() == "http://\(host.lowercased())" else {
                return "the request comes from another origin (\(origin)); use the dashboard's own buttons"
            }
        }
        return nil
    }

    /// Whether `host` (a `Host` header: name or address, then maybe `:PORT`) names this machine's loopback.
    static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            let rest = name[name.index(after: close)...]
            guard rest.isEmpty || isPort(rest.dropFirst()) && rest.first == ":" else { return false }
            return name[name.index(after: name.startIndex)..<close] == "::1"
        }
        if let colon = name.lastIndex(of: ":") {
            guard isPort(name[name.index(after: colon)...]) else { return false }
            name = String(name[..<colon])
        }
        if name == "localhost" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in part.count <= 3 && UInt8(part) != nil }
    }

    static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy(\.isASCII) && Int(text).map { (0...65535).contains($0) } == true
    }
}
