// Every export of a library's index.ts must carry JSDoc with an @example, and no public
// declaration may use `any`. Part of `npm test`.
import ts from 'typescript';

const entries = process.argv.slice(2);
const program = ts.createProgram(entries, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
let problems = 0;
let total = 0;
for (const entry of entries) {
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) {
    console.error(`${entry}: not a module`);
    process.exit(1);
  }
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    total++;
    const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const hasExample = symbol.getJsDocTags(checker).some((tag) => tag.name === 'example');
    if (!doc || !hasExample) {
      problems++;
      console.error(`${entry}: export '${exported.name}' needs JSDoc with an @example`);
    }
    for (const declaration of symbol.declarations ?? []) {
      let usesAny = false;
      const visit = (node) => {
        if (node.kind === ts.SyntaxKind.AnyKeyword) usesAny = true;
        else ts.forEachChild(node, visit);
      };
      // Only the declared shape counts (signatures, members), not function bodies.
      const shape =
        ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)
          ? [...declaration.parameters, declaration.type].filter(Boolean)
          : [declaration];
      for (const node of shape) {
        if (ts.isClassDeclaration(node)) {
          for (const member of node.members) {
            if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) continue;
            if (ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) {
              [...member.parameters, member.type].filter(Boolean).forEach(visit);
            } else if (ts.isPropertyDeclaration(member)) {
              if (member.type) visit(member.type);
            }
          }
        } else visit(node);
      }
      if (usesAny) {
        problems++;
        console.error(`${entry}: export '${exported.name}' uses 'any' in its public shape`);
      }
    }
  }
}
console.log(`public API: ${total} exports checked, ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
