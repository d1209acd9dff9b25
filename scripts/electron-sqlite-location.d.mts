export declare const ELECTRON_NATIVE_DIR: string;
export declare const SQLITE_BINDING_FILE: string;
export declare function electronSqliteDir(projectDir: string, platform: string, arch: string): string;
export declare function electronSqliteBindingPath(projectDir: string, platform: string, arch: string): string;
