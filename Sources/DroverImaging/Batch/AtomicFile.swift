import Foundation

/// Writes files so that a reader (or a crash) never sees half of one: the bytes go to a temporary file in the same
/// folder, which is then renamed over the target.
public enum AtomicFile {
    /// Writes `bytes` to `path`, creating missing parent folders.
    ///
    /// Streams are written in place (see ``stream(_:)``): renaming over `/dev/null` or `/dev/stdout` would
    /// replace a device or a link with a plain file. A symbolic link to a file is kept, and the file it
    /// names is replaced.
    public static func write(_ bytes: [UInt8], to path: String) throws(ImageError) {
        try write(bytes, to: PathBytes(path))
    }

    /// Writes `bytes` to `path` (bytes of a file name that need not be UTF-8).
    public static func write(_ bytes: [UInt8], to path: PathBytes) throws(ImageError) {
        try stage(bytes, at: path).commit()
    }

    /// Makes `bytes` ready to appear at `path` with ``StagedFile/commit()``: for a file, written to a temporary
    /// file beside it (parent folders created); for a stream, kept until the commit writes it.
    public static func stage(_ bytes: [UInt8], at path: PathBytes, mark: [UInt8]? = nil) throws(ImageError) -> StagedFile {
        if stream(path) != nil { return StagedFile(target: path, temporary: nil, bytes: bytes, throughLink: false) }
        let link = linkTarget(path)
        let target = link ?? path
        let folder = target.parent
        if !folder.isEmpty, let failure = makeFolders(folder) {
            throw .io("cannot create folder \(folder.display): \(failure)")
        }
        // A short name of its own, so that an output name of up to 255 bytes still has room for it.
        let name = PathBytes(".drover-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        let temporary = folder.isEmpty ? name : folder.appending(name)
        let descriptor = temporary.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw .io("cannot create \(temporary.display): \(String(cString: strerror(errno)))") }
        let failure = writeAll(bytes, to: descriptor)
        if failure == nil, let mark { OutputMark.write(mark, to: descriptor) }
        close(descriptor)
        if let failure {
            _ = temporary.withCString { unlink($0) }
            throw .io("cannot write \(target.display): \(failure)")
        }
        return StagedFile(target: target, temporary: temporary, bytes: [], throughLink: link != nil)
    }

    /// The file a symbolic link at `path` names (which need not exist yet); nil if `path` is not a link.
    static func linkTarget(_ path: PathBytes) -> PathBytes? {
        guard let link = path.status(following: false), link.st_mode & S_IFMT == S_IFLNK else { return nil }
        if let resolved = path.resolved { return resolved }
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = path.withCString { name in buffer.withUnsafeMutableBytes { readlink(name, $0.baseAddress!, $0.count - 1) } }
        guard count > 0 else { return nil }
        let target = PathBytes(buffer[..<count])
        if target.bytes.first == UInt8(ascii: "/") { return target }
        return path.parent.isEmpty ? target : path.parent.appending(target)
    }

    /// How a path that is not an ordinary file is written.
    public enum Stream: Equatable, Sendable {
        /// One of this process's open descriptors: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`.
        case descriptor(Int32)
        /// A device, FIFO or socket that exists, opened and written without creating anything.
        case special
    }

    /// Whether `path` is a stream rather than a file to replace; nil for an ordinary file path.
    public static func stream(_ path: String) -> Stream? { stream(PathBytes(path)) }

    /// Whether `path` is a stream rather than a file to replace; nil for an ordinary file path.
    public static func stream(_ path: PathBytes) -> Stream? {
        let folder = path.parent
        let name = path.lastComponent.string ?? ""
        if let resolved = (folder.isEmpty ? PathBytes(".") : folder).resolved?.string {
            switch (resolved, name) {
            case ("/dev", "stdout"): return .descriptor(1)
            case ("/dev", "stderr"): return .descriptor(2)
            default: break
            }
            if resolved.hasPrefix("/proc/") && resolved.hasSuffix("/fd"), let number = Int32(name) { return .descriptor(number) }
            if resolved == "/dev" || resolved.hasPrefix("/dev/") || resolved == "/proc" || resolved.hasPrefix("/proc/") {
                return .special
            }
        }
        if let status = path.status(following: true), status.st_mode & S_IFMT != S_IFREG, status.st_mode & S_IFMT != S_IFDIR {
            return .special
        }
        return nil
    }

    /// `mkdir -p`: nil, or the error of the first folder that could not be made.
    static func makeFolders(_ path: PathBytes) -> String? {
        if let status = path.status(following: true), status.st_mode & S_IFMT == S_IFDIR { return nil }
        var current = PathBytes(bytes: path.bytes.first == UInt8(ascii: "/") ? [UInt8(ascii: "/")] : [])
        for part in path.components {
            current = current.appending(part)
            if current.withCString({ mkdir($0, 0o755) }) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
        }
        return nil
    }

    /// Writes to a device or FIFO that already exists, without creating or renaming anything.
    static func writeInPlace(_ bytes: [UInt8], to path: PathBytes) throws(ImageError) {
        let descriptor = path.withCString { open($0, O_WRONLY | O_CLOEXEC | O_NOCTTY) }
        guard descriptor >= 0 else { throw .io("cannot open \(path.display): \(String(cString: strerror(errno)))") }
        let failure = writeAll(bytes, to: descriptor)
        close(descriptor)
        if let failure { throw .io("cannot write \(path.display): \(failure)") }
    }

    /// Writes every byte, retrying short writes and interruptions; the error text on failure.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return String(cString: strerror(errno)) }
                written += count
            }
            return nil
        }
    }
}

/// Bytes ready to appear at their path: in a temporary file beside it, or held for a stream. ``commit()`` makes them
/// appear (a rename: a reader never sees half a file); ``discard()`` leaves nothing behind.
public struct StagedFile: Sendable {
    /// Where the bytes go (the file a symbolic link names, for a link).
    public let target: PathBytes
    let temporary: PathBytes?
    let bytes: [UInt8]
    /// Whether the target is the file a symbolic link names (a file that was not ours, so never removed).
    let throughLink: Bool

    /// Renames the temporary file over the target, or writes a stream.
    public func commit() throws(ImageError) {
        guard let temporary else {
            switch AtomicFile.stream(target) {
            case .descriptor(let descriptor):
                if let failure = AtomicFile.writeAll(bytes, to: descriptor) { throw .io("cannot write \(target.display): \(failure)") }
            default:
                try AtomicFile.writeInPlace(bytes, to: target)
            }
            return
        }
        let renamed = temporary.withCString { from in target.withCString { rename(from, $0) } }
        guard renamed == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw .io("cannot rename into \(target.display): \(reason)")
        }
    }

    /// Removes the temporary file.
    public func discard() {
        if let temporary { _ = temporary.withCString { unlink($0) } }
    }

    /// Removes what ``commit()`` put in place (used when a later output of the same input fails).
    func undo() {
        if temporary != nil && !throughLink { _ = target.withCString { unlink($0) } }
    }
}
