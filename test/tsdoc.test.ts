// Every public export carries TSDoc, so that editors show it on hover; every call names the scope rules it can break.
import { join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const entryPoints = [
  join(root, "src/index.ts"),
  join(root, "src/tenants/index.ts"),
  join(root, "src/emulator/index.ts"),
];
let checker: ts.TypeChecker;
let program: ts.Program;

function exportsOf(file: string): ts.Symbol[] {
  const source = program.getSourceFile(file)!;
  return checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
}

function docOf(symbol: ts.Symbol): string {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
}

beforeAll(() => {
  program = ts.createProgram(entryPoints, {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [join(root, "node_modules/@types")],
  });
  checker = program.getTypeChecker();
});

describe("TSDoc", () => {
  it("is on every public export", () => {
    const undocumented: string[] = [];
    let count = 0;
    for (const file of entryPoints) {
      for (const symbol of exportsOf(file)) {
        count++;
        if (!docOf(symbol)) undocumented.push(`${file.split("/src/")[1]}: ${symbol.name}`);
      }
    }
    expect(count).toBeGreaterThan(30);
    expect(undocumented).toEqual([]);
  });

  it("names the scope rules each call can break", () => {
    const expected: Record<string, Record<string, string[]>> = {
      TokensResource: {
        create: ["S1", "S2", "S3", "S5", "S6", "S7"],
        list: ["S2"],
        delete: ["S2"],
        rotate: ["S2", "S3"],
      },
      UsersResource: { createServiceAccount: ["S2", "S5"], delete: ["S2"] },
    };
    const exported = new Map(exportsOf(entryPoints[0]!).map((s) => [s.name, s]));
    for (const [name, methods] of Object.entries(expected)) {
      const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(exported.get(name)!));
      for (const [method, rules] of Object.entries(methods)) {
        const doc = docOf(type.getProperty(method)!);
        for (const rule of rules) expect(doc, `${name}.${method}`).toContain(rule);
      }
    }
  });
});
