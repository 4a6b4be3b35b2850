export const SOURCE_KEY: "x-source";
export const PROVIDER: "terraform-provider";
export const PROVENANCE_KEYS: Set<string>;
export const ADDENDUM_KEY: "x-description-addendum";
export function isFromProvider(node: unknown): boolean;
export function withAddendum(description: string | undefined, addendum: string | undefined): string | undefined;
export function withoutAddendum(description: string | undefined, addendum: string | undefined): string | undefined;
export function providerNodes(node: unknown, pointer?: string): Array<{ pointer: string; node: any }>;
