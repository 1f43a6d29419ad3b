/// An image file format, recognized from the file's first bytes rather than its name.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case jpeg
    case png
    case webp
    case avif
    /// HEIF with HEVC-coded images (what phones write); read only.
    case heic

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png, .webp, .avif, .heic: rawValue
        }
    }

    /// The name people know the format by: JPEG, PNG, WebP, AVIF, HEIC.
    public var displayName: String { self == .webp ? "WebP" : rawValue.uppercased() }

    /// The formats Drover writes.
    public static let writable: [ImageFormat] = [.jpeg, .png, .webp, .avif]

    /// "JPEG, PNG, WebP and AVIF", for messages.
    public static var writableNames: String {
        writable.dropLast().map(\.displayName).joined(separator: ", ") + " and " + writable.last!.displayName
    }

    /// Whether Drover writes this format.
    public var isWritable: Bool { Self.writable.contains(self) }

    /// The format written when an output keeps "the input's format": the input's own, or JPEG for a format Drover
    /// only reads (HEIC), as phones do when they share a HEIC photo.
    public var sameFormatOutput: ImageFormat { isWritable ? self : .jpeg }

    /// The format a file extension names (`jpg`, `jpeg`, `jpe`, `png`, `webp`, `avif`, `heic`, `heif`), any case.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "jpg", "jpeg", "jpe": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        case "avif": self = .avif
        case "heic", "heif": self = .heic
        default: return nil
        }
    }

    /// The format of `bytes`, or a short name of a format Drover does not decode.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> Result<ImageFormat, ImageError> {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && prefix.indices.allSatisfy { bytes[offset + $0] == prefix[$0] }
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .success(.jpeg) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .success(.png) }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .success(.webp) }
        if starts(Array("ftyp".utf8), at: 4), let format = isoMediaFormat(bytes) { return format }
        let other: String
        if bytes.isEmpty { other = "empty file" }
        else if starts(Array("GIF8".utf8)) { other = "GIF" }
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { other = "TIFF" }
        else if starts(Array("BM".utf8)) { other = "BMP" }
        else { other = "not an image (unrecognized bytes)" }
        return .failure(.unsupportedFormat(other))
    }

    /// AVIF or HEIC from the brands of an ISO media `ftyp` box: the major brand first, then the compatible ones.
    private static func isoMediaFormat(_ bytes: UnsafeRawBufferPointer) -> Result<ImageFormat, ImageError>? {
        let size = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        let end = min(max(size, 12), bytes.count)
        let brands = stride(from: 8, to: end - 3, by: 4).filter { $0 != 12 }.map { String(decoding: bytes[$0..<($0 + 4)], as: UTF8.self) }
        let avif: Set = ["avif", "avis"]
        let heic: Set = ["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"]
        for brand in brands {
            if avif.contains(brand) { return .success(.avif) }
            if heic.contains(brand) { return .success(.heic) }
        }
        // A plain HEIF (mif1/msf1) without a codec brand: libheif tells what it holds.
        if brands.contains("mif1") || brands.contains("msf1") { return .success(.heic) }
        return .failure(.unsupportedFormat("ISO media (brand '\(brands.first ?? "?")')"))
    }
}
