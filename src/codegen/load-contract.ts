// Parses asyncapi.yaml with @asyncapi/parser and reports diagnostics with line numbers.
import { readFile } from 'node:fs/promises';
import { Parser, DiagnosticSeverity, type AsyncAPIDocumentInterface } from '@asyncapi/parser';

export interface ContractDiagnostic {
  severity: 'error' | 'warning' | 'info' | 'hint';
  code: string;
  message: string;
  /** 1-based line in the source file, when the parser knows it. */
  line?: number;
  /** JSON path inside the document, dotted. */
  path: string;
}

export interface LoadedContract {
  document: AsyncAPIDocumentInterface | undefined;
  diagnostics: ContractDiagnostic[];
  source: string;
}

const severityNames: Record<number, ContractDiagnostic['severity']> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

/** Parses the contract at `file`; `document` is undefined when any error-level diagnostic was raised. */
export async function loadContract(file: string): Promise<LoadedContract> {
  const source = await readFile(file, 'utf8');
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(source, { source: file });
  return {
    document,
    source,
    diagnostics: diagnostics.map((d) => ({
      severity: severityNames[d.severity] ?? 'error',
      code: String(d.code),
      message: d.message,
      line: d.range ? d.range.start.line + 1 : undefined,
      path: d.path.join('.'),
    })),
  };
}

/** Loads the contract or throws with every error-level diagnostic, one a line. */
export async function loadContractOrThrow(file: string): Promise<AsyncAPIDocumentInterface> {
  const { document, diagnostics } = await loadContract(file);
  if (!document) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(file, d));
    throw new Error(`${file} is not a valid AsyncAPI document:\n${errors.join('\n')}`);
  }
  return document;
}

export function formatDiagnostic(file: string, d: ContractDiagnostic): string {
  const where = d.line !== undefined ? `${file}:${d.line}` : file;
  const path = d.path ? ` at ${d.path}` : '';
  return `${where}: ${d.severity} ${d.code}: ${d.message}${path}`;
}
