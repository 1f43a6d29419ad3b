import Foundation

/// One entry of a batch: an input to process, or a line to report without processing it.
public struct BatchItem: Sendable, Equatable {
    /// What the batch does with the entry.
    public enum Verdict: Sendable, Equatable {
        case process
        /// Reported as skipped, with the reason.
        case skip(String)
        /// Reported as failed, with the reason; the run's exit status is 1.
        case fail(String)
    }

    /// Path relative to the input folder (the file's name when the input is one file).
    public var relative: PathBytes
    /// Path to open.
    public var path: PathBytes
    /// Size in bytes (0 when unknown), to start the largest files first.
    public var size: Int
    public var verdict: Verdict
    /// The format its first bytes show, when read.
    public var format: ImageFormat?

    public init(relative: PathBytes, path: PathBytes, size: Int = 0, verdict: Verdict, format: ImageFormat? = nil) {
        self.relative = relative
        self.path = path
        self.size = size
        self.verdict = verdict
        self.format = format
    }

    /// The report line of an entry that is not processed; nil for one to process.
    public var unprocessed: FileResult? {
        switch verdict {
        case .process: nil
        case .skip(let reason): .verdict(relative, .skipped, reason)
        case .fail(let reason): .verdict(relative, .failed, reason)
        }
    }
}

/// A file's identity on its file system.
struct FileID: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}

/// Lists every entry under an input folder, with the bytes of its name: image files to process, and a line for
/// each one that cannot be (not an image file name, a FIFO, a device, a broken link, a link loop, an unreadable
/// folder). Symbolic links are followed. Hidden names (starting with `.`) and the excluded files and folders (the
/// output folder, the report) are left out without a line.
struct FolderWalker {
    /// File name extensions taken as images (the format itself is read from the bytes).
    static let imageExtensions: Set<String> = [
        "jpg", "jpeg", "jpe", "jfif", "png", "gif", "webp", "tif", "tiff", "bmp", "heic", "heif", "avif",
    ]

    var excluded: Set<FileID> = []
    private(set) var items: [BatchItem] = []
    /// Folders walked so far, by identity, with the path they were walked under: a second link to one is not
    /// walked again (links to the same folders at every level would otherwise multiply the tree).
    private var walked: [FileID: PathBytes] = [:]

    /// Walks the folder `root` (already known to be a folder with identity `id`).
    mutating func walk(root: PathBytes, id: FileID) throws(ImageError) {
        guard let directory = root.withCString({ opendir($0) }) else {
            throw .io("\(root.display): cannot read the folder: \(String(cString: strerror(errno)))")
        }
        walked[id] = PathBytes(".")
        walk(directory, path: root, relative: PathBytes(bytes: []), ancestors: [id])
    }

    private mutating func walk(_ directory: OpaquePointer, path: PathBytes, relative: PathBytes, ancestors: [FileID]) {
        var names: [PathBytes] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                PathBytes(raw.prefix { $0 != 0 })
            }
            if name.bytes.first != UInt8(ascii: ".") { names.append(name) }
        }
        closedir(directory)
        // In name order, so that which of two paths to one folder is walked does not depend on the file system.
        for name in names.sorted() {
            visit(path: path.appending(name), relative: relative.appending(name), ancestors: ancestors)
        }
    }

    private mutating func visit(path: PathBytes, relative: PathBytes, ancestors: [FileID]) {
        guard let own = path.status(following: false) else {
            items.append(BatchItem(relative: relative, path: path, verdict: .fail("cannot read: \(String(cString: strerror(errno)))")))
            return
        }
        var status = own
        let isLink = own.st_mode & S_IFMT == S_IFLNK
        if isLink {
            guard let target = path.status(following: true) else {
                let reason =
                    switch errno {
                    case ELOOP: "symbolic link loop: the link leads back to itself"
                    case ENOENT: "broken symbolic link: what it names does not exist"
                    default: "cannot follow the symbolic link: \(String(cString: strerror(errno)))"
                    }
                items.append(BatchItem(relative: relative, path: path, verdict: .fail(reason)))
                return
            }
            status = target
        }
        let id = FileID(status)
        if excluded.contains(id) { return }
        let link = isLink ? "a symbolic link to " : ""
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            if ancestors.contains(id) {
                items.append(BatchItem(relative: relative, path: path, verdict: .fail("symbolic link loop: the link leads back to a folder that contains it")))
                return
            }
            if let first = walked[id] {
                items.append(BatchItem(relative: relative, path: path, verdict: .skip("the same folder as \(first.display), walked there")))
                return
            }
            walked[id] = relative
            guard let directory = path.withCString({ opendir($0) }) else {
                items.append(BatchItem(relative: relative, path: path, verdict: .fail("cannot read the folder: \(String(cString: strerror(errno)))")))
                return
            }
            walk(directory, path: path, relative: relative, ancestors: ancestors + [id])
        case S_IFREG:
            items.append(Self.file(path: path, relative: relative, size: Int(status.st_size)))
        default:
            let kind = Self.kind(status.st_mode)
            items.append(BatchItem(relative: relative, path: path, verdict: .fail("refused: \(link)\(kind), not a regular file")))
        }
    }

    /// The entry of a regular file: to process when its name is an image file name.
    static func file(path: PathBytes, relative: PathBytes, size: Int) -> BatchItem {
        let ext = relative.lowercasedExtension
        guard imageExtensions.contains(ext) else {
            let why = ext.isEmpty ? "not an image file name (no extension)" : "not an image file name (.\(relative.pathExtension.display))"
            return BatchItem(relative: relative, path: path, size: size, verdict: .skip(why))
        }
        return BatchItem(relative: relative, path: path, size: size, verdict: .process)
    }

    /// What kind of file a mode names, for messages.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a folder"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}
