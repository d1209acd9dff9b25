export interface RebuildRequest {
  /** The staging project whose node_modules/better-sqlite3 is to be built. */
  buildPath: string;
  electronVersion: string;
  arch: string;
}

export interface EnsureElectronSqliteOptions {
  projectDir: string;
  platform?: string;
  arch?: string;
  /** Default: @electron/rebuild. */
  rebuild?: (request: RebuildRequest) => Promise<void>;
  log?: (line: string) => void;
}

export declare function ensureElectronSqlite(options: EnsureElectronSqliteOptions): Promise<{ binding: string; rebuilt: boolean }>;

export declare function beforePack(context: { arch: number; electronPlatformName: string; packager: { projectDir: string } }): Promise<void>;
