// Modelina: the contract's schemas → TypeScript interfaces and union enums, in a single file.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { TypeScriptGenerator, typeScriptDefaultPropertyKeyConstraints } from '@asyncapi/modelina';
import type { ContractModel } from './contract-model.js';
import { generatedHeader, pascalCase } from './naming.js';

/** Returns the text of generated/models.ts and the names of the models in it. */
export async function generateModels(document: AsyncAPIDocumentInterface, contract: ContractModel, header = generatedHeader): Promise<{ text: string; names: Set<string> }> {
  const generator = new TypeScriptGenerator({
    modelType: 'interface',
    enumType: 'union',
    mapType: 'record',
    // Our wire field is called `type`; keep it instead of Modelina's `reservedType`.
    constraints: { propertyKey: typeScriptDefaultPropertyKeyConstraints({ NO_RESERVED_KEYWORDS: (value: string) => value }) },
  });
  const models = await generator.generate(document);
  const payloadNames = new Set(contract.messages.map((m) => m.payloadSchemaName));
  const channelUnions = new Set(document.channels().all().map((channel) => pascalCase(channel.id())));
  const names = new Set<string>();
  const parts: string[] = [];
  for (const model of models) {
    // Modelina's per-channel union keeps only the last operation's messages; the index builds the real unions.
    if (channelUnions.has(model.modelName)) continue;
    if (/^Anonymous/i.test(model.modelName)) {
      throw new Error(`Modelina produced an anonymous model (${model.modelName}); give every object schema a name under components.schemas`);
    }
    names.add(model.modelName);
    parts.push(`export ${model.result.trim()}\n`);
  }
  for (const name of payloadNames) {
    if (!names.has(name)) throw new Error(`no model was generated for payload schema ${name}`);
  }
  return { text: `${header}\n${parts.join('\n')}`, names };
}
