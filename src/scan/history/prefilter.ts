/**
 * History's prefilter: each blob is searched for every detector marker at once, and only blobs where
 * one occurs go to the detector. The search itself lives with the detector (src/scan/detect/), where
 * the working-tree scan uses it too.
 */
export { hasMarker, MAX_MARKER, MarkerFilter } from '../detect/marker-filter.js';
