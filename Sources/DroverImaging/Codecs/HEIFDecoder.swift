import CDroverHEIF

/// Reads a HEIC or AVIF through libheif: the boxes, size, ICC profile and EXIF block first (checked against the
/// limits; no pixel is decoded), then the primary image, turned and cropped as the file's irot, imir and clap say.
///
/// Per HEIF (ISO/IEC 23008-12), those properties, not the EXIF orientation, say how to show the image: phones write
/// both, in agreement; avifenc writes both; heif-enc 1.15 copies the EXIF orientation of its input without adding
/// irot/imir. So the EXIF orientation of a HEIF file is never applied (libvips and pillow-heif do the same).
final class HEIFDecoder: WholeImageDecoder {
    private let decoder: OpaquePointer
    /// Kept alive while libheif points into it.
    private let bytes: FileBytes
    let width: Int
    let height: Int
    let channels: Int
    let bitDepth: Int
    let icc: [UInt8]?
    let exif: [UInt8]?
    let appliesOrientation = true

    init(bytes: FileBytes, limits: ImageLimits) throws(ImageError) {
        guard let decoder = drover_heif_decoder_create(bytes.pointer, bytes.count, limits.cLimits) else { throw .outOfMemory }
        self.decoder = decoder
        self.bytes = bytes
        var info = drover_heif_info()
        let status = drover_heif_read_header(decoder, &info)
        if status != 0 {
            let message = String(cString: drover_heif_decoder_message(decoder))
            drover_heif_decoder_destroy(decoder)
            throw ImageError.fromStatus(status, message: message)
        }
        width = Int(info.width)
        height = Int(info.height)
        channels = info.has_alpha != 0 ? 4 : 3
        bitDepth = Int(info.bit_depth)
        var length = 0
        let iccPointer = drover_heif_icc(decoder, &length)
        var nclx = drover_heif_nclx()
        if let profile = Self.bytes(iccPointer, length) {
            icc = profile
        } else if drover_heif_get_nclx(decoder, &nclx) != 0 {
            // Colours given as code points (Display P3, BT.2020, ...) convert through an equivalent ICC profile.
            let values = withUnsafeBytes(of: nclx.chromaticities) { Array($0.bindMemory(to: Double.self)) }
            icc = NCLXProfile(primaries: Int(nclx.primaries), transfer: Int(nclx.transfer), chromaticities: values).iccProfile
        } else {
            icc = nil
        }
        let exifPointer = drover_heif_exif(decoder, &length)
        exif = Self.bytes(exifPointer, length)
    }

    deinit { drover_heif_decoder_destroy(decoder) }

    func decode(into pixels: UnsafeMutablePointer<UInt8>, stride: Int) throws(ImageError) {
        let status = drover_heif_decode(decoder, pixels, stride, Int32(channels))
        guard status == 0 else { throw ImageError.fromStatus(status, message: String(cString: drover_heif_decoder_message(decoder))) }
    }
}
