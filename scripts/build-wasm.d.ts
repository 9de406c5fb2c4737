/** Types for the tests that check the committed WebAssembly module against its source. */
export const WAT: string;
export const OUT: string;
export function assemble(): Promise<string>;
