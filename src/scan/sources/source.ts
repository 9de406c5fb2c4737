/** A file-like thing to scan: where it is reported, and how to get its bytes. */
export interface ScanTarget {
  /** Path reported in findings: relative to the repository root (or scan root), `/`-separated. */
  path: string;
  /** Absolute path on disk, for targets read from the file system. */
  absolute?: string;
  /**
   * Set when a directory listing already said this is a regular file (not a link): the file can be
   * opened without looking at it first.
   */
  regularFile?: boolean;
}

/** The list of targets a source produced, and what it left out along the way. */
export interface TargetList {
  targets: ScanTarget[];
  /** Directory that reported paths are relative to. */
  root: string;
  warnings: string[];
}
