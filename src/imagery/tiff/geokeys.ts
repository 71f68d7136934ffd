/**
 * GeoTIFF georeferencing: the GeoKey directory for an EPSG coordinate system, the pixel-scale and
 * tie-point tags for a north-up geotransform, and the reverse for what a file declares.
 */

/** GeoKey and tag numbers of the GeoTIFF 1.1 specification. */
export const GEO = {
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GTModelType: 1024,
  GTRasterType: 1025,
  GeographicType: 2048,
  GeogAngularUnits: 2054,
  ProjectedCSType: 3072,
  ProjLinearUnits: 3076,
} as const;

const MODEL_PROJECTED = 1;
const MODEL_GEOGRAPHIC = 2;
const RASTER_PIXEL_IS_AREA = 1;
const RASTER_PIXEL_IS_POINT = 2;
const USER_DEFINED = 32767;
const ANGULAR_DEGREE = 9102;
const LINEAR_METRE = 9001;

/** A coordinate system a GeoTIFF names by its EPSG code. */
export interface EpsgCrs {
  readonly epsg: number;
  readonly geographic: boolean;
}

/** GDAL's geotransform: x = t0 + col·t1 + row·t2, y = t3 + col·t4 + row·t5 (pixel corners). */
export type GeoTransform = readonly [number, number, number, number, number, number];

export function geoKeyDirectory(crs: EpsgCrs): number[] {
  const keys: [number, number][] = [
    [GEO.GTModelType, crs.geographic ? MODEL_GEOGRAPHIC : MODEL_PROJECTED],
    [GEO.GTRasterType, RASTER_PIXEL_IS_AREA],
  ];
  if (crs.geographic) keys.push([GEO.GeographicType, crs.epsg], [GEO.GeogAngularUnits, ANGULAR_DEGREE]);
  else keys.push([GEO.ProjectedCSType, crs.epsg], [GEO.ProjLinearUnits, LINEAR_METRE]);
  return [1, 1, 0, keys.length, ...keys.flatMap(([k, v]) => [k, 0, 1, v])];
}

/** ModelPixelScale and ModelTiepoint for a north-up transform, else one ModelTransformation matrix. */
export function transformTags(t: GeoTransform): { tag: number; values: number[] }[] {
  if (t[2] === 0 && t[4] === 0 && t[5] < 0) {
    return [
      { tag: GEO.ModelPixelScale, values: [t[1], -t[5], 0] },
      { tag: GEO.ModelTiepoint, values: [0, 0, 0, t[0], t[3], 0] },
    ];
  }
  return [{ tag: GEO.ModelTransformation, values: [t[1], t[2], 0, t[0], t[4], t[5], 0, t[3], 0, 0, 0, 0, 0, 0, 0, 1] }];
}

/** What a file's tags say; the parsed GeoKeys map key number → value. */
export interface GeoTags {
  readonly pixelScale?: readonly number[];
  readonly tiepoint?: readonly number[];
  readonly transformation?: readonly number[];
  readonly geoKeys: ReadonlyMap<number, number>;
}

/** The file's CRS, or a message saying why it has none that tesserae can use. */
export function crsOfKeys(keys: ReadonlyMap<number, number>): EpsgCrs | string {
  const model = keys.get(GEO.GTModelType);
  const projected = keys.get(GEO.ProjectedCSType);
  const geographic = keys.get(GEO.GeographicType);
  if (model === MODEL_PROJECTED || (model === undefined && projected !== undefined)) {
    if (projected === undefined || projected === USER_DEFINED) return "a user-defined projected coordinate system (no EPSG code)";
    return { epsg: projected, geographic: false };
  }
  if (model === MODEL_GEOGRAPHIC || (model === undefined && geographic !== undefined)) {
    if (geographic === undefined || geographic === USER_DEFINED) return "a user-defined geographic coordinate system (no EPSG code)";
    return { epsg: geographic, geographic: true };
  }
  return model === undefined ? "no coordinate system (no GeoKeys)" : `an unsupported model type ${model}`;
}

/** The geotransform of pixel corners, or a message when the file has no usable georeferencing. */
export function transformOfTags(g: GeoTags): GeoTransform | string {
  // GDAL's convention: with PixelIsPoint the tie point names a pixel centre, so shift by half a pixel.
  const point = g.geoKeys.get(GEO.GTRasterType) === RASTER_PIXEL_IS_POINT;
  let t: [number, number, number, number, number, number];
  if (g.transformation !== undefined && g.transformation.length >= 16) {
    const m = g.transformation;
    t = [m[3]!, m[0]!, m[1]!, m[7]!, m[4]!, m[5]!];
  } else if (g.pixelScale !== undefined && g.tiepoint !== undefined && g.pixelScale.length >= 2 && g.tiepoint.length >= 6) {
    const [i, j, , x, y] = g.tiepoint as [number, number, number, number, number];
    const [sx, sy] = g.pixelScale as [number, number];
    t = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  } else {
    return "no geotransform (ModelPixelScale and ModelTiepoint, or ModelTransformation)";
  }
  if (point) {
    t[0] -= 0.5 * (t[1] + t[2]);
    t[3] -= 0.5 * (t[4] + t[5]);
  }
  if (!t.every(Number.isFinite) || t[1] * t[5] - t[2] * t[4] === 0) return "a degenerate geotransform";
  return t;
}
