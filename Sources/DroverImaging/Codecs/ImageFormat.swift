/// An image file format, recognized from the file's first bytes rather than its name.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case jpeg
    case png

    /// The usual file extension.
    public var fileExtension: String { self == .jpeg ? "jpg" : "png" }

    /// The format of `bytes`, or a short name of a format Drover does not decode.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> Result<ImageFormat, ImageError> {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && prefix.indices.allSatisfy { bytes[offset + $0] == prefix[$0] }
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .success(.jpeg) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .success(.png) }
        let other: String
        if bytes.isEmpty { other = "empty file" }
        else if starts(Array("GIF8".utf8)) { other = "GIF" }
        else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { other = "WebP" }
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { other = "TIFF" }
        else if starts(Array("BM".utf8)) { other = "BMP" }
        else if starts(Array("ftyp".utf8), at: 4) { other = "HEIF/AVIF" }
        else { other = "not an image (unrecognized bytes)" }
        return .failure(.unsupportedFormat(other))
    }
}
