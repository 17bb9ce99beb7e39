import { Parser, fromFile } from '@asyncapi/parser';
import { TypeScriptGenerator, typeScriptDefaultPropertyKeyConstraints } from '@asyncapi/modelina';
const parser = new Parser();
const { document } = await fromFile(parser, '/work/main/asyncapi.yaml').parse();
const gen = new TypeScriptGenerator({ modelType: 'interface', enumType: 'union', rawPropertyNames: false,
  constraints: { propertyKey: typeScriptDefaultPropertyKeyConstraints({ NO_RESERVED_KEYWORDS: (v) => v }) } });
const models = await gen.generate(document);
for (const m of models) console.log('-----', m.modelName, '\n' + m.result);
