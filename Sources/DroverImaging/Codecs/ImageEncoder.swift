/// The one place that picks the writer for an output format.
public enum ImageEncoder {
    /// Encodes `raster` as `format`. `color` carries the ICC profile, written only when `options.keepICC`;
    /// `orientation`, when given, is written as a minimal EXIF block (and, in AVIF, as irot/imir).
    public static func encode(
        raster: Raster, format: ImageFormat, options: EncodeOptions, color: ColorMetadata = ColorMetadata(),
        orientation: Orientation? = nil
    ) throws(ImageError) -> [UInt8] {
        switch format {
        case .jpeg: try JPEGWriter.encode(raster, options: options, color: color, orientation: orientation)
        case .png: try PNGWriter.encode(raster, options: options, color: color)
        case .webp: try WebPWriter.encode(raster, options: options, color: color, orientation: orientation)
        case .avif: try AVIFWriter.encode(raster, options: options, color: color, orientation: orientation)
        case .heic: throw .unsupported("Drover does not write HEIC; it writes \(ImageFormat.writableNames)")
        }
    }
}
