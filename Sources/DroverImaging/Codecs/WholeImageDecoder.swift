/// A decoder that produces the whole image in one call (WebP, HEIC, AVIF): no decoding by rows and no shrink on load,
/// so a box pre-shrink happens after the full decode.
protocol WholeImageDecoder: AnyObject {
    /// Width and height of the decoded pixels.
    var width: Int { get }
    var height: Int { get }
    /// 3 (RGB) or 4 (RGBA, straight alpha).
    var channels: Int { get }
    /// Bits per sample in the file (the pixels are decoded to 8).
    var bitDepth: Int { get }
    var icc: [UInt8]? { get }
    /// The EXIF block (TIFF data).
    var exif: [UInt8]? { get }
    /// Whether the decoder turns the pixels as the file asks (HEIF's irot and imir): the EXIF orientation is then
    /// not to be applied again.
    var appliesOrientation: Bool { get }

    /// Decodes every pixel into `pixels`, rows of `stride` bytes.
    func decode(into pixels: UnsafeMutablePointer<UInt8>, stride: Int) throws(ImageError)
}

extension WholeImageDecoder {
    /// Copies `length` bytes at `pointer`, or nil.
    static func bytes(_ pointer: UnsafePointer<UInt8>?, _ length: Int) -> [UInt8]? {
        guard let pointer, length > 0 else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }
}
