import CYaml

/// Bounds what a YAML text becomes once its aliases are followed, before anything is built from it.
///
/// An alias (`*name`) repeats the node its anchor (`&name`) marks, so a file of a kilobyte can stand
/// for billions of nodes ("billion laughs"), and aliases can stack nesting deeper than the decoders'
/// recursion can go. Yams composes aliases as shared nodes, but hashes mapping keys in full and the
/// loader expands everything, so the bound is checked first, on libyaml's event stream: each
/// anchor's expanded size and height are remembered, and every alias adds them.
enum YAMLExpansion {
    /// Most nodes that aliases may add to a file, over all its documents.
    static let maxAliasNodes = 100_000
    /// Deepest nesting of collections, aliases expanded (job files need fewer than 10 levels).
    static let maxDepth = 64

    /// Refuses `text` when its aliases expand past ``maxAliasNodes`` or it nests deeper than
    /// ``maxDepth``; a message names `path` and the line. Malformed YAML passes: Yams reports it.
    static func check(_ text: String, path: String) throws(DroverError) {
        let bytes = Array(text.utf8)
        let problem = bytes.withUnsafeBufferPointer { scan($0) }
        if let (line, message) = problem { throw DroverError("\(path):\(line): \(message)\nnothing was changed.") }
    }

    /// The first problem (1-based line, message), or nil.
    static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> (Int, String)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)

        /// A collection being read: its anchor, the node count when it began, its tallest child
        /// (height: levels of collections, 0 for a scalar).
        struct Open {
            var anchor: String?
            var startCount: Int
            var childHeight = 0
        }
        var anchors: [String: (size: Int, height: Int)] = [:]
        var open: [Open] = []
        var count = 0
        var added = 0
        var event = yaml_event_t()

        func finish(size: Int, height: Int, anchor: String?) {
            if let anchor { anchors[anchor] = (size, height) }
            if !open.isEmpty { open[open.count - 1].childHeight = max(open[open.count - 1].childHeight, height) }
        }

        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_SCALAR_EVENT:
                count += 1
                finish(size: 1, height: 0, anchor: name(event.data.scalar.anchor))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = name(event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
                open.append(Open(anchor: anchor, startCount: count))
                count += 1
                if open.count > maxDepth {
                    return (line, "nests more than \(maxDepth) levels deep; Drover reads at most \(maxDepth)")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                finish(size: count - closed.startCount, height: closed.childHeight + 1, anchor: closed.anchor)
            case YAML_ALIAS_EVENT:
                guard let anchor = name(event.data.alias.anchor), let target = anchors[anchor] else { continue }
                added += target.size
                count += target.size
                if added > maxAliasNodes {
                    return (line, "the YAML aliases expand to more than \(maxAliasNodes) nodes (here at *\(anchor)); write the values out instead")
                }
                if open.count + target.height > maxDepth {
                    return (line, "alias *\(anchor) nests more than \(maxDepth) levels deep; Drover reads at most \(maxDepth)")
                }
                finish(size: target.size, height: target.height, anchor: nil)
            default:
                continue
            }
        }
        return nil
    }

    static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: UnsafePointer($0)) }
    }
}
