// Identifier helpers shared by the generators.

/** `invitationReceived` / `product_expiry` → `InvitationReceived` / `ProductExpiry`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

export const generatedHeader = '// Generated from asyncapi.yaml by `notify generate`. Do not edit: edit asyncapi.yaml and regenerate.\n';

/** The "do not edit" stamp for output generated from the contract file `contractName`. */
export function generatedHeaderFor(contractName: string): string {
  return generatedHeader.replaceAll('asyncapi.yaml', contractName);
}
