export function generate(options: { specPath: string; outDir: string; check: boolean }): Promise<string[]>;
